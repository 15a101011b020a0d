"""Cadastral information extracts (trích lục): composed and issued by the register
(sql/functions/089_extract.sql)."""

from __future__ import annotations

from typing import Any

from cadastre.register.binding.call import Cursor, one_value


def extract_content(cur: Cursor, *, parcel_id: int) -> dict[str, Any]:
    """cadastre.extract_content: what an extract of a current parcel would certify (public
    facts, map frame and scale, vertices, edges, neighbours), without issuing one."""
    return one_value(cur, "SELECT cadastre.extract_content(p_parcel_id => %(parcel_id)s)",
                     {"parcel_id": parcel_id})


def issue_extract(cur: Cursor, *, parcel_id: int, issued_for: str, layout: str) -> dict[str, Any]:
    """cadastre.issue_extract: record an extract of a current parcel for a person or an
    application; returns the record (code, verify_url, layout, issued_at, register_date,
    parcel_version, content_sha256, content, parcel_current) the layout draws."""
    return one_value(
        cur,
        "SELECT cadastre.issue_extract(p_parcel_id => %(parcel_id)s, "
        "p_issued_for => %(issued_for)s, p_layout => %(layout)s)",
        {"parcel_id": parcel_id, "issued_for": issued_for, "layout": layout},
    )


def set_extract_url(cur: Cursor, *, url: str) -> None:
    """cadastre.set_extract_url (administrators): the verification URL's base printed on
    extracts issued from now on, ending with a slash."""
    cur.execute("SELECT cadastre.set_extract_url(p_url => %(url)s)", {"url": url})
