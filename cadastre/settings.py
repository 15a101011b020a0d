"""Settings: one place for every knob, read from the environment (prefix CADASTRE_)."""

from __future__ import annotations

import getpass
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_home() -> Path:
    """The project-managed server lives under the project checkout, in `.cadastre/`."""
    return PROJECT_ROOT / ".cadastre"


def os_user() -> str:
    """The operating-system user, or 'unknown' where the system cannot say (bare containers)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Settings(BaseSettings):
    """Runtime settings; environment variables override the defaults."""

    model_config = SettingsConfigDict(env_prefix="CADASTRE_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Server data and logs")
    port: int = Field(default=54329, ge=1024, le=65535, description="Project server TCP port")
    database: str = Field(default="cadastre", description="Database name on that server")
    superuser: str = Field(default="cadastre", description="Superuser of the project cluster")
    pg_bindir: Path | None = Field(default=None, description="PostgreSQL binaries (auto)")
    service_user: str = Field(
        default="postgres", description="OS user that runs the server when started by root"
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "CADASTRE_DATABASE_URL"),
        description="Use this existing server instead of the project-managed one",
    )
    operator_role: str = Field(
        default="cadastre_operator",
        description="Role the CLI works as on the project server (schema changes: superuser)",
    )
    archive_dir: Path | None = Field(
        default=None,
        description="Where the server archives its WAL and base backups (default: HOME/archive)",
    )
    synchronous_replicas: str = Field(
        default="",
        description="Replicas that must apply each commit before it returns, e.g. 'r1' or "
        "'ANY 1 (r1, r2)' (synchronous_standby_names; empty: asynchronous replication)",
    )
    app_user: str = Field(
        default_factory=lambda: os_user(),
        description="Who is working, as recorded in the audit trail (default: the OS user)",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache after changing env)."""
    return Settings()
