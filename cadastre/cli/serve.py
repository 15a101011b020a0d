"""`cadastre serve`: the citizens' web view (uvicorn), reading the register as `cadastre_web`."""

from __future__ import annotations

import os

import typer

from cadastre.cli.common import console
from cadastre.db import replica as replicas
from cadastre.db.connection import mask_password, uses_external_server
from cadastre.db.server import ProjectServer
from cadastre.errors import CadastreError
from cadastre.settings import get_settings
from cadastre.web.config import WebSettings, web_database_url


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes"),
    proxy_headers: bool = typer.Option(
        False,
        "--proxy-headers/--no-proxy-headers",
        help="Behind a reverse proxy: take the client's address from X-Forwarded-For (from "
        "the addresses --forwarded-allow-ips trusts), so the rate limit is per client.",
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None,
        "--forwarded-allow-ips",
        help="Comma-separated proxy addresses trusted for X-Forwarded-* (default 127.0.0.1).",
    ),
    national: bool = typer.Option(
        False, "--national",
        help="Serve the national look-up (`cadastre national create`) instead of this register.",
    ),
    read_from: str | None = typer.Option(
        None,
        "--read-from",
        help="Read the register from a replica: its name (`cadastre db replica create`) or "
        "its URL. Same as setting CADASTRE_WEB_DATABASE_URL to the replica's URL.",
    ),
) -> None:
    """Serve the citizens' web view: look-ups, parcel pages, the map and the JSON API."""
    import uvicorn

    if national:
        from cadastre.cli.national import serve_national

        serve_national(host, port, workers, proxy_headers, forwarded_allow_ips)
        return
    if read_from:
        # The workers uvicorn starts read their settings from the environment.
        os.environ["CADASTRE_WEB_DATABASE_URL"] = replica_url(read_from)
    settings = WebSettings()
    console.print(
        f"Web view on http://{host}:{port}/ (API: /api), reading "
        f"{mask_password(web_database_url(settings))}; Ctrl-C stops it."
    )
    uvicorn.run(
        "cadastre.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
    )


def replica_url(name_or_url: str) -> str:
    """A replica's URL from its name on the project server, or the URL given."""
    if "://" in name_or_url or "=" in name_or_url:
        return name_or_url
    settings = get_settings()
    if uses_external_server(settings):
        raise CadastreError(
            f"'{name_or_url}' names a replica of the project server, but DATABASE_URL names "
            "another server.",
            hint="Give the replica's URL to --read-from instead.",
        )
    cluster = replicas.find(ProjectServer.from_settings(settings), name_or_url)
    return cluster.url()
