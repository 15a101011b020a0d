"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by reference) over
the public register, with its history through `datetime`; mounted by the web view at /ogc.
See docs/ogc-api.md."""

from cadastre.web.ogc.app import create_app

__all__ = ["create_app"]
