"""Errors the user sees: each says what is wrong and what to do about it."""

from __future__ import annotations


class CadastreError(Exception):
    """A failure with a message meant for the user (the CLI prints it without a traceback)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"


class ServerError(CadastreError):
    """The project-managed PostgreSQL server cannot be created, started or reached."""


class MigrationError(CadastreError):
    """A migration failed or an applied migration file was changed."""
