"""The pure rules behind replication and archiving: which pg_hba lines count as lax, which
replicas a synchronous_standby_names value names, the archive command's quoting, moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cadastre.db.archive import parse_moment
from cadastre.db.replica import synchronous_names
from cadastre.db.server import PG_HBA, archive_conf, hba_is_lax, hba_text, write_archive_conf
from cadastre.errors import CadastreError, ServerError


def test_the_projects_own_replication_lines_are_not_lax_but_any_other_is() -> None:
    assert not hba_is_lax(PG_HBA)
    assert not hba_is_lax(hba_text(replication=True))
    for line in ("host replication all 127.0.0.1/32 scram-sha-256",
                 "host replication cadastre_replication 0.0.0.0/0 scram-sha-256",
                 "host replication cadastre_replication 127.0.0.1/32 trust",
                 "local all all trust"):
        assert hba_is_lax(hba_text(replication=True) + line + "\n"), line


def test_the_replication_lines_come_first_so_they_win() -> None:
    lines = [line.split() for line in hba_text(replication=True).splitlines()
             if line.strip() and not line.startswith("#")]
    first_all = next(i for i, fields in enumerate(lines) if fields[2] == "all")
    rejects = [i for i, fields in enumerate(lines) if fields[-1] == "reject"]
    assert rejects and max(rejects) < first_all


def test_synchronous_names_are_the_replicas_a_setting_mentions() -> None:
    assert synchronous_names("r1") == ["r1"]
    assert synchronous_names("ANY 1 (r1, r2)") == ["r1", "r2"]
    assert synchronous_names('FIRST 2 (r1, "Second")') == ["r1", "Second"]
    assert synchronous_names("") == []


def test_the_archive_command_quotes_its_folder_and_refuses_what_it_cannot_carry(
    tmp_path: Path,
) -> None:
    block = archive_conf(Path("/srv/backup disk/archive"))
    assert "archive_mode = on" in block
    assert "''/srv/backup disk/archive/wal/%f''" in block  # quoted twice: shell, then conf
    assert "test ! -f" in block and "cmp -s" in block  # never overwrite; identical is done
    with pytest.raises(ServerError, match="quote"):
        archive_conf(Path("/srv/it's/archive"))
    conf = tmp_path / "postgresql.conf"
    conf.write_text("port = 5432\n")
    assert write_archive_conf(conf, Path("/a")) is True
    assert write_archive_conf(conf, Path("/a")) is False  # nothing to change
    assert write_archive_conf(conf, Path("/b")) is True
    text = conf.read_text()
    assert text.count("archive_mode = on") == 1 and "/b/wal" in text and "/a/wal" not in text


def test_a_moment_is_read_with_its_zone_or_as_utc() -> None:
    assert parse_moment("2026-12-06 14:30+07:00") == datetime(2026, 12, 6, 7, 30, tzinfo=UTC)
    assert parse_moment("2026-12-06T07:30:00").tzinfo == UTC
    assert parse_moment("2026-12-06 07:30:00 UTC").utcoffset() == timedelta(0)
    assert parse_moment("2026-12-06 14:30+07:00").tzinfo == timezone(timedelta(hours=7))
    with pytest.raises(CadastreError, match="is not a moment"):
        parse_moment("last tuesday")
