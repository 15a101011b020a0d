"""What can go wrong, as types the interface catches: the register refused (by its rules or the
account's rights), a colleague's change came first, the register is out of reach, or the
plugin itself refused what it was given. `refusals.refusal` picks the type by SQLSTATE.
"""

from __future__ import annotations

from typing import Any


class RegisterError(Exception):
    """Something the officer is told: `plain` (Vietnamese first, English beside it), `hint`
    (what to do), `raw` (the database's own text, for the QGIS log), the SQLSTATE and the
    rule (the constraint the database names), when the register gave them."""

    def __init__(self, plain: str, raw: str = "", hint: str | None = None,
                 sqlstate: str | None = None, diag: dict[str, Any] | None = None) -> None:
        super().__init__(plain)
        self.plain = plain
        self.raw = raw
        self.hint = hint
        self.sqlstate = sqlstate
        self.diag: dict[str, Any] = dict(diag or {})

    @property
    def text(self) -> str:
        """The sentence and, on a new line, what to do."""
        return self.plain + (f"\n{self.hint}" if self.hint else "")

    @property
    def rule(self) -> str | None:
        """The rule (constraint) the database named in its diagnostics, if any."""
        return self.diag.get("constraint") or None


class InputError(RegisterError):
    """The plugin refused before asking the register: no such saved connection, a dossier
    without a number, a file that holds no saved edits of this commune."""


class UnreachableError(RegisterError):
    """The register cannot be reached (SQLSTATE class 08, 57P0x): the edits stay."""


class PermissionRefusedError(RegisterError):
    """The account may not do this (SQLSTATE 42501)."""


class EditConflictError(RegisterError):
    """A colleague changed a parcel after the officer loaded it (SQLSTATE 40001)."""


class RuleRefusedError(RegisterError):
    """The register's rules refused the change or a value (SQLSTATE classes 22 and 23, and
    P0002: no such record)."""


class DatabaseFaultError(RegisterError):
    """Any other error of the database: a fault for the administrator."""


# The type of a database error, chosen by its SQLSTATE (full code or class prefix).
ERROR_TYPES: dict[str, type[RegisterError]] = {
    "08": UnreachableError,
    "57P0": UnreachableError,
    "42501": PermissionRefusedError,
    "40001": EditConflictError,
    "22": RuleRefusedError,
    "23": RuleRefusedError,
    "P0002": RuleRefusedError,  # no_data_found: no such parcel (or dossier)
}


def error_type(sqlstate: str) -> type[RegisterError]:
    """The exception type of a SQLSTATE: the longest code prefix that has one."""
    for size in (5, 4, 2):
        found = ERROR_TYPES.get(sqlstate[:size]) if len(sqlstate) >= size else None
        if found is not None:
            return found
    return DatabaseFaultError
