"""Issuing an extract: the register records it, this package draws it."""

from __future__ import annotations

from typing import Any

import psycopg2.extensions

from cadastre.extract.layout import LAYOUT_VERSION, render_extract
from cadastre.register.binding import extracts


def issue_record(conn: psycopg2.extensions.connection, parcel_id: int, *,
                 issued_for: str) -> tuple[dict[str, Any], bytes]:
    """Record an extract of a current parcel for `issued_for` (an applicant's name, an
    application's receipt code) and draw it; returns the record and the PDF.

    The record is written in the caller's transaction, which the caller commits: an approved
    application can deliver its extract in the same transaction as its decision. The PDF is
    drawn before the caller commits, so a drawing failure leaves no record behind."""
    with conn.cursor() as cur:
        record = extracts.issue_extract(cur, parcel_id=parcel_id, issued_for=issued_for,
                                        layout=LAYOUT_VERSION)
    return record, render_extract(record)


def issue_extract(conn: psycopg2.extensions.connection, parcel_id: int, *,
                  issued_for: str) -> tuple[str, bytes]:
    """Record and draw an extract (see issue_record); returns its verification code and PDF."""
    record, pdf = issue_record(conn, parcel_id, issued_for=issued_for)
    return record["code"], pdf
