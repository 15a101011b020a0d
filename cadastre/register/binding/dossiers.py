"""Dossiers: every change to the register is made inside an approved one."""

from __future__ import annotations

from typing import Any

from cadastre.register.binding.call import Cursor, Day, dict_rows, one_value


def open_dossier(
    cur: Cursor,
    *,
    number: str,
    kind: str,
    received_on: Day,
    officer: str,
    legal_basis: str | None = None,
    commune_code: str | None = None,
    note: str | None = None,
) -> int:
    """cadastre.open_dossier: record a received dossier; returns its id."""
    return one_value(
        cur,
        "SELECT cadastre.open_dossier(p_number => %(number)s, p_kind => %(kind)s, "
        "p_received_on => %(received_on)s, p_officer => %(officer)s, "
        "p_legal_basis => %(legal_basis)s, p_commune_code => %(commune_code)s, "
        "p_note => %(note)s)",
        {"number": number, "kind": kind, "received_on": received_on, "officer": officer,
         "legal_basis": legal_basis, "commune_code": commune_code, "note": note},
    )


def open_import_dossier(
    cur: Cursor,
    *,
    number: str,
    received_on: Day,
    officer: str,
    legal_basis: str | None,
    note: str | None = None,
) -> int:
    """cadastre.open_import_dossier: the approved dossier a legacy import registers under."""
    return one_value(
        cur,
        "SELECT cadastre.open_import_dossier(p_number => %(number)s, "
        "p_received_on => %(received_on)s, p_officer => %(officer)s, "
        "p_legal_basis => %(legal_basis)s, p_note => %(note)s)",
        {"number": number, "received_on": received_on, "officer": officer,
         "legal_basis": legal_basis, "note": note},
    )


def decide_dossier(
    cur: Cursor, *, dossier_id: int, status: str, decided_on: Day, note: str | None = None
) -> None:
    """cadastre.decide_dossier: approve or reject a received dossier (status 'approved' or
    'rejected'), by an approver who did not open it."""
    cur.execute(
        "SELECT cadastre.decide_dossier(p_dossier_id => %(dossier_id)s, p_status => %(status)s, "
        "p_decided_on => %(decided_on)s, p_note => %(note)s)",
        {"dossier_id": dossier_id, "status": status, "decided_on": decided_on, "note": note},
    )


def close_dossier(cur: Cursor, *, dossier_id: int, closed_on: Day | None = None) -> None:
    """cadastre.close_dossier: nothing more is done under an approved dossier."""
    cur.execute(
        "SELECT cadastre.close_dossier(p_dossier_id => %(dossier_id)s, "
        "p_closed_on => %(closed_on)s)",
        {"dossier_id": dossier_id, "closed_on": closed_on},
    )


def begin_dossier_work(cur: Cursor, *, dossier_id: int) -> None:
    """cadastre.begin_dossier_work: the rest of this transaction works under the dossier
    (refused unless it is approved, open and of the caller's commune)."""
    cur.execute(
        "SELECT cadastre.begin_dossier_work(p_dossier_id => %(dossier_id)s)",
        {"dossier_id": dossier_id},
    )


def add_dossier_parcel(cur: Cursor, *, dossier_id: int, parcel_id: int) -> None:
    """cadastre.add_dossier_parcel: a received dossier concerns this parcel (citizens see it
    in progress until it is decided)."""
    cur.execute(
        "SELECT cadastre.add_dossier_parcel(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id},
    )


def find_dossier(cur: Cursor, *, dossier_id: int) -> dict[str, Any] | None:
    """A dossier's row (number, kind, dates, status, who opened, decided and closed it)."""
    found = dict_rows(
        cur, "SELECT * FROM cadastre.dossier WHERE id = %(dossier_id)s", {"dossier_id": dossier_id}
    )
    return found[0] if found else None


def dossier_effects(cur: Cursor, *, dossier_id: int) -> list[dict[str, Any]]:
    """cadastre.dossier_effects: what a dossier changed (parcels, rights, certificates)."""
    return dict_rows(
        cur,
        "SELECT * FROM cadastre.dossier_effects(p_dossier_id => %(dossier_id)s)",
        {"dossier_id": dossier_id},
    )
