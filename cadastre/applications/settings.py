"""Settings of the online services (env prefix CADASTRE_ONLINE_): where documents are kept,
how large and how many, and how often one client may file or try a tracking secret."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cadastre.settings import get_settings


class OnlineSettings(BaseSettings):
    """Limits of the online services; environment variables override the defaults."""

    model_config = SettingsConfigDict(env_prefix="CADASTRE_ONLINE_", extra="ignore")

    upload_dir: Path | None = Field(
        default=None, description="Where documents are stored (default: CADASTRE_HOME/applications)"
    )
    max_file_bytes: int = Field(default=10 * 1024 * 1024, ge=1024,
                                description="Largest document accepted, in bytes")
    max_files: int = Field(default=10, ge=1, le=50, description="Documents per application")
    submissions_per_hour: float = Field(
        default=10.0, ge=0, description="Applications one client may file per hour (0: no limit)"
    )
    submission_burst: int = Field(default=5, ge=1, description="Applications filed in a row")
    tracking_per_minute: float = Field(
        default=10.0, ge=0, description="Tracking look-ups per client per minute (0: no limit)"
    )
    tracking_burst: int = Field(default=20, ge=1, description="Tracking look-ups in a row")
    secret_key: str | None = Field(
        default=None, min_length=32,
        description="Key signing the forms' tokens (default: a key kept in the upload folder)",
    )

    def documents_folder(self) -> Path:
        """The folder documents are stored in (created, private to the server's user)."""
        folder = self.upload_dir or get_settings().home / "applications"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder.resolve()
