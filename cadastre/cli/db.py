"""`cadastre db ...`: the server, its URL, and migrations."""

from __future__ import annotations

import socket
from datetime import UTC
from pathlib import Path

import psycopg2.extensions
import typer
from rich.progress import Progress

from cadastre.cli.common import console
from cadastre.db import archive as archives
from cadastre.db import backup as backups
from cadastre.db import migrate as migrations
from cadastre.db import replica as replicas
from cadastre.db.connection import (
    connect,
    database_url,
    ensure_database,
    mask_password,
    owner_url,
    uses_external_server,
    with_database,
)
from cadastre.db.rows import one_row
from cadastre.db.server import ProjectServer
from cadastre.errors import CadastreError
from cadastre.register import pages
from cadastre.register.communes import load_official_list
from cadastre.register.setup import init_register, read_setting
from cadastre.settings import get_settings

app = typer.Typer(
    help="The register's PostgreSQL + PostGIS server and its schema.", no_args_is_help=True
)
replica_app = typer.Typer(
    help="Hot standbys of the project server (streaming replication), each on its own port.",
    no_args_is_help=True,
)
app.add_typer(replica_app, name="replica")


PROVINCE_OPTION = typer.Option(
    None, "--province", help="Province the register serves (first time; default 01 Hà Nội)."
)
SRID_OPTION = typer.Option(
    None, "--srid", help="Override the province's VN-2000 TM-3 EPSG code (first time only)."
)


@app.command()
def start(province: str | None = PROVINCE_OPTION, srid: int | None = SRID_OPTION) -> None:
    """Create (first time) and start the project server, then migrate and create the register."""
    settings = get_settings()
    if uses_external_server(settings):
        _report_external()
        return
    server = ProjectServer.from_settings(settings)
    started = server.start(report=console.print)
    created = ensure_database(server)
    state = "started" if started else "already running"
    console.print(f"Server {state} on port {server.port} (data: {server.data_dir})")
    if created:
        console.print(f"Created database '{server.database}' with PostGIS and btree_gist")
    _migrate_and_init(province, srid)
    _set_role_passwords()
    _apply_synchronous(server)


def _apply_synchronous(server: ProjectServer) -> None:
    """Apply CADASTRE_SYNCHRONOUS_REPLICAS to the running primary, saying what holds."""
    said = replicas.apply_synchronous(server, get_settings().synchronous_replicas)
    if said:
        console.print(said)


def _project_server(action: str) -> ProjectServer:
    """The project-managed server, or an error when DATABASE_URL names another one."""
    settings = get_settings()
    if uses_external_server(settings):
        raise CadastreError(
            f"DATABASE_URL names a server this project does not manage: {action} is for the "
            "project server only.",
            hint="Unset DATABASE_URL, or set replication up on that server with its own tools.",
        )
    return ProjectServer.from_settings(settings)


PORT_OPTION = typer.Option(
    None, "--port", min=1024, max=65535, help="TCP port on 127.0.0.1 (default: a free one)."
)


def _port(port: int | None) -> int:
    if port:
        return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@replica_app.command("create")
def replica_create(
    name: str = typer.Argument(..., help="Name of the replica, e.g. r1."),
    port: int | None = PORT_OPTION,
) -> None:
    """Make a hot standby of the running project server (pg_basebackup through its own
    replication slot) under CADASTRE_HOME/replicas/NAME, and start it."""
    server = _project_server("a replica")
    made = replicas.create(server, name, _port(port))
    console.print(f"Replica '{made.name}' streaming on port {made.node.port} "
                  f"(data: {made.node.data_dir})")
    console.print(f"URL (read-only): {made.url()}; the web view reads it with "
                  f"`cadastre serve --read-from {made.name}`")
    _apply_synchronous(server)


@replica_app.command("start")
def replica_start(name: str = typer.Argument(..., help="Replica (or restored copy).")) -> None:
    """Start a replica (it catches up from its slot on the primary)."""
    cluster = replicas.find(_project_server("a replica"), name)
    started = cluster.start()
    console.print(f"'{name}' {'started' if started else 'already running'} on port "
                  f"{cluster.node.port}")


@replica_app.command("stop")
def replica_stop(name: str = typer.Argument(..., help="Replica (or restored copy).")) -> None:
    """Stop a replica; the primary keeps the WAL it will need (its slot)."""
    stopped = replicas.find(_project_server("a replica"), name).stop()
    console.print(f"'{name}' stopped" if stopped else f"'{name}' was not running")


@replica_app.command("drop")
def replica_drop(name: str = typer.Argument(..., help="Replica (or restored copy).")) -> None:
    """Stop a replica or restored copy and delete it, with its slot on the primary."""
    server = _project_server("a replica")
    for note in replicas.drop(server, name):
        console.print(f"[yellow]{note}[/yellow]")
    console.print(f"'{name}' dropped")
    _apply_synchronous(server)


@replica_app.command("status")
def replica_status() -> None:
    """Each replica and restored copy: running, streaming, replay lag."""
    _print_replicas(_project_server("a replica"), empty="No replicas.")


@app.command()
def promote(name: str = typer.Argument(..., help="The replica to make the primary.")) -> None:
    """Promote a replica when the primary is lost: it stops following and accepts writes.
    Clients using the failover URL (`cadastre db url --failover`) reconnect to it."""
    server = _project_server("promotion")
    if server.is_running():
        console.print("[yellow]The primary is still running: two servers now accept writes "
                      "for the same register. Stop the old primary and do not start it "
                      "again (rebuild it as a replica of the new one).[/yellow]")
    promoted = replicas.promote(server, name)
    console.print(f"'{name}' is now a primary on port {promoted.node.port}: {promoted.url()}")


def _set_role_passwords() -> None:
    """On the project server, give the roles the migrations made their generated passwords."""
    settings = get_settings()
    if uses_external_server(settings):
        return
    server = ProjectServer.from_settings(settings)
    changed = server.set_role_passwords()
    if changed:
        console.print(f"Passwords of {', '.join(changed)} set (in {server.passfile})")


@app.command()
def init(province: str | None = PROVINCE_OPTION, srid: int | None = SRID_OPTION) -> None:
    """Migrate and create the register on the current server (e.g. one DATABASE_URL names)."""
    _migrate_and_init(province, srid)


def _migrate_and_init(province: str | None, srid: int | None) -> None:
    conn = connect(owner_url())
    try:
        _print_report(migrations.migrate(conn))
        setting = init_register(conn, province, srid)
        loaded = load_official_list(conn, setting.province_code)
    finally:
        conn.close()
    console.print(
        f"Register: province {setting.province_code} {setting.province_name}, "
        f"parcels in EPSG:{setting.srid}"
    )
    console.print(
        f"Communes: {loaded.communes} in force ({loaded.communes_added} added now, "
        f"{loaded.correspondences_added} pre-2025 codes mapped now; from {loaded.source})"
    )


@app.command()
def stop() -> None:
    """Stop the project-managed server (its data is kept)."""
    settings = get_settings()
    if uses_external_server(settings):
        _report_external(action="not stopping it")
        return
    stopped = ProjectServer.from_settings(settings).stop()
    console.print("Server stopped" if stopped else "Server was not running")


@app.command()
def url(
    owner: bool = typer.Option(
        False, "--owner", help="The schema owner's URL (superuser of the project server)."
    ),
    failover: bool = typer.Option(
        False, "--failover", help="List the primary and its replicas with "
        "target_session_attrs=read-write: clients reach whichever accepts writes."
    ),
) -> None:
    """Print the libpq URL that psql, QGIS and other clients can use (the operator role)."""
    if failover:
        settings = get_settings()
        server = _project_server("a failover URL")
        typer.echo(replicas.failover_url(
            server, settings.superuser if owner else settings.operator_role))
        return
    typer.echo(owner_url() if owner else database_url())


@app.command()
def status() -> None:
    """Is the server running, which versions, which migrations are applied or pending; each
    replica's replay lag; the WAL archive's last segment and oldest restorable moment."""
    settings = get_settings()
    external = uses_external_server(settings)
    if not external:
        server = ProjectServer.from_settings(settings)
        if not server.is_running():
            console.print(
                f"Project server: not running (data: {server.data_dir}). "
                "Start it with `cadastre db start`."
            )
            _print_replicas(server)  # after a failover: which one is now the primary
            raise typer.Exit(code=3)
        console.print(f"Project server: running on port {server.port} (data: {server.data_dir})")
    else:
        console.print(f"External server (DATABASE_URL): {mask_password(database_url())}")
    conn = connect(owner_url())
    try:
        _print_versions(conn)
        _print_migrations(conn)
        setting = read_setting(conn)
        console.print(
            f"Register: province {setting.province_code} {setting.province_name}, "
            f"EPSG:{setting.srid}"
            if setting
            else "Register: not created yet (cadastre db init --province CODE)"
        )
    finally:
        conn.close()
    if not external:
        _print_replicas(server)
        _print_archive(server)


def _print_replicas(server: ProjectServer, empty: str = "") -> None:
    states = replicas.states(server)
    if not states and empty:
        console.print(empty)
    for state in states:
        if not state.running:
            console.print(f"{state.kind.capitalize()} '{state.name}': not running "
                          f"(port {state.port})")
            continue
        role = "primary (promoted)" if state.kind == replicas.PROMOTED else (
            "restored copy" if state.kind == replicas.RESTORED else "replica")
        line = f"{role.capitalize()} '{state.name}': port {state.port}"
        if state.state:
            lag = "-" if state.replay_lag_s is None else f"{state.replay_lag_s:.3f} s"
            line += (f", {state.state} ({state.sync_state}), replay lag {lag}, "
                     f"{state.bytes_behind or 0} bytes behind")
        elif state.in_recovery:
            line += ", not streaming from the primary"
        if state.last_replayed and state.in_recovery:
            line += f", last replayed commit {state.last_replayed}"
        console.print(line)


def _print_archive(server: ProjectServer) -> None:
    archive = archives.state(server)
    last = (f"{archive.last_segment} (archived {archive.last_archived_at:%Y-%m-%d %H:%M:%S} "
            "UTC)" if archive.last_segment else "none yet")
    console.print(f"WAL archive {archive.path}: {archive.segments} segments, last {last}")
    oldest = archive.oldest_restorable
    console.print(
        f"Point-in-time recovery: from {oldest:%Y-%m-%d %H:%M:%S %Z} "
        f"({len(archive.base_backups)} base backups)" if oldest else
        "Point-in-time recovery: no base backup yet (`cadastre db backup --base`)"
    )
    if archive.failing:
        console.print(f"[red]Archiving is failing: {archive.failing}; see the server log."
                      "[/red]")


@app.command()
def migrate() -> None:
    """Apply pending migrations (once each, in order) and refresh the SQL functions."""
    conn = connect(owner_url())
    try:
        _print_report(migrations.migrate(conn))
    finally:
        conn.close()
    _set_role_passwords()


@app.command()
def publish() -> None:
    """Publish the parcels' public pages not in force: missing, put out by a change, or past
    the day a right or restriction on them ends (run after bulk changes, and daily)."""
    conn = connect(owner_url())
    try:
        ids = pages.pages_to_publish(conn)
        with Progress(console=console) as progress:
            task = progress.add_task("pages", total=len(ids))
            written = pages.publish_pages(conn, ids, lambda n: progress.advance(task, n))
    finally:
        conn.close()
    console.print(f"Published {written} parcel pages.")


@app.command()
def backup(
    target: Path | None = typer.Argument(None, help="Archive to write, e.g. register.dump."),
    roles: bool = typer.Option(
        False, "--roles", help="Also write the register's login roles (password hashes, groups) "
        "beside the archive, for a restore onto a new server."
    ),
    base: bool = typer.Option(
        False, "--base", help="Instead: a base backup of the whole project server into the WAL "
        "archive, from which `db restore --until` recovers any later moment."
    ),
    keep: int | None = typer.Option(
        None, "--keep", min=1, help="With --base: then keep only the newest N base backups, "
        "deleting older ones and the WAL only they needed (default: keep everything)."
    ),
) -> None:
    """Write a complete pg_dump archive of the register (history, functions, CRS rows),
    readable by you only; or, with --base, a base backup into the WAL archive."""
    if base:
        if target is not None or roles:
            raise CadastreError("--base writes into the WAL archive: give no file and no "
                                "--roles with it.")
        server = _project_server("a base backup")
        taken = archives.base_backup(server)
        console.print(f"Base backup {taken.path} ({taken.size_bytes / 1e6:.1f} MB, verified); "
                      f"restorable from {taken.finished:%Y-%m-%d %H:%M:%S %Z}")
        if keep:
            pruned = archives.prune(server, keep)
            console.print(f"Kept the newest {keep} base backups; deleted "
                          f"{len(pruned.base_backups)} older ones and {pruned.segments} WAL "
                          "segments only they needed")
        return
    if keep is not None:
        raise CadastreError("--keep goes with --base (it prunes the WAL archive).")
    if target is None:
        raise CadastreError("Name the archive to write, e.g. `cadastre db backup "
                            "register.dump` (or --base for a base backup).")
    result = backups.backup(owner_url(), target, roles=roles)
    console.print(f"Backup written: {result.path} ({result.size_bytes / 1e6:.1f} MB)")
    if result.roles_path:
        console.print(f"Login roles written: {result.roles_path} ({result.role_count} roles)")


@app.command()
def restore(
    archive: Path | None = typer.Argument(None, help="Archive written by `cadastre db backup`."),
    database: str | None = typer.Option(
        None, "--database", help="Restore as this database (default: the register's)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Swap out an existing database once the restore is complete."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Instead: rebuild the whole server as it stood at this moment "
        "(ISO 8601, e.g. '2026-12-06 14:30:00+07:00') from the WAL archive, into a new "
        "cluster CADASTRE_HOME/restores/NAME on its own port."
    ),
    name: str | None = typer.Option(
        None, "--name", help="With --until: name of the restored cluster (default: "
        "restored_<moment>)."
    ),
    port: int | None = PORT_OPTION,
) -> None:
    """Restore a backup into a fresh database (an existing one is replaced only on
    --replace); or, with --until, the server at a past moment into a new cluster."""
    if until is not None:
        if archive is not None or database or replace:
            raise CadastreError("--until restores from the WAL archive into a new cluster: "
                                "give no archive file, --database or --replace with it.")
        moment = archives.parse_moment(until)
        cluster = archives.restore_until(
            _project_server("a point-in-time restore"), moment,
            name or f"restored_{moment.astimezone(UTC):%Y%m%d_%H%M%S}", _port(port),
        )
        console.print(f"Restored the register as of {moment:%Y-%m-%d %H:%M:%S %Z} into "
                      f"'{cluster.name}' on port {cluster.node.port} (data: "
                      f"{cluster.node.data_dir})")
        console.print(f"URL: {cluster.url()}")
        return
    if archive is None:
        raise CadastreError("Name the archive to restore, or give --until MOMENT.")
    url = owner_url()
    if database:
        url = with_database(url, database)
    recreated = backups.restore_roles(url, archive)
    if recreated:
        console.print(f"Recreated login roles: {', '.join(recreated)}")
    name = backups.restore(url, archive, replace=replace)
    console.print(f"Restored {archive} as database '{name}'")


def _print_report(report: migrations.MigrationReport) -> None:
    for name in report.applied:
        console.print(f"applied {name}")
    if report.functions_applied:
        console.print("refreshed SQL functions")
    if not report.changed:
        console.print("Schema is up to date; nothing to do")


def _print_versions(conn: psycopg2.extensions.connection) -> None:
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = one_row(cur)[0]
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        row = cur.fetchone()
    console.print(f"PostgreSQL {pg_version}; PostGIS {row[0] if row else 'not installed'}")


def _print_migrations(conn: psycopg2.extensions.connection) -> None:
    known = migrations.load_migrations()
    applied = migrations.applied_migrations(conn)
    try:
        pending = migrations.pending_migrations(conn, known)
    except CadastreError as exc:
        console.print(f"[red]Migrations: {exc}[/red]")
        return
    done = len(known) - len(pending)
    console.print(
        f"Migrations: {done} of {len(known)} applied"
        + (f"; pending: {', '.join(m.name for m in pending)}" if pending else "")
    )
    if known and migrations.FUNCTIONS_KEY not in applied:
        console.print("SQL functions: not applied yet (run `cadastre db migrate`)")


def _report_external(action: str = "not starting the project server") -> None:
    url_text = mask_password(database_url())
    console.print(f"DATABASE_URL is set: the register uses {url_text}; {action}.")
    conn = connect()
    conn.close()
    console.print("That server is reachable.")
