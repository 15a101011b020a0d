"""The ASGI application uvicorn imports (`cadastre.web.asgi:app`), with settings from the
environment (CADASTRE_WEB_*, DATABASE_URL)."""

from cadastre.web.app import create_app

app = create_app()
