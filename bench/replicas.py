"""python -m bench.replicas: streaming replication, measured beside its baseline in one run.

On a province server of its own (its own CADASTRE_HOME and port, made by `cadastre db start`
and `cadastre sample load`, stopped and deleted afterwards):

- officers' edit load: EDITORS officer sessions at once, each registering mortgages (one
  transaction each, through cadastre.register_restriction as the officer role) for SECONDS:
  commit latency p50/p99 and edits/s with no replica (the baseline), with an asynchronous
  replica and with a synchronous one (remote_apply); for the asynchronous replica, the replay
  lag of every commit: from the commit returning on the primary to the replica having replayed
  the primary's WAL up to the position read just after it (sampled every millisecond).
- citizens' look-ups per second (look-up cache off, so every request reaches the database)
  through `cadastre serve` reading from the replica, beside the same from the primary, with
  bench.web's load generator.
- a bulk import (`cadastre sample load --parcels N`, the loader registering a ward with its
  history) on a fresh province with an asynchronous replica: how long it takes beside the same
  import with no replica, and the replica's replay lag during it, sampled every 50 ms (for each
  sample of the primary's WAL position, how long until the replica had replayed up to it).
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from dataclasses import dataclass

import psycopg2

from bench import web
from bench.measure import Figure, Results, machine_description, summary
from cadastre.db import replica as replicas
from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from cadastre.db.server import ProjectServer
from cadastre.register.binding import dossiers, rights
from cadastre.register.binding.call import one_value
from cadastre.settings import PROJECT_ROOT, Settings

EDITORS = 4
SECONDS = 20.0
COMMUNE = "91001"


@dataclass
class Load:
    """What one edit run measured."""

    latencies_ms: list[float]
    commits: list[tuple[float, int]]  # (monotonic time the commit returned, WAL position after)
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds


def lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class Province:
    """A project server of the benchmark's own, with an officer and an approver."""

    def __init__(self, parcels: int, people: bool = True) -> None:
        self.home = PROJECT_ROOT / ".cadastre" / f"bench-replicas-{uuid.uuid4().hex[:8]}"
        self.home.mkdir(parents=True)
        self.port = web._free_port()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("CADASTRE_") and k != "DATABASE_URL"}
        self.env.update(CADASTRE_HOME=str(self.home), CADASTRE_PORT=str(self.port))
        self.server = ProjectServer.from_settings(Settings(home=self.home, port=self.port))
        self.cli("db", "start")
        self.people: dict[str, str] = {}
        if not people:
            return
        self.cli("sample", "load", "--parcels", str(parcels))
        with closing(connect(self.server.url())) as conn:
            for kind in ("officer", "approver"):
                name, password = f"bench_{kind}_{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
                add_user(conn, name, kind, [COMMUNE], password=password)
                self.people[kind] = with_user(self.server.url(), name, password)

    def cli(self, *args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "cadastre", *args], env=self.env,
                             capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"cadastre {' '.join(args)}: {out.stderr}")
        return out.stdout

    def close(self) -> None:
        try:
            for cluster in replicas.side_clusters(self.server):
                cluster.node.stop()
            self.server.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def dossier(self) -> int:
        """An approved mortgage dossier of the officer's commune."""
        number = f"BENCH-{uuid.uuid4().hex[:8]}"
        with closing(connect(self.people["officer"])) as officer, officer, officer.cursor() as cur:
            today = one_value(cur, "SELECT current_date", {})
            dossier = dossiers.open_dossier(cur, number=number, kind="mortgage", received_on=today,
                                            officer="bench", commune_code=COMMUNE)
        with (closing(connect(self.people["approver"])) as approver, approver,
              approver.cursor() as cur):
            dossiers.decide_dossier(cur, dossier_id=dossier, status="approved", decided_on=today)
        return dossier

    def targets(self) -> tuple[list[int], int, list[str]]:
        """Current parcel ids of the commune, a lender, every current parcel's reference."""
        with closing(connect(self.server.url())) as conn, conn.cursor() as cur:
            cur.execute("SELECT id FROM cadastre.parcel WHERE status = 'current' "
                        "AND commune_code = %s", (COMMUNE,))
            ids = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT id FROM cadastre.party WHERE kind = 'organisation' LIMIT 1")
            lender = cur.fetchone()[0]
            cur.execute("SELECT commune_code || '/' || sheet_number || '/' || parcel_number "
                        "FROM cadastre.parcel WHERE status = 'current'")
            refs = [r[0] for r in cur.fetchall()]
        return ids, lender, refs


def edit_load(province: Province, ids: list[int], lender: int, seconds: float) -> Load:
    """EDITORS officers registering mortgages as fast as their commits return."""
    latencies: list[float] = []
    commits: list[tuple[float, int]] = []
    lock = threading.Lock()
    mortgages = [province.dossier() for _ in range(EDITORS)]
    deadline = time.monotonic() + seconds

    def officer(n: int) -> None:
        rng = random.Random(n)
        with closing(connect(province.people["officer"])) as conn:
            while time.monotonic() < deadline:
                began = time.monotonic()
                with conn, conn.cursor() as cur:
                    rights.register_restriction(cur, dossier_id=mortgages[n],
                                                parcel_id=rng.choice(ids), kind="mortgage",
                                                party_id=lender, amount=1_000_000)
                done = time.monotonic()
                with conn, conn.cursor() as cur:
                    cur.execute("SELECT pg_current_wal_lsn()::text")
                    position = lsn(cur.fetchone()[0])
                with lock:
                    latencies.append((done - began) * 1000)
                    commits.append((done, position))

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(EDITORS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(latencies, commits, time.monotonic() - began)


class ReplaySampler:
    """Reads the replica's replayed WAL position every `every` seconds, in a thread; with
    `primary_url`, the primary's current position too (what the replica must reach)."""

    def __init__(self, url: str, every: float = 0.001, primary_url: str | None = None) -> None:
        self.url = url
        self.every = every
        self.primary_url = primary_url
        self.samples: list[tuple[float, int]] = []
        self.written: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> ReplaySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(1.0)  # let the last commits be replayed
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        primary = psycopg2.connect(self.primary_url) if self.primary_url else None
        try:
            with closing(psycopg2.connect(self.url)) as conn:
                conn.autocommit = True
                with conn.cursor() as cur:
                    while not self._stop.is_set():
                        if primary is not None:
                            with primary, primary.cursor() as pcur:
                                pcur.execute("SELECT pg_current_wal_lsn()::text")
                                self.written.append((time.monotonic(),
                                                     lsn(pcur.fetchone()[0])))
                        cur.execute("SELECT pg_last_wal_replay_lsn()::text")
                        self.samples.append((time.monotonic(), lsn(cur.fetchone()[0])))
                        time.sleep(self.every)
        finally:
            if primary is not None:
                primary.close()

    def lags_ms(self, commits: list[tuple[float, int]]) -> list[float]:
        """For each commit, how long after it returned the replica had replayed past it."""
        times = [t for t, _ in self.samples]
        lags = []
        for done, position in commits:
            start = bisect.bisect_left(times, done)
            for at, replayed in self.samples[start:]:
                if replayed >= position:
                    lags.append((at - done) * 1000)
                    break
        return lags


def wal_per_edit(load: Load) -> float:
    """WAL the primary wrote per edit during a run."""
    positions = [position for _, position in load.commits]
    return (max(positions) - min(positions)) / max(1, len(positions) - 1)


def replicas_caught_up(primary_url: str, replica_url: str) -> None:
    """Wait until the replica has replayed what the primary has written."""
    with closing(psycopg2.connect(primary_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        target = cur.fetchone()[0]
    with closing(psycopg2.connect(replica_url)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            for _ in range(6000):
                cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
                if cur.fetchone()[0]:
                    return
                time.sleep(0.01)
    raise RuntimeError("the replica did not catch up within 60 s")


def import_run(parcels: int, with_replica: bool) -> tuple[float, list[float]]:
    """A fresh province importing `parcels` (sample loader): seconds taken and, with a
    replica, the replay lag samples in ms."""
    province = Province(0, people=False)
    try:
        if not with_replica:
            began = time.monotonic()
            province.cli("sample", "load", "--parcels", str(parcels))
            return time.monotonic() - began, []
        province.cli("db", "replica", "create", "bench")
        replica = replicas.find(province.server, "bench")
        with ReplaySampler(replica.url(), every=0.05,
                           primary_url=province.server.url()) as sampler:
            began = time.monotonic()
            province.cli("sample", "load", "--parcels", str(parcels))
            took = time.monotonic() - began
            replicas_caught_up(province.server.url(), replica.url())
        return took, sampler.lags_ms(sampler.written)
    finally:
        province.close()


def run_import(parcels: int, results: Results, edit_lag_ms: float | None) -> None:
    """Replay lag during a bulk import, and the import's time beside no replica."""
    alone, _ = import_run(parcels, with_replica=False)
    streamed, lags = import_run(parcels, with_replica=True)
    size = f"{parcels:,}"
    results.add(Figure(
        "import (sample loader: the ward with its history), asynchronous replica", size,
        streamed * 1000, None, None, "the same import, no replica", alone * 1000,
        note=f"{parcels / streamed:,.0f} parcels/s vs {parcels / alone:,.0f}/s",
    ))
    p50, p95, p99 = summary(lags)
    results.add(Figure(
        "replay lag during the import (asynchronous replica, sampled every 50 ms)", size,
        p50, p95, p99, "replay lag under officers' edits (this run)",
        edit_lag_ms if edit_lag_ms is not None else float("nan"),
        note=f"{len(lags)} samples; worst {max(lags):,.0f} ms",
    ))


def run(parcels: int, seconds: float, results: Results) -> float:
    province = Province(parcels)
    size = f"{parcels:,}"
    try:
        ids, lender, refs = province.targets()
        edit_load(province, ids, lender, min(seconds, 5.0))  # warm-up, not counted
        alone = edit_load(province, ids, lender, seconds)
        province.cli("db", "replica", "create", "bench")
        replica = replicas.find(province.server, "bench")
        with ReplaySampler(replica.url()) as sampler:
            streamed = edit_load(province, ids, lender, seconds)
        lags = sampler.lags_ms(streamed.commits)
        replicas.apply_synchronous(province.server, "bench")
        synchronous = edit_load(province, ids, lender, seconds)
        replicas.apply_synchronous(province.server, "")
        base = summary(alone.latencies_ms)
        for label, load in (("asynchronous replica", streamed),
                            ("synchronous replica (remote_apply)", synchronous)):
            p50, p95, p99 = summary(load.latencies_ms)
            results.add(Figure(
                f"officer edit (mortgage) commit, {EDITORS} officers, {label}", size,
                p50, p95, p99, "the same load, no replica", base[0], base[2],
                note=f"{load.rate:.0f} edits/s vs {alone.rate:.0f}/s with no replica; "
                f"WAL {wal_per_edit(load):,.0f} bytes per edit",
            ))
        p50, p95, p99 = summary(lags)
        edit_lag = p50
        results.add(Figure(
            f"replay lag of each commit on the asynchronous replica, {EDITORS} officers", size,
            p50, p95, p99, "commit latency on the primary (same run)",
            summary(streamed.latencies_ms)[0], summary(streamed.latencies_ms)[2],
            note=f"{len(lags)} of {len(streamed.commits)} commits seen replayed; from the "
            "commit returning to the replica replaying the WAL position read after it",
        ))
        # As autovacuum would in time: with data checksums a hot standby cannot set hint
        # bits itself, so it reads freshly written rows' commit status from pg_xact until
        # the primary's vacuum has marked them (and that replicated).
        with closing(connect(province.server.url())) as conn:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("VACUUM (ANALYZE)")
        replicas_caught_up(province.server.url(), replica.url())
        looked_up: dict[str, list[dict]] = {"replica": [], "primary": []}
        for where, url in (("replica", replica.url()), ("primary", province.server.url()),
                           ("replica", replica.url()), ("primary", province.server.url())):
            with web.Server(url, workers=web.WORKERS, lookup_cache=0, tile_cache=0) as base_url:
                web._load(base_url, refs, seconds=3)  # warm the server's buffers
                looked_up[where].append(web._load(base_url, refs, seconds=web.SECONDS))
        # Two rounds, alternating: the figure is each side's second.
        on_replica, on_primary = looked_up["replica"][-1], looked_up["primary"][-1]
        first = (f"{looked_up['replica'][0]['rate']:.0f}/s vs "
                 f"{looked_up['primary'][0]['rate']:.0f}/s")
        results.add(Figure(
            f"citizen look-up from the replica, cache off, {web.CLIENTS} clients", size,
            on_replica["p50"], None, on_replica["p99"], "the same from the primary",
            on_primary["p50"], on_primary["p99"],
            note=f"{on_replica['rate']:.0f} look-ups/s from the replica vs "
            f"{on_primary['rate']:.0f}/s from the primary (first round {first}); errors "
            f"{on_replica['errors']} / {on_primary['errors']}",
        ))
    finally:
        province.close()
    return edit_lag


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.add_argument("--parcels", type=int, default=10_000, help="sample ward size")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of each run")
    parser.add_argument("--name", default="replicas", help="results file in bench/results")
    parser.add_argument("--import-parcels", type=int, default=100_000,
                        help="size of the import measured with and without a replica (0: none)")
    args = parser.parse_args()
    results = Results(machine=machine_description())
    edit_lag = run(args.parcels, args.seconds, results)
    if args.import_parcels:
        run_import(args.import_parcels, results, edit_lag)
    json_path, md_path = results.write(args.name)
    print(f"\nwritten: {json_path} and {md_path}")


if __name__ == "__main__":
    main()

