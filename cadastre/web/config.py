"""Settings of the web view (env prefix CADASTRE_WEB_) and the URL it connects with."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cadastre.db.connection import owner_url, with_user

# The read-only login role of the web view (created by sql/migrations/008_public_web.sql).
WEB_ROLE = "cadastre_web"


class WebSettings(BaseSettings):
    """Runtime settings of the web view; environment variables override the defaults."""

    model_config = SettingsConfigDict(env_prefix="CADASTRE_WEB_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="Register URL; default: DATABASE_URL or the project server's, as the web role",
    )
    role: str = Field(default=WEB_ROLE, description="Database role the web view connects as")
    # About one more than the cores, across all workers: enough to keep the database busy
    # while a worker writes answers. More concurrent statements than that only share the
    # cores: on 2 cores, 3 connections served 1,500–1,640 look-ups/s, 4 served 1,110–1,390
    # and 8 under 1,100 (docs/performance.md).
    pool_size: int = Field(default=3, ge=1, le=64, description="Database connections per worker")
    rate_limit: float = Field(
        default=50.0, ge=0, description="Requests per second per client IP (0: no limit)"
    )
    rate_burst: int = Field(default=400, ge=1, description="Requests a client may burst")
    tile_cache_size: int = Field(default=20_000, ge=0, description="Tiles cached per worker")
    lookup_cache_size: int = Field(default=50_000, ge=0, description="Look-ups cached per worker")
    change_poll_seconds: float = Field(
        default=0.5, ge=0, description="At most this often, look for register changes"
    )
    tile_max_age: int = Field(default=60, ge=0, description="Browser cache time of a tile (s)")
    # An optional base map under the parcels, so citizens see streets: off by default (the
    # site runs with no internet), set by the office to a raster tile server it may use.
    basemap_tiles: str | None = Field(
        default=None, pattern=r"^https?://[^\s\"'<>]+\{z\}[^\s\"'<>]*$",
        description="Raster tile URL of a base map, e.g. https://tiles.example.vn/{z}/{x}/{y}.png",
    )
    basemap_attribution: str = Field(
        default="", max_length=300, description="Attribution of the base map (shown on the map)"
    )
    basemap_max_zoom: int = Field(default=19, ge=0, le=22, description="Base map's last zoom")


def register_url(settings: WebSettings) -> str:
    """The register's URL as configured (before choosing the role to log in as)."""
    return settings.database_url or owner_url()


def web_database_url(settings: WebSettings) -> str:
    """The register's URL with the web role as user; on the project server its generated
    password comes from the pgpass file the URL names (passfile=)."""
    return with_user(register_url(settings), settings.role)


def basemap_origin(settings: WebSettings) -> str | None:
    """The scheme and host of the base map's tiles (the page's CSP must allow them)."""
    if not settings.basemap_tiles:
        return None
    scheme, rest = settings.basemap_tiles.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"
