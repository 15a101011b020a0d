"""Point-in-time recovery with PostgreSQL's own continuous archiving.

The project server copies every finished WAL segment into `ARCHIVE/wal` (archive_command,
written by `cadastre db start`; ARCHIVE is CADASTRE_ARCHIVE_DIR or CADASTRE_HOME/archive, a
folder of the server's OS user alone). `cadastre db backup --base` adds a base backup
(pg_basebackup, plain format, checked by pg_verifybackup against its manifest) under
`ARCHIVE/base/<when>`; the first one also leaves the marker `ARCHIVE/base/.wal-wanted`, until
which the server lets finished segments go (nothing could replay them without a base backup).
A base backup plus the segments archived after it can rebuild the
register as it stood at any moment since the backup ended: `restore_until` copies the newest
base backup finished before that moment into a NEW data directory (`restores/NAME`), lets
PostgreSQL replay the archive up to the moment (recovery_target_time) and starts it on its
own port. The primary is never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cadastre.db.replica import (
    FOLDERS,
    RESTORED,
    SideCluster,
    append_conf,
    check_name,
    enable_replication,
    give_to_server_user,
    replication_conninfo,
    require_running,
    run_program,
    side_clusters,
    side_node,
)
from cadastre.db.rows import one_row
from cadastre.db.server import WAL_WANTED, ProjectServer
from cadastre.errors import CadastreError, ServerError

SEGMENT = re.compile(r"^[0-9A-F]{24}$")
RECOVERY_WAIT_S = 600


@dataclass(frozen=True)
class BaseBackup:
    """One base backup in the archive: when it was taken, where, how big."""

    label: str
    path: Path
    started: datetime
    finished: datetime
    size_bytes: int


@dataclass(frozen=True)
class ArchiveState:
    """What `cadastre db status` reports about the archive."""

    path: Path
    segments: int
    last_segment: str | None
    last_archived_at: datetime | None
    base_backups: list[BaseBackup]
    failing: str | None = None  # the archiver's last failure, when newer than its last success

    @property
    def oldest_restorable(self) -> datetime | None:
        """The earliest moment a restore can reach: the end of the oldest base backup."""
        return min((b.finished for b in self.base_backups), default=None)


def base_backups(primary: ProjectServer) -> list[BaseBackup]:
    """The base backups in the archive, oldest first."""
    found = []
    for meta_path in sorted((primary.archive / "base").glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        path = meta_path.with_suffix("")
        if path.is_dir():
            found.append(BaseBackup(
                meta["label"], path, datetime.fromisoformat(meta["started"]),
                datetime.fromisoformat(meta["finished"]), int(meta["size_bytes"]),
            ))
    return found


def base_backup(primary: ProjectServer) -> BaseBackup:
    """Take a base backup of the running primary into the archive and verify it."""
    require_running(primary)
    conn = primary.superuser_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_setting('archive_mode'), now()")
            mode, started = one_row(cur)
    finally:
        conn.close()
    if mode != "on":
        raise ServerError(
            "The server does not archive its WAL yet, so a base backup could not be rolled "
            "forward; nothing was written.",
            hint="Restart it once (`cadastre db stop && cadastre db start`) to turn archiving on.",
        )
    enable_replication(primary)
    want_wal(primary)
    label = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = primary.archive / "base"
    target = base / label
    partial = base / f".{label}.partial"
    if target.exists():
        raise CadastreError(f"A base backup {target} already exists; try again in a second.")
    try:
        run_program([str(primary.bindir / "pg_basebackup"), "-D", str(partial), "-F", "p",
              "-X", "stream", "-c", "fast", "--no-password", "-l", f"cadastre base {label}",
              "-d", replication_conninfo(primary, primary.passfile, "cadastre_base_backup")],
             "pg_basebackup")
        run_program([str(primary.bindir / "pg_verifybackup"), "--quiet", str(partial)],
             "pg_verifybackup")
        partial.rename(target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    conn = primary.superuser_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT now()")
            finished = one_row(cur)[0]
    finally:
        conn.close()
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    backup = BaseBackup(label, target, started, finished, size)
    meta = {"label": label, "started": started.isoformat(), "finished": finished.isoformat(),
            "size_bytes": size}
    meta_path = base / f"{label}.json"
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    meta_path.chmod(0o600)
    primary._chown(meta_path)
    give_to_server_user(primary, target)
    return backup


def want_wal(primary: ProjectServer) -> None:
    """From now on the archive keeps every WAL segment (the marker archive_command reads)."""
    marker = primary.archive / "base" / WAL_WANTED
    if not marker.exists():
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
        primary._chown(marker)


@dataclass(frozen=True)
class Pruned:
    """What `prune` deleted."""

    base_backups: list[str]
    segments: int


def prune(primary: ProjectServer, keep: int) -> Pruned:
    """Keep the newest `keep` base backups; delete the older ones and the archived WAL older
    than the oldest kept one (which nothing can replay any more). Moments before the oldest
    kept backup can no longer be restored."""
    backups = base_backups(primary)
    if keep < 1 or not backups:
        return Pruned([], 0)
    kept, dropped = backups[-keep:], backups[:-keep]
    for backup in dropped:
        shutil.rmtree(backup.path)
        (backup.path.parent / f"{backup.label}.json").unlink(missing_ok=True)
    first_needed = start_segment(kept[0])
    wal = primary.archive / "wal"
    old = [p for p in wal.iterdir() if SEGMENT.match(p.name) and p.name[8:] < first_needed[8:]]
    for segment in old:
        segment.unlink()
    return Pruned([b.label for b in dropped], len(old))


def start_segment(backup: BaseBackup) -> str:
    """The WAL segment a base backup starts in (its backup_label), the first one it needs."""
    label = (backup.path / "backup_label").read_text(encoding="utf-8")
    found = re.search(r"START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)", label)
    if not found:
        raise CadastreError(f"{backup.path}/backup_label names no start segment.")
    return found.group(1)


def state(primary: ProjectServer) -> ArchiveState:
    """The archive's newest segment, its base backups and whether archiving is failing."""
    wal = primary.archive / "wal"
    segments = sorted(p for p in wal.iterdir() if SEGMENT.match(p.name)) if wal.is_dir() else []
    last = segments[-1] if segments else None
    failing = None
    if primary.is_running():
        conn = primary.superuser_connection()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT last_failed_wal, last_failed_time FROM pg_stat_archiver "
                            "WHERE last_failed_time > coalesce(last_archived_time, '-infinity')")
                row = cur.fetchone()
                if row:
                    failing = f"{row[0]} at {row[1]:%Y-%m-%d %H:%M:%S %Z}"
        finally:
            conn.close()
    return ArchiveState(
        wal.parent, len(segments), last.name if last else None,
        datetime.fromtimestamp(last.stat().st_mtime, UTC) if last else None,
        base_backups(primary), failing,
    )


def parse_moment(text: str) -> datetime:
    """A moment from ISO 8601 text; without a zone it is UTC (the server's time zone)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" UTC", "+00:00"))
    except ValueError as exc:
        raise CadastreError(
            f"'{text}' is not a moment.",
            hint="Write it as ISO 8601 with its zone, e.g. '2026-12-06 14:30:00+07:00'.",
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def restore_until(primary: ProjectServer, until: datetime, name: str, port: int) -> SideCluster:
    """Rebuild the register as it stood at `until` into a new cluster `restores/NAME` on
    `port`, from the newest base backup finished by then and the archived WAL; start it."""
    check_name(name)
    if any(c.name == name for c in side_clusters(primary)):
        raise CadastreError(f"A replica or restored copy called '{name}' already exists.",
                            hint="Choose another --name, or drop it first.")
    backups = [b for b in base_backups(primary) if b.finished <= until]
    if not backups:
        oldest = min((b.finished for b in base_backups(primary)), default=None)
        raise CadastreError(
            f"No base backup finished before {until:%Y-%m-%d %H:%M:%S %Z}; nothing was restored.",
            hint=(f"The oldest moment the archive can restore is {oldest:%Y-%m-%d %H:%M:%S %Z}."
                  if oldest else "Take one with `cadastre db backup --base` (then every later "
                  "moment can be restored)."),
        )
    base = backups[-1]
    folder = primary.home / FOLDERS[RESTORED] / name
    if folder.exists():
        raise CadastreError(f"{folder} already exists; nothing was restored.",
                            hint="Choose another --name.")
    cluster = SideCluster(name, RESTORED, side_node(primary, folder, port))
    cluster.node._check_port_free()
    folder.mkdir(parents=True, mode=0o700)
    try:
        shutil.copytree(base.path, cluster.node.data_dir, symlinks=True)
        (cluster.node.data_dir / "recovery.signal").touch()
        append_conf(cluster.node, {
            "restore_command": f"cp '{primary.archive / 'wal'}/%f' %p",
            "recovery_target_time": until.isoformat(sep=" "),
            "recovery_target_action": "promote",
            "primary_conninfo": "",
            # Its own timeline must not mix into the primary's archive.
            "archive_mode": "off",
        })
        give_to_server_user(cluster.node, folder)
        cluster.save()
        primary.ensure_secrets()
        cluster.start()
        _wait_for_recovery(cluster)
    except BaseException as exc:
        tail = cluster.node._log_tail(6)
        if cluster.node.is_initialised():
            cluster.node.stop()
        shutil.rmtree(folder, ignore_errors=True)
        primary.ensure_secrets()
        if isinstance(exc, CadastreError):
            raise ServerError(f"{exc.message}\nLast lines of its log:\n{tail}",
                              hint="A moment after the archive's last segment cannot be "
                              "reached yet: `cadastre db status` shows the archive.") from exc
        raise
    return cluster


def _wait_for_recovery(cluster: SideCluster) -> None:
    """Wait until the restored cluster has replayed up to its target and left recovery."""
    deadline = time.monotonic() + RECOVERY_WAIT_S
    while time.monotonic() < deadline:
        if not cluster.is_running():
            raise ServerError("The restore stopped before reaching the moment asked for.")
        conn = cluster.node.superuser_connection()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_is_in_recovery()")
                if not one_row(cur)[0]:
                    return
        finally:
            conn.close()
        time.sleep(0.5)
    raise ServerError(f"The restore did not finish within {RECOVERY_WAIT_S} s.")
