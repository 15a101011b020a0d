"""Online applications (sql/functions/087_applications.sql): the officers' queue and actions,
and the office's services and holidays. The citizen side (submit, track) is called by the
web view on its own asyncpg connections (cadastre.web.routes.applications), with the same
named arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadastre.register.binding.call import Cursor, Day, JsonValue, dict_rows, jsonb, one_value

# The citizen-side statements, shared by this binding and the web view's asyncpg calls.
SUBMIT_SQL = (
    "SELECT receipt_code, secret FROM online.submit_application("
    "p_service => {service}, p_dossier_kind => {dossier_kind}, p_parcels => {parcels}, "
    "p_name => {name}, p_id_number => {id_number}, p_phone => {phone}, p_email => {email}, "
    "p_relation => {relation}, p_note => {note}, p_documents => {documents}, "
    "p_client_addr => {client_addr})"
)
SUBMIT_ARGUMENTS = ("service", "dossier_kind", "parcels", "name", "id_number", "phone",
                    "email", "relation", "note", "documents", "client_addr")
# The web role's sessions are read-only by default (migrations/008_public_web.sql): filing is
# its one write, made in a transaction opened for it, through the operation only.
READ_WRITE_SQL = "SET TRANSACTION READ WRITE"
SUPPLEMENT_SQL = (
    "SELECT online.supplement_application(p_receipt => {receipt}, p_secret => {secret}, "
    "p_documents => {documents}, p_client_addr => {client_addr})"
)
SUPPLEMENT_ARGUMENTS = ("receipt", "secret", "documents", "client_addr")
TRACK_SQL = "SELECT online.track_application(p_receipt => {receipt}, p_secret => {secret})"


def numbered(statement: str, names: Sequence[str], cast: dict[str, str] | None = None) -> str:
    """A statement's placeholders as asyncpg's $1, $2 … in the order of `names`."""
    cast = cast or {}
    return statement.format(**{n: f"${i}{cast.get(n, '')}" for i, n in enumerate(names, 1)})


def named(statement: str, names: Sequence[str], cast: dict[str, str] | None = None) -> str:
    """A statement's placeholders as psycopg2's %(name)s."""
    cast = cast or {}
    return statement.format(**{n: f"%({n})s{cast.get(n, '')}" for n in names})


SUBMIT_CASTS = {"parcels": "::text[]", "documents": "::jsonb", "client_addr": "::inet"}


def submit_application(
    cur: Cursor,
    *,
    service: str,
    dossier_kind: str | None,
    parcels: Sequence[str],
    name: str,
    id_number: str,
    phone: str,
    email: str | None,
    relation: str,
    note: str | None,
    documents: JsonValue,
    client_addr: str | None = None,
) -> tuple[str, str]:
    """online.submit_application: file an application; returns (receipt code, secret).
    Call it first in its transaction (it makes the transaction read-write)."""
    cur.execute(READ_WRITE_SQL)
    cur.execute(
        named(SUBMIT_SQL, SUBMIT_ARGUMENTS, SUBMIT_CASTS),
        {"service": service, "dossier_kind": dossier_kind, "parcels": list(parcels),
         "name": name, "id_number": id_number, "phone": phone, "email": email,
         "relation": relation, "note": note, "documents": jsonb(documents),
         "client_addr": client_addr},
    )
    receipt, secret = cur.fetchone() or (None, None)
    return str(receipt), str(secret)


def track_application(cur: Cursor, *, receipt: str, secret: str) -> dict[str, Any]:
    """online.track_application: what the applicant sees, given the receipt code and secret."""
    return one_value(cur, named(TRACK_SQL, ("receipt", "secret")),
                     {"receipt": receipt, "secret": secret})


def supplement_application(cur: Cursor, *, receipt: str, secret: str, documents: JsonValue,
                           client_addr: str | None = None) -> int:
    """online.supplement_application: add the documents the office asked for (the applicant,
    with the receipt code and secret); returns how many. First in its transaction."""
    cur.execute(READ_WRITE_SQL)
    return one_value(cur, named(SUPPLEMENT_SQL, SUPPLEMENT_ARGUMENTS, SUBMIT_CASTS),
                     {"receipt": receipt, "secret": secret, "documents": jsonb(documents),
                      "client_addr": client_addr})


def application_queue(cur: Cursor, *, commune: str | None = None) -> list[dict[str, Any]]:
    """online.application_queue: the caller's communes' applications, overdue first (logged)."""
    return dict_rows(cur, "SELECT * FROM online.application_queue(p_commune => %(commune)s)",
                     {"commune": commune})


def application_detail(cur: Cursor, *, receipt: str) -> dict[str, Any]:
    """online.application_detail: one application with the applicant's data (logged)."""
    return one_value(cur, "SELECT online.application_detail(p_receipt => %(receipt)s)",
                     {"receipt": receipt})


def application_document_file(cur: Cursor, *, receipt: str, position: int) -> str:
    """online.application_document_file: where a document is stored (logged)."""
    return one_value(
        cur,
        "SELECT online.application_document_file(p_receipt => %(receipt)s, "
        "p_position => %(position)s)",
        {"receipt": receipt, "position": position},
    )


def accept_application(cur: Cursor, *, receipt: str, dossier_number: str | None = None
                       ) -> int | None:
    """online.accept_application: accept; returns the register dossier opened (or None)."""
    return one_value(
        cur,
        "SELECT online.accept_application(p_receipt => %(receipt)s, "
        "p_dossier_number => %(dossier_number)s)",
        {"receipt": receipt, "dossier_number": dossier_number},
    )


def request_documents(cur: Cursor, *, receipt: str, reason: str) -> None:
    """online.request_documents: ask the applicant for more documents, saying which."""
    cur.execute("SELECT online.request_documents(p_receipt => %(receipt)s, p_reason => %(reason)s)",
                {"receipt": receipt, "reason": reason})


def refuse_application(cur: Cursor, *, receipt: str, reason: str) -> None:
    """online.refuse_application: refuse before acceptance, with the reason."""
    cur.execute(
        "SELECT online.refuse_application(p_receipt => %(receipt)s, p_reason => %(reason)s)",
        {"receipt": receipt, "reason": reason},
    )


def mark_result_ready(cur: Cursor, *, receipt: str, note: str | None = None) -> None:
    """online.mark_result_ready: an accepted application without a dossier is done."""
    cur.execute("SELECT online.mark_result_ready(p_receipt => %(receipt)s, p_note => %(note)s)",
                {"receipt": receipt, "note": note})


def set_service(
    cur: Cursor,
    *,
    code: str,
    processing_days: int | None = None,
    fee_note_vi: str | None = None,
    fee_note_en: str | None = None,
    legal_basis: str | None = None,
    active: bool | None = None,
) -> dict[str, Any]:
    """online.set_service: enter a service's figures (administrators); returns its row."""
    found = dict_rows(
        cur,
        "SELECT * FROM online.set_service(p_code => %(code)s, "
        "p_processing_days => %(processing_days)s, p_fee_note_vi => %(fee_note_vi)s, "
        "p_fee_note_en => %(fee_note_en)s, p_legal_basis => %(legal_basis)s, "
        "p_active => %(active)s)",
        {"code": code, "processing_days": processing_days, "fee_note_vi": fee_note_vi,
         "fee_note_en": fee_note_en, "legal_basis": legal_basis, "active": active},
    )
    return found[0]


def add_holiday(cur: Cursor, *, day: Day, name_vi: str, name_en: str | None = None) -> None:
    """online.add_holiday: a day off in the office's calendar (administrators)."""
    cur.execute(
        "SELECT online.add_holiday(p_day => %(day)s, p_name_vi => %(name_vi)s, "
        "p_name_en => %(name_en)s)",
        {"day": day, "name_vi": name_vi, "name_en": name_en},
    )


def remove_holiday(cur: Cursor, *, day: Day) -> None:
    """online.remove_holiday: the day is a working day again (administrators)."""
    cur.execute("SELECT online.remove_holiday(p_day => %(day)s)", {"day": day})


def add_working_days(cur: Cursor, *, start: Day, days: int) -> Any:
    """online.add_working_days: the due date `days` working days after `start`."""
    return one_value(cur, "SELECT online.add_working_days(%(start)s::date, %(days)s)",
                     {"start": start, "days": days})
