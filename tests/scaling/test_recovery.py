"""Point-in-time recovery: the server archives its WAL from `cadastre db start`, privately and
never overwriting a segment; `db backup --base` and `db restore --until` rebuild the register
as it stood at a moment, in a new cluster beside the primary."""

from __future__ import annotations

import pwd
import stat
import subprocess
import time
from contextlib import closing

import psycopg2

from cadastre.db.connection import connect
from tests.db.register_helpers import scalar
from tests.scaling.conftest import Province, needs_root

pytestmark = needs_root


def archive_now(province: Province) -> str:
    """Close the current WAL segment and wait until the archiver has copied it (what
    archive_timeout does by itself within minutes); the segment's name."""
    with closing(psycopg2.connect(province.owner)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_walfile_name(pg_switch_wal())")
            segment = cur.fetchone()[0]
            for _ in range(300):
                cur.execute("SELECT last_archived_wal >= %s FROM pg_stat_archiver", (segment,))
                if cur.fetchone()[0]:
                    return segment
                time.sleep(0.1)
    raise AssertionError(f"segment {segment} was not archived within 30 s")


def dossier_numbers(url: str) -> set[str]:
    with closing(connect(url)) as conn:
        return set(scalar(conn, "SELECT coalesce(array_agg(number), '{}') "
                          "FROM cadastre.dossier WHERE number LIKE 'PITR-%%'"))


def test_a_register_restored_until_a_moment_between_two_dossiers_holds_the_first_only(
    province_factory,
) -> None:
    province: Province = province_factory()
    province.cli("db", "backup", "--base")
    province.open_dossier("PITR-FIRST")
    with closing(connect(province.owner)) as conn:
        between = scalar(conn, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                         "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')")
    time.sleep(1.0)
    province.open_dossier("PITR-SECOND")
    archive_now(province)

    restored = province.cli("db", "restore", "--until", between, "--name", "before_second")
    cluster = province.side("before_second")

    assert "Restored the register as of" in restored.stdout
    assert dossier_numbers(cluster.url()) == {"PITR-FIRST"}
    assert dossier_numbers(province.owner) == {"PITR-FIRST", "PITR-SECOND"}
    # The restored copy is a register of its own: it takes writes, the primary never sees them.
    assert "restored copy 'before_second'" in province.cli("db", "status").stdout.lower()
    province.cli("db", "replica", "drop", "before_second")
    assert not cluster.folder.exists()


def test_db_status_reports_the_last_archived_segment_and_the_oldest_moment_to_restore(
    province_factory,
) -> None:
    province: Province = province_factory()
    archive_now(province)
    before = province.cli("db", "status").stdout
    province.cli("db", "backup", "--base")
    segment = archive_now(province)
    after = province.cli("db", "status").stdout

    assert "Point-in-time recovery: no base backup yet" in before
    # Until a base backup wants them, segments are let go: nothing could replay them.
    assert ": 0 segments, last none yet" in before
    assert f"last {segment}" in after
    assert "Point-in-time recovery: from " in after and "(1 base backups)" in after


def test_a_moment_before_the_oldest_base_backup_is_refused_naming_the_oldest(
    province_factory,
) -> None:
    province: Province = province_factory()
    province.cli("db", "backup", "--base")

    refused = province.cli("db", "restore", "--until", "2020-01-01 00:00:00+07:00", ok=False)
    nonsense = province.cli("db", "restore", "--until", "yesterday-ish", ok=False)

    assert refused.returncode != 0 and "No base backup finished before" in refused.stderr
    assert "The oldest moment the archive can restore is" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert nonsense.returncode != 0 and "'yesterday-ish' is not a moment" in nonsense.stderr
    assert not (province.home / "restores").exists() or not any(
        (province.home / "restores").iterdir())


def test_the_archive_is_the_server_users_alone_and_never_world_readable(province_factory) -> None:
    province: Province = province_factory()
    province.cli("db", "backup", "--base")
    archive_now(province)
    archive = province.server.archive
    everything = [archive, *archive.rglob("*")]

    open_to_others = [p for p in everything if stat.S_IMODE(p.lstat().st_mode) & 0o077]
    assert not open_to_others, open_to_others[:5]
    server_user = pwd.getpwnam(province.server.service_user or "postgres").pw_uid
    assert {p.stat().st_uid for p in everything} == {server_user}
    looked = subprocess.run(["runuser", "-u", "nobody", "--", "ls", str(archive / "wal")],
                            capture_output=True, text=True, timeout=30)
    assert looked.returncode != 0 and "Permission denied" in looked.stderr


def test_an_archived_segment_is_never_overwritten(province_factory) -> None:
    province: Province = province_factory()
    province.cli("db", "backup", "--base")
    archive_now(province)
    wal = province.server.archive / "wal"
    with closing(psycopg2.connect(province.owner)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            # Some WAL in the next segment (so that the switch closes it), and its name.
            cur.execute("CREATE TABLE public.wal_probe (x int); DROP TABLE public.wal_probe")
            cur.execute("SELECT pg_walfile_name(pg_current_wal_insert_lsn())")
            next_segment = cur.fetchone()[0]
    planted = wal / next_segment
    planted.write_bytes(b"not this segment")  # someone (or an old archive) already has it

    with closing(psycopg2.connect(province.owner)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_switch_wal()")
            for _ in range(100):
                cur.execute("SELECT failed_count, last_failed_wal FROM pg_stat_archiver")
                failed, last_failed = cur.fetchone()
                if failed:
                    break
                time.sleep(0.1)

    assert failed and last_failed == next_segment
    assert planted.read_bytes() == b"not this segment"
    assert "Archiving is failing" in province.cli("db", "status").stdout


def test_keeping_the_newest_base_backups_deletes_older_ones_and_only_the_wal_they_needed(
    province_factory,
) -> None:
    province: Province = province_factory()
    for _ in range(3):
        province.cli("db", "backup", "--base")
        archive_now(province)
        time.sleep(1.1)  # base backups are named by the second they start
    wal = province.server.archive / "wal"
    backups = sorted((province.server.archive / "base").glob("*.json"))
    second = backups[1].with_suffix("")
    first_needed = next(line for line in (second / "backup_label").read_text().splitlines()
                        if line.startswith("START WAL LOCATION")).split("file ")[1].rstrip(")")
    before = sorted(p.name for p in wal.iterdir() if len(p.name) == 24)

    pruned = province.cli("db", "backup", "--base", "--keep", "3")
    after = sorted(p.name for p in wal.iterdir() if len(p.name) == 24)

    assert "deleted 1 older ones" in pruned.stdout
    kept = sorted(p.stem for p in (province.server.archive / "base").glob("*.json"))
    assert len(kept) == 3 and kept[:2] == [b.stem for b in backups[1:]]
    assert not backups[0].with_suffix("").exists()
    assert after[0] == first_needed  # the oldest kept backup can still be replayed
    assert set(after) >= {name for name in before if name >= first_needed}
    assert "(3 base backups)" in province.cli("db", "status").stdout
    refused = province.cli("db", "backup", "out.dump", "--keep", "2", ok=False)
    assert refused.returncode != 0 and "--keep goes with --base" in refused.stderr
