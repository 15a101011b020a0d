"""The citizens' web view: look-ups, parcel pages, a vector-tile map and a JSON API.

It reads the register as the read-only role `cadastre_web`, which sees only the views and
functions of schema `public_register` (sql/functions/090_public_*.sql); personal data never
reaches it. `create_app` builds the FastAPI application; `cadastre serve` runs it.
"""

from cadastre.web.app import create_app

__all__ = ["create_app"]
