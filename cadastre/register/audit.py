"""Reading the audit trail: who changed what, when, as which role, for which dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cadastre.register.binding.call import Cursor, dict_rows
from cadastre.register.refs import ParcelRef


@dataclass(frozen=True)
class AuditEntry:
    """One row version written by one audited transaction (or a dossier opened / decided)."""

    recorded_at: dt.datetime
    db_role: str
    app_user: str | None
    application_name: str | None
    dossier_number: str
    dossier_kind: str
    action: str
    table_name: str | None
    parcel_ref: str | None
    operation: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


_TRAIL = (
    "SELECT recorded_at, db_role, app_user, application_name, dossier_number, dossier_kind, "
    "action, table_name, parcel_ref, operation, before, after "
    "FROM cadastre.audit_trail(p_parcel_id => %(parcel_id)s, p_who => %(who)s, "
    "p_from => %(since)s, p_to => %(until)s)"
)


def parcel_ids(cur: Cursor, ref: ParcelRef) -> list[int]:
    """Every parcel that ever bore an identity (a number can be reused after a merge)."""
    rows = dict_rows(
        cur,
        "SELECT DISTINCT id FROM cadastre.parcel_version WHERE commune_code = %(commune)s "
        "AND sheet_number = %(sheet)s AND parcel_number = %(number)s ORDER BY id",
        {"commune": ref.commune, "sheet": ref.sheet, "number": ref.number},
    )
    return [row["id"] for row in rows]


def read_trail(
    cur: Cursor,
    parcel_id: int | None = None,
    who: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[AuditEntry]:
    """The audit entries matching every filter given (all of them when none is)."""
    rows = dict_rows(
        cur, _TRAIL, {"parcel_id": parcel_id, "who": who, "since": since, "until": until}
    )
    return [AuditEntry(**row) for row in rows]


@dataclass(frozen=True)
class ChainReport:
    """What cadastre.verify_audit found: the chain holds, or its first broken link."""

    ok: bool
    links: int
    problem: str | None


def verify_chain(cur: Cursor) -> ChainReport:
    """Recompute the audit trail's hash chain in the database (cadastre.verify_audit)."""
    [row] = dict_rows(cur, "SELECT ok, links, problem FROM cadastre.verify_audit()", {})
    return ChainReport(**row)
