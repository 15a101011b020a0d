"""python -m bench.applications: filing an online application with a 1 MB document, beside a
raw file write + INSERT, measured in one run.

On a copy of the bench fabric (bench.fabric, 10k parcels; the copy is dropped at the end), the
web view runs as `cadastre serve` runs it (its general rate limit and the filing limit off).
Each figure files SAMPLES applications for current parcels:

- one client after another: the whole POST /nop-ho-so (multipart body streamed to disk while
  hashed, type read from the first bytes, the register's checks and rows through
  online.submit_application), beside the baseline doing the same work by hand: write the same
  1 MB to a new file in the same folder while hashing it, then one INSERT of a row of the
  same size into a table of the same copy (psycopg2, autocommit);
- CLIENTS clients at once: wall time per application and applications per second, beside the
  baseline run by as many threads.

Results in bench/results/applications.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from psycopg2.extensions import parse_dsn

from bench.fabric import bench_database
from bench.measure import HEADER, Figure, Results, machine_description, summary
from bench.web import Server
from cadastre.db.connection import connect, create_database, drop_database, owner_url, with_database

SAMPLES = 100
CLIENTS = 4
DOCUMENT_BYTES = 1024 * 1024
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
BASELINE_TABLE = """
    CREATE TABLE IF NOT EXISTS bench_application (
        id bigserial PRIMARY KEY, receipt text, name text, id_number text, phone text,
        parcel text, media_type text, size_bytes bigint, sha256 bytea, stored_as text,
        submitted_at timestamptz DEFAULT clock_timestamp())"""
BASELINE_INSERT = """
    INSERT INTO bench_application (receipt, name, id_number, phone, parcel, media_type,
                                   size_bytes, sha256, stored_as)
    VALUES (%s, 'Lê Văn Mua', '079190012345', '0903123456', %s, 'application/pdf', %s, %s, %s)"""


def document() -> bytes:
    """A 1 MB PDF-typed document (a PDF header, then bytes)."""
    head = b"%PDF-1.4\n"
    return head + os.urandom(DOCUMENT_BYTES - len(head))


def parcel_refs(url: str, count: int) -> list[str]:
    conn = connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT commune_code || '/' || sheet_number || '/' || parcel_number "
                    "FROM cadastre.parcel WHERE status = 'current' ORDER BY id LIMIT %s",
                    (count,))
        refs = [r[0] for r in cur.fetchall()]
    conn.close()
    return refs


class Citizen:
    """An HTTP client with its form token, filing applications."""

    def __init__(self, base: str, body: bytes) -> None:
        self.client = httpx.Client(base_url=base, timeout=60)
        page = self.client.get("/nop-ho-so?service=transfer")
        found = TOKEN.search(page.text)
        if found is None:
            raise RuntimeError("the application form carries no token")
        self.token = found.group(1)
        self.body = body

    def file(self, ref: str) -> float:
        started = time.perf_counter()
        answer = self.client.post("/nop-ho-so", data={
            "csrf_token": self.token, "service": "transfer", "dossier_kind": "sale",
            "parcels": ref, "name": "Lê Văn Mua", "id_number": "079190012345",
            "phone": "0903123456", "relation": "buyer"},
            files=[("documents", ("a.pdf", self.body, "application/pdf"))])
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200 or "receipt-code" not in answer.text:
            raise RuntimeError(f"filing refused: {answer.status_code} {answer.text[:300]}")
        return elapsed


class RawFiler:
    """The baseline: the same bytes to a new file while hashed, then one INSERT."""

    def __init__(self, url: str, folder: Path, body: bytes) -> None:
        self.conn = connect(url)
        self.conn.autocommit = True
        self.folder = folder
        self.body = body

    def file(self, ref: str) -> float:
        started = time.perf_counter()
        name = f"{uuid.uuid4().hex}.pdf"
        digest = hashlib.sha256()
        with (self.folder / name).open("xb") as out:
            for start in range(0, len(self.body), 65536):  # in the chunks a socket delivers
                chunk = self.body[start:start + 65536]
                digest.update(chunk)
                out.write(chunk)
        with self.conn.cursor() as cur:
            cur.execute(BASELINE_INSERT, (uuid.uuid4().hex[:20], ref, len(self.body),
                                          digest.digest(), name))
        return (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.conn.close()


def concurrently(filers: list, refs: list[str]) -> float:
    """Wall-clock ms per application with one thread per filer."""
    started = time.perf_counter()
    with ThreadPoolExecutor(len(filers)) as pool:
        list(pool.map(lambda pair: pair[0].file(pair[1]),
                      [(filers[i % len(filers)], ref) for i, ref in enumerate(refs)]))
    return (time.perf_counter() - started) * 1000 / len(refs)


def run(fabric_url: str, results: Results) -> None:
    server = owner_url()
    name = f"cadastre_bench_applications_{uuid.uuid4().hex[:8]}"
    create_database(server, name, template=parse_dsn(fabric_url)["dbname"])
    url = with_database(server, name)
    body = document()
    refs = parcel_refs(url, SAMPLES * 2)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-applications-") as tmp:
            uploads, raw = Path(tmp) / "uploads", Path(tmp) / "raw"
            raw.mkdir()
            os.environ.update(CADASTRE_ONLINE_UPLOAD_DIR=str(uploads),
                              CADASTRE_ONLINE_SUBMISSIONS_PER_HOUR="0")
            conn = connect(url)
            with conn, conn.cursor() as cur:
                cur.execute(BASELINE_TABLE)
            conn.close()
            with Server(url, workers=1, lookup_cache=0, tile_cache=0) as base:
                citizen = Citizen(base, body)
                filer = RawFiler(url, raw, body)
                for ref in refs[:5]:  # warm up both
                    citizen.file(ref)
                    filer.file(ref)
                app, baseline = [], []
                for ref in refs[:SAMPLES]:  # alternate, so both see the same machine
                    app.append(citizen.file(ref))
                    baseline.append(filer.file(ref))
                median, p95, p99 = summary(app)
                raw_median, _, raw_p99 = summary(baseline)
                results.add(Figure(
                    "file an application with a 1 MB PDF over HTTP (one client)", "1 MB",
                    median, p95, p99, "write the 1 MB to a file while hashing + one INSERT",
                    raw_median, raw_p99,
                    note="streamed to disk, SHA-256, type by magic bytes, CSRF, the "
                         "register's checks and rows (online.submit_application)"))
                citizens = [Citizen(base, body) for _ in range(CLIENTS)]
                filers = [RawFiler(url, raw, body) for _ in range(CLIENTS)]
                per_app = concurrently(citizens, refs[SAMPLES:])
                per_raw = concurrently(filers, refs[SAMPLES:])
                results.add(Figure(
                    f"file applications with a 1 MB PDF, {CLIENTS} clients at once (wall ms "
                    "per application)", "1 MB", per_app, None, None,
                    f"the same baseline in {CLIENTS} threads", per_raw,
                    note=f"{1000 / per_app:.1f} applications/s beside "
                         f"{1000 / per_raw:.1f} raw writes + INSERTs/s; one web worker"))
                for f in [filer, *filers]:
                    f.close()
    finally:
        drop_database(server, name)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.applications", description=__doc__)
    parser.add_argument("--parcels", type=int, default=10_000, help="fabric size")
    parser.add_argument("--name", default="applications", help="results file name")
    args = parser.parse_args()
    results = Results(machine=machine_description())
    url, _ = bench_database(args.parcels)
    print(HEADER)
    print("|" + "---|" * 10)
    run(url, results)
    json_path, md_path = results.write(args.name)
    print(f"\nWritten {json_path} and {md_path}")


if __name__ == "__main__":
    main()
