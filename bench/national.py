"""python -m bench.national: the national look-up's catch-up, beside pg_dump | pg_restore.

On a province server and a national cluster of its own (own CADASTRE_HOME and ports, made by
`cadastre db start --province 01`, `cadastre sample load`, `cadastre national publish|create`;
stopped and deleted afterwards):

- publish: `cadastre national publish --restart` (the province's public copy, a subscription
  inside its own cluster), beside a `pg_dump -Fc` piped into `pg_restore` of the whole
  register's schemas;
- subscribe: `cadastre national add-province` (its functions, in this process) until every
  table is copied and streaming (the province's whole public register reaching the national
  look-up), beside the baseline: a plain
  `pg_dump -Fc | pg_restore` of the same tables (same columns and indexes: dumped from the
  national copy) into an empty database of the same cluster;
- catch up: the national cluster stopped, the province withdraws and re-publishes every page
  (`cadastre db publish`), the national cluster started: until it holds every new page, beside
  the province's own re-publication time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import closing

import psycopg2

from bench.measure import Figure, Results, machine_description
from cadastre.db.server import ProjectServer
from cadastre.national.cluster import NationalCluster
from cadastre.national.provinces import add_province, wait_until_copied
from cadastre.national.settings import NationalSettings
from cadastre.settings import PROJECT_ROOT, Settings
from tests.db.test_server import cli_env, free_port


def _cli(env: dict[str, str], *args: str) -> float:
    """Run the real CLI; seconds it took."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cadastre", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"cadastre {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def _scalar(url: str, query: str) -> object:
    with closing(psycopg2.connect(url)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchone()[0] if cur.description else None


def _wait(condition, timeout_s: float = 3600) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.1)


def _dump_restore(server: ProjectServer, database: str) -> float:
    """pg_dump -Fc of a database's schemas cadastre and public_register piped into pg_restore
    into an empty database of the same cluster, in seconds."""
    target = f"restore_{uuid.uuid4().hex[:6]}"
    _scalar(server.url("postgres"), f"CREATE DATABASE {target}")
    extensions = ["pg_trgm"] if database.startswith("p") else ["pg_trgm", "postgis",
                                                                  "btree_gist"]
    # PostGIS refuses to install while pgAudit logs DDL (cadastre.db.migrate pauses it too).
    _scalar(server.url(target), "SET pgaudit.log = 'none'; " + " ".join(
        f"CREATE EXTENSION {extension};" for extension in extensions))
    bindir = server.bindir
    start = time.perf_counter()
    dump = subprocess.Popen(
        [str(bindir / "pg_dump"), "-Fc", "--no-subscriptions", "--no-owner", "--no-acl",
         "--no-publications", "-n", "cadastre", "-n", "public_register",
         "-d", server.url(database)],
        stdout=subprocess.PIPE)
    restore = subprocess.run([str(bindir / "pg_restore"), "--no-owner", "--no-acl",
                              "-d", server.url(target)], stdin=dump.stdout,
                             capture_output=True, text=True, check=False)
    dump.wait()
    seconds = time.perf_counter() - start
    if dump.returncode:
        raise SystemExit(f"pg_dump failed (pg_restore said: {restore.stderr[-2000:]})")
    if restore.returncode:  # a whole register's schema refers to objects outside it
        print(f"pg_restore warnings: {restore.stderr.count('error')} errors", flush=True)
    return seconds


def run(parcels: int, results: Results) -> None:
    root = PROJECT_ROOT / ".cadastre" / f"bench-national-{uuid.uuid4().hex[:8]}"
    root.mkdir(parents=True)
    port = free_port()
    province_env = cli_env(root / "p01", port)
    province = ProjectServer.from_settings(Settings(home=root / "p01", port=port))
    national_port = free_port()
    national_env = cli_env(root / "national", 0, CADASTRE_NATIONAL_PORT=str(national_port))
    national_env.pop("CADASTRE_PORT")
    cluster = NationalCluster.from_settings(Settings(home=root / "national"),
                                            NationalSettings(port=national_port))
    try:
        _cli(province_env, "db", "start", "--province", "01")
        load_s = _cli(province_env, "sample", "load", "--parcels", str(parcels))
        print(f"sample load of {parcels} parcels: {load_s:.0f} s", flush=True)
        pages = _scalar(province.url(), "SELECT count(*) FROM public_register.parcel_page")
        size = f"{pages:,} pages"
        copy_s = _cli(province_env, "national", "publish", "--restart")
        _cli(national_env, "national", "create")
        baseline_copy_s = _dump_restore(province, "cadastre")
        results.add(Figure(
            "national publish: the province's public copy (inside its cluster)", size,
            copy_s * 1000, None, None, "pg_dump -Fc piped into pg_restore, whole register",
            baseline_copy_s * 1000,
            note="includes the restart that turns on logical WAL (about 2 s); the baseline "
                 "copies every table of the register, the public copy only the published "
                 "columns"))
        url = (f"postgresql://cadastre_publisher@127.0.0.1:{port}/cadastre_public"
               f"?passfile={province.passfile}")
        start = time.perf_counter()
        add_province(cluster, url)
        wait_until_copied(cluster, "01", timeout_s=3600)
        subscribe_s = time.perf_counter() - start
        baseline_s = _dump_restore(cluster.server, "p01")
        results.add(Figure(
            "national add-province: copy a province's public register, then stream", size,
            subscribe_s * 1000, None, None, "pg_dump -Fc piped into pg_restore, same tables",
            baseline_s * 1000,
            note="the subscription copies the published columns into indexed tables and "
                 "then streams every change; the dump is a one-off copy"))
        # Catch-up after a national outage: every page re-published meanwhile.
        cluster.server.stop()
        _scalar(province.url(), "SELECT public_register.withdraw_pages("
                                "(SELECT array_agg(parcel_id) FROM public_register.parcel_page))")
        republish_s = _cli(province_env, "db", "publish")
        target = _scalar(province.url(), "SELECT sum(version) FROM public_register.parcel_page")
        start = time.perf_counter()
        cluster.server.start()
        _wait(lambda: _scalar(cluster.url("p01"),
                              "SELECT sum(version) FROM public_register.parcel_page") == target
              and _scalar(cluster.url("p01"), "SELECT count(*) FROM "
                          "public_register.parcel_page WHERE document IS NULL") == 0)
        catch_up_s = time.perf_counter() - start
        results.add(Figure(
            "national catch-up after its outage: every page re-published meanwhile", size,
            catch_up_s * 1000, None, None, "the province's own re-publication (db publish)",
            republish_s * 1000,
            note="from the national cluster's start to holding every new page"))
    finally:
        for server in (cluster.server, province):
            try:
                server.stop()
            except Exception as exc:
                print(f"could not stop {server.data_dir}: {exc}", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000, help="province size")
    parser.add_argument("--name", default="national", help="results file in bench/results")
    args = parser.parse_args()
    results = Results(machine=machine_description())
    run(args.parcels, results)
    json_path, md_path = results.write(args.name)
    print(f"written {json_path} and {md_path}")


if __name__ == "__main__":
    main()
