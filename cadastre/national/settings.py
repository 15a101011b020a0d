"""Settings of the national look-up (env prefix CADASTRE_NATIONAL_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NationalSettings(BaseSettings):
    """Where the national cluster listens and when a province's data counts as stale."""

    model_config = SettingsConfigDict(env_prefix="CADASTRE_NATIONAL_", extra="ignore")

    port: int = Field(default=54339, ge=1024, le=65535,
                      description="TCP port of the national cluster (CADASTRE_HOME/national)")
    stale_after_seconds: int = Field(
        default=120, ge=1,
        description="A province not heard from for this long is shown as stale",
    )
    status_poll_seconds: float = Field(
        default=5.0, gt=0, description="How often the national web view re-reads freshness"
    )
    pool_size: int = Field(default=2, ge=1, le=16,
                           description="Web view connections per province database")
