"""`cadastre national …`: the national look-up fed by the provinces' registers (logical
replication). On a province's server: `publish`. On the national server: `create`,
`add-province URL`, `status`; `cadastre serve --national` answers citizens."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from cadastre.cli.common import console
from cadastre.db.connection import uses_external_server
from cadastre.db.server import ProjectServer
from cadastre.errors import CadastreError
from cadastre.national.cluster import NationalCluster
from cadastre.national.provinces import (
    SUBSCRIBED_TABLES,
    add_province,
    drop_province,
    feeds,
    wait_until_copied,
)
from cadastre.national.publication import publish as publish_register
from cadastre.national.settings import NationalSettings
from cadastre.settings import get_settings

app = typer.Typer(help="The national look-up: provinces publish, the national server subscribes.",
                  no_args_is_help=True)


@app.command()
def publish(
    restart: bool = typer.Option(
        False, "--restart",
        help="Restart this province's project server if logical WAL must be turned on "
        "(officers' connections are cut for a few seconds)."),
) -> None:
    """On a province's server: publish its public register (a public copy, database
    cadastre_public, that the national look-up subscribes to); print the URL for the national
    operator (the publication role's password is in this server's pgpass)."""
    settings = get_settings()
    if uses_external_server(settings):
        raise CadastreError(
            "Publishing to the national look-up is done on the project-managed server "
            "(it writes the server's pg_hba.conf and password files).",
            hint="Unset DATABASE_URL and run it where `cadastre db start` runs the register.",
        )
    server = ProjectServer.from_settings(settings)
    result = publish_register(server, settings.database, restart, console.print)
    if result.url is None:
        console.print("[yellow]Logical WAL is set but takes effect at the next restart:[/yellow]"
                      " cadastre national publish --restart (or cadastre db stop && "
                      "cadastre db start, then cadastre national publish).")
        return
    console.print(f"Publication cadastre_public is ready (public copy: database "
                  f"cadastre_public). Subscribe with:\n"
                  f"  cadastre national add-province '{result.url}'")


@app.command()
def create() -> None:
    """Create (first time) and start the national look-up's own cluster under
    CADASTRE_HOME/national (port CADASTRE_NATIONAL_PORT, default 54339)."""
    cluster = NationalCluster.from_settings()
    created = cluster.create()
    state = "created and started" if created else "running"
    console.print(f"National look-up {state} on port {cluster.server.port} "
                  f"(data: {cluster.server.data_dir}); {len(cluster.provinces())} province(s).")


@app.command("add-province")
def add_province_command(
    url: str = typer.Argument(..., help="The URL `cadastre national publish` printed on the "
                              "province's server (password inline or in the passfile it names)."),
    wait: bool = typer.Option(True, "--wait/--no-wait",
                              help="Wait until the province's tables are copied."),
) -> None:
    """Subscribe the national look-up to a province register: copy its public tables, then
    stream every change."""
    cluster = NationalCluster.from_settings()
    province = add_province(cluster, url)
    console.print(f"Subscribed to province {province.code} {province.name} "
                  f"(database {province.database}).")
    if wait:
        feed = wait_until_copied(cluster, province.code)
        console.print(f"Copied: {feed.parcels} parcels; streaming changes.")


@app.command("drop-province")
def drop_province_command(
    code: str = typer.Argument(..., help="The province's code, e.g. 48."),
) -> None:
    """Unsubscribe the national look-up from a province and drop its data here (the
    province's replication slot is dropped with it when the province can be reached)."""
    province, left_slot = drop_province(NationalCluster.from_settings(), code)
    console.print(f"Province {province.code} {province.name} is no longer in the national "
                  "look-up.")
    if left_slot:
        console.print(f"[yellow]Its server could not be reached: its replication slot "
                      f"{province.subscription} is left there and keeps WAL.[/yellow] On the "
                      f"province's server, in database cadastre_public: SELECT "
                      f"pg_drop_replication_slot('{province.subscription}')")


@app.command()
def status() -> None:
    """How fresh each province's data is in the national look-up; stale ones are marked."""
    national = NationalSettings()
    cluster = NationalCluster.from_settings(national=national)
    found = feeds(cluster, national.stale_after_seconds)
    if not found:
        console.print("No province yet: cadastre national add-province URL")
        return
    table = Table()
    table.add_column("province", no_wrap=True)
    for heading in ("database", "feed", "data as of", "parcels", "tables copied"):
        table.add_column(heading)
    now = datetime.now(UTC)
    for feed in found:
        if feed.stale:
            state = "[red]STALE[/red]" + ("" if feed.connected else " (offline)")
        else:
            state = "[green]streaming[/green]"
        seen = "never" if feed.last_contact_at is None else (
            f"{feed.last_contact_at:%Y-%m-%d %H:%M:%S} "
            f"({(now - feed.last_contact_at).total_seconds():.0f} s ago)")
        table.add_row(f"{feed.code} {feed.name}", feed.database, state, seen,
                      str(feed.parcels), f"{feed.tables_ready}/{SUBSCRIBED_TABLES}")
    console.print(table)


def serve_national(host: str, port: int, workers: int, proxy_headers: bool,
                   forwarded_allow_ips: str | None) -> None:
    """`cadastre serve --national`: the national look-up's web view (uvicorn)."""
    import uvicorn

    cluster = NationalCluster.from_settings()
    cluster.require_running()
    console.print(f"National look-up on http://{host}:{port}/ (API: /api/provinces), reading "
                  f"the national cluster on port {cluster.server.port}; Ctrl-C stops it.")
    uvicorn.run("cadastre.national.asgi:app", host=host, port=port, workers=workers,
                log_level="warning", access_log=False, proxy_headers=proxy_headers,
                forwarded_allow_ips=forwarded_allow_ips, server_header=False)
