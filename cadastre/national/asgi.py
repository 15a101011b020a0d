"""ASGI entry point of the national look-up (`cadastre serve --national`)."""

from cadastre.national.web import create_national_app

app = create_national_app()
