"""Clusters beside the project server: hot standbys fed by streaming replication, and copies
restored to a past moment (cadastre.db.archive).

Each lives in its own folder under CADASTRE_HOME (`replicas/NAME`, `restores/NAME`) with its
data directory, log, socket and a `cluster.json` naming its port, on 127.0.0.1 like the
primary. The roles and their passwords are the primary's (replicated with the data), so the
primary's pgpass file serves every one of them.

A replica streams from the primary as `cadastre_replication`, a role that may replicate and
log into no database, over the one pg_hba line the project writes for it (127.0.0.1, SCRAM).
It holds a physical replication slot on the primary, so the primary keeps the WAL a stopped
replica still needs (dropping the replica drops the slot).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from psycopg2 import sql

from cadastre.db.rows import one_row
from cadastre.db.secrets import scram_verifier
from cadastre.db.server import REPLICATION_ROLE, SIDE_META, ProjectServer
from cadastre.errors import CadastreError, ServerError

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
REPLICA, RESTORED, PROMOTED = "replica", "restored", "promoted"
FOLDERS = {REPLICA: "replicas", PROMOTED: "replicas", RESTORED: "restores"}
CONF_MARKER = "# --- this cluster, written by `cadastre db replica create` / `db restore` ---"
SYNC_WORDS = {"FIRST", "ANY"}


@dataclass(frozen=True)
class SideCluster:
    """A cluster beside the primary: its name, what it is, and its server on its own port."""

    name: str
    kind: str
    node: ProjectServer

    @property
    def folder(self) -> Path:
        return self.node.home

    @property
    def slot(self) -> str:
        """The replication slot a replica holds on the primary."""
        return f"replica_{self.name}"

    @property
    def replication_passfile(self) -> Path:
        """The replication role's password, readable by the server's user only."""
        return self.folder / "replication.pgpass"

    def url(self, database: str | None = None) -> str:
        return self.node.url(database)

    def is_running(self) -> bool:
        return self.node.is_running()

    def start(self) -> bool:
        """Start it; False when it was already running."""
        if self.node.is_running():
            return False
        self.node._check_port_free()
        self.node._prepare_dirs()
        self.node._pg_ctl_start()
        return True

    def stop(self) -> bool:
        return self.node.stop()

    def save(self) -> None:
        meta = {"name": self.name, "kind": self.kind, "port": self.node.port}
        (self.folder / SIDE_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class ReplicaState:
    """What `cadastre db status` and `replica status` say about one side cluster."""

    name: str
    kind: str
    port: int
    running: bool
    in_recovery: bool | None = None
    state: str | None = None  # streaming, catchup… (pg_stat_replication on the primary)
    sync_state: str | None = None  # async, sync, potential, quorum
    replay_lag_s: float | None = None  # pg_stat_replication.replay_lag
    bytes_behind: int | None = None  # primary's WAL position minus the replica's replay
    last_replayed: str | None = None  # pg_last_xact_replay_timestamp() on the replica


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise CadastreError(
            f"'{name}' is not a usable replica name.",
            hint="Use lower-case letters, digits and _ (starting with a letter), e.g. r1.",
        )
    return name


def side_node(primary: ProjectServer, folder: Path, port: int) -> ProjectServer:
    """The server of a side cluster: the primary's binaries, roles and secrets, its own
    folder and port."""
    return dataclasses.replace(
        primary, home=folder, port=port, secrets_home=primary.secrets_home or primary.home
    )


def side_clusters(primary: ProjectServer) -> list[SideCluster]:
    """Every replica and restored copy made beside the primary, by name."""
    found = []
    for folder_name in dict.fromkeys(FOLDERS.values()):
        for meta_path in sorted((primary.home / folder_name).glob(f"*/{SIDE_META}")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            node = side_node(primary, meta_path.parent, int(meta["port"]))
            found.append(SideCluster(meta["name"], meta["kind"], node))
    return found


def find(primary: ProjectServer, name: str) -> SideCluster:
    """The side cluster called `name`, or an error listing those there are."""
    clusters = side_clusters(primary)
    for cluster in clusters:
        if cluster.name == name:
            return cluster
    known = ", ".join(c.name for c in clusters) or "none"
    raise CadastreError(
        f"There is no replica or restored copy called '{name}' (there are: {known}).",
        hint="`cadastre db replica status` lists them.",
    )


def enable_replication(primary: ProjectServer) -> str:
    """Let the replication role replicate from 127.0.0.1: its password (generated once, kept
    in the pgpass file), the role, and pg_hba's replication lines; returns the password."""
    password = primary.ensure_secrets((REPLICATION_ROLE,))[REPLICATION_ROLE]
    conn = primary.superuser_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (REPLICATION_ROLE,))
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(
                sql.SQL(verb + " ROLE {} LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        "NOINHERIT CONNECTION LIMIT 10 PASSWORD {}").format(
                    sql.Identifier(REPLICATION_ROLE), sql.Literal(scram_verifier(password))
                )
            )
            primary._write_hba()
            cur.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()
    return password


def replication_conninfo(primary: ProjectServer, passfile: Path, application: str) -> str:
    """libpq connection string of a replication connection to the primary."""
    return (f"host=127.0.0.1 port={primary.port} user={REPLICATION_ROLE} "
            f"passfile={passfile} application_name={application}")


def create(primary: ProjectServer, name: str, port: int) -> SideCluster:
    """Make and start a hot standby of the running primary: a base backup through its own
    replication slot, configured to stream from it; returns it."""
    check_name(name)
    if any(c.name == name for c in side_clusters(primary)):
        raise CadastreError(f"A replica or restored copy called '{name}' already exists.",
                            hint=f"Drop it first (`cadastre db replica drop {name}`) or "
                            "choose another name.")
    require_running(primary)
    folder = primary.home / FOLDERS[REPLICA] / name
    if folder.exists():
        raise CadastreError(f"{folder} already exists (left over?); nothing was made.",
                            hint="Remove it, or choose another name.")
    replica = SideCluster(name, REPLICA, side_node(primary, folder, port))
    replica.node._check_port_free()
    password = enable_replication(primary)
    folder.mkdir(parents=True, mode=0o700)
    try:
        run_program(
            [str(primary.bindir / "pg_basebackup"), "-D", str(replica.node.data_dir),
             "-X", "stream", "-c", "fast", "-R", "-C", "-S", replica.slot, "--no-password",
             "-d", replication_conninfo(primary, primary.passfile, name)],
            "pg_basebackup",
        )
        _write_private(replica.replication_passfile,
                       f"127.0.0.1:{primary.port}:replication:{REPLICATION_ROLE}:{password}\n")
        append_conf(replica.node, {
            "primary_conninfo": replication_conninfo(primary, replica.replication_passfile,
                                                     name),
            "primary_slot_name": replica.slot,
            "hot_standby": "on",
            # The web view's long reads are not cancelled by the cleanup the primary replays.
            "hot_standby_feedback": "on",
        })
        give_to_server_user(replica.node, folder)
        replica.save()
        primary.ensure_secrets()  # its port joins the pgpass lines
        replica.start()
    except BaseException:
        if replica.node.is_initialised():
            replica.node.stop()
        _drop_slot(primary, replica.slot)
        shutil.rmtree(folder, ignore_errors=True)
        primary.ensure_secrets()
        raise
    return replica


def append_conf(node: ProjectServer, settings: dict[str, str]) -> None:
    """Append a side cluster's own settings (port, socket, …) to its postgresql.auto.conf,
    where they win over the primary's copied ones; synchronous_standby_names is cleared so a
    promoted copy never waits for standbys that are not its own."""
    values = {
        "port": str(node.port),
        "unix_socket_directories": str(node.socket_dir),
        "synchronous_standby_names": "",
        **settings,
    }
    lines = [CONF_MARKER] + [
        f"{key} = {value}" if value in ("on", "off") or value.isdigit()
        else f"{key} = '{value.replace(chr(39), chr(39) * 2)}'"
        for key, value in values.items()
    ]
    with (node.data_dir / "postgresql.auto.conf").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def drop(primary: ProjectServer, name: str) -> list[str]:
    """Stop a side cluster, delete its folder and (a replica) its slot on the primary;
    returns what could not be done, in words."""
    cluster = find(primary, name)
    notes = []
    cluster.stop()
    if cluster.kind == REPLICA:
        if primary.is_running():
            _drop_slot(primary, cluster.slot)
        else:
            notes.append(
                f"The primary is not running: drop the slot it keeps for this replica when it "
                f"is back (SELECT pg_drop_replication_slot('{cluster.slot}')), or it keeps WAL "
                "for ever."
            )
    shutil.rmtree(cluster.folder)
    primary.ensure_secrets()
    return notes


def promote(primary: ProjectServer, name: str) -> SideCluster:
    """Make a replica the primary (pg_ctl promote): it stops following and accepts writes."""
    cluster = find(primary, name)
    if cluster.kind != REPLICA:
        raise CadastreError(f"'{name}' is a {cluster.kind} cluster, not a replica; only a "
                            "replica can be promoted.")
    if not cluster.is_running():
        cluster.start()
    cluster.node._run_pg("pg_ctl", "promote", "-D", str(cluster.node.data_dir), "-w", "-t", "60")
    promoted = dataclasses.replace(cluster, kind=PROMOTED)
    promoted.save()
    return promoted


def states(primary: ProjectServer) -> list[ReplicaState]:
    """Every side cluster's state, with its replay lag as the primary and itself see it."""
    on_primary: dict[str, tuple] = {}
    if primary.is_running():
        conn = primary.superuser_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT application_name, state, sync_state, "
                    "       extract(epoch FROM replay_lag)::float8, "
                    "       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint "
                    "FROM pg_stat_replication"
                )
                on_primary = {row[0]: row[1:] for row in cur.fetchall()}
        finally:
            conn.close()
    found = []
    for cluster in side_clusters(primary):
        state = ReplicaState(cluster.name, cluster.kind, cluster.node.port, cluster.is_running())
        if state.running:
            state = dataclasses.replace(state, **_own_view(cluster))
        if cluster.name in on_primary:
            stream, sync, lag, behind = on_primary[cluster.name]
            state = dataclasses.replace(state, state=stream, sync_state=sync,
                                        replay_lag_s=lag, bytes_behind=behind)
        found.append(state)
    return found


def _own_view(cluster: SideCluster) -> dict:
    conn = cluster.node.superuser_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery(), "
                        "       to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', "
                        "               'YYYY-MM-DD HH24:MI:SS UTC')")
            in_recovery, replayed = one_row(cur)
    finally:
        conn.close()
    return {"in_recovery": in_recovery, "last_replayed": replayed}


def synchronous_names(spec: str) -> list[str]:
    """The replica names a synchronous_standby_names value mentions."""
    words = re.findall(r'[A-Za-z_][A-Za-z0-9_]*|"[^"]+"', spec)
    return [w.strip('"') for w in words if w.upper() not in SYNC_WORDS]


def apply_synchronous(primary: ProjectServer, spec: str) -> str:
    """Make commits wait for the replicas `spec` names to apply them (remote_apply), once all
    of them exist; otherwise (or with an empty spec) replication is asynchronous, because a
    commit waiting for a replica that does not exist would wait for ever. Returns what now
    holds, in words."""
    names = synchronous_names(spec)
    existing = {c.name for c in side_clusters(primary) if c.kind == REPLICA}
    missing = [name for name in names if name not in existing]
    on = bool(names) and not missing
    conn = primary.superuser_connection()
    try:
        with conn.cursor() as cur:
            if on:
                cur.execute(sql.SQL("ALTER SYSTEM SET synchronous_standby_names = {}").format(
                    sql.Literal(spec)))
                cur.execute("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
            else:
                cur.execute("ALTER SYSTEM RESET synchronous_standby_names")
                cur.execute("ALTER SYSTEM RESET synchronous_commit")
            cur.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()
    if on:
        return f"Synchronous replication: each commit waits until {spec} applied it."
    if missing:
        return (f"Synchronous replication is OFF: no replica called {', '.join(missing)} "
                "(create it, then run `cadastre db start` again).")
    return ""


def failover_url(primary: ProjectServer, role: str) -> str:
    """A libpq URL listing the primary and every replica, connecting to whichever accepts
    writes (target_session_attrs=read-write): officers' clients find a promoted replica."""
    hosts = ",".join(
        f"127.0.0.1:{port}"
        for port in (primary.port, *[c.node.port for c in side_clusters(primary)
                                     if c.kind in (REPLICA, PROMOTED)])
    )
    return (f"postgresql://{role}@{hosts}/{primary.database}?target_session_attrs=read-write"
            f"&passfile={primary.passfile}")


def require_running(primary: ProjectServer) -> None:
    if not primary.is_running():
        raise ServerError("The project server is not running; nothing was made.",
                          hint="Start it with `cadastre db start`.")


def _drop_slot(primary: ProjectServer, slot: str) -> None:
    if not primary.is_running():
        return
    conn = primary.superuser_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                        "WHERE slot_name = %s", (slot,))
    finally:
        conn.close()


def _write_private(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def give_to_server_user(node: ProjectServer, folder: Path) -> None:
    """Give a side cluster's folder to the server's OS user (0700)."""
    folder.chmod(0o700)
    if node.service_user:
        subprocess.run(["chown", "-R", f"{node.service_user}:", str(folder)], check=True)


def run_program(command: list[str], program: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or ["no message"]
        raise ServerError(f"{program} failed: {' '.join(lines[-3:])}")

