"""`cadastre serve`: the citizens' web view (uvicorn), reading the register as `cadastre_web`."""

from __future__ import annotations

import typer

from cadastre.cli.common import console
from cadastre.db.connection import mask_password
from cadastre.web.config import WebSettings, web_database_url


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes"),
) -> None:
    """Serve the citizens' web view: look-ups, parcel pages, the map and the JSON API."""
    import uvicorn

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
        proxy_headers=False,
        server_header=False,
    )
