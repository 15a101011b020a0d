"""`cadastre db ...`: the server, its URL, and migrations."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from cadastre.cli.common import console
from cadastre.db import backup as backups
from cadastre.db import migrate as migrations
from cadastre.db.connection import (
    connect,
    database_url,
    ensure_database,
    mask_password,
    owner_url,
    uses_external_server,
    with_database,
)
from cadastre.db.server import ProjectServer
from cadastre.errors import CadastreError
from cadastre.register import pages
from cadastre.register.communes import load_official_list
from cadastre.register.setup import init_register, read_setting
from cadastre.settings import get_settings

app = typer.Typer(
    help="The register's PostgreSQL + PostGIS server and its schema.", no_args_is_help=True
)


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
) -> None:
    """Print the libpq URL that psql, QGIS and other clients can use (the operator role)."""
    typer.echo(owner_url() if owner else database_url())


@app.command()
def status() -> None:
    """Is the server running, which versions, which migrations are applied or pending."""
    settings = get_settings()
    external = uses_external_server(settings)
    if not external:
        server = ProjectServer.from_settings(settings)
        if not server.is_running():
            console.print(
                f"Project server: not running (data: {server.data_dir}). "
                "Start it with `cadastre db start`."
            )
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
    target: Path = typer.Argument(..., help="Archive to write, e.g. register.dump."),
    roles: bool = typer.Option(
        False, "--roles", help="Also write the register's login roles (password hashes, groups) "
        "beside the archive, for a restore onto a new server."
    ),
) -> None:
    """Write a complete pg_dump archive of the register (history, functions, CRS rows),
    readable by you only."""
    result = backups.backup(owner_url(), target, roles=roles)
    console.print(f"Backup written: {result.path} ({result.size_bytes / 1e6:.1f} MB)")
    if result.roles_path:
        console.print(f"Login roles written: {result.roles_path} ({result.role_count} roles)")


@app.command()
def restore(
    archive: Path = typer.Argument(..., help="Archive written by `cadastre db backup`."),
    database: str | None = typer.Option(
        None, "--database", help="Restore as this database (default: the register's)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Swap out an existing database once the restore is complete."
    ),
) -> None:
    """Restore a backup into a fresh database; an existing one is replaced only on --replace."""
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


def _print_versions(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        row = cur.fetchone()
    console.print(f"PostgreSQL {pg_version}; PostGIS {row[0] if row else 'not installed'}")


def _print_migrations(conn) -> None:
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
