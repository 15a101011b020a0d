"""Land-use right certificates (GCN): issued and cancelled within dossiers."""

from __future__ import annotations

from collections.abc import Sequence

from cadastre.register.binding.call import Cursor, Day, one_value


def issue_certificate(
    cur: Cursor,
    *,
    dossier_id: int,
    serial: str,
    book_number: str,
    parcel_ids: Sequence[int],
    issued_on: Day | None = None,
    replaces: str | None = None,
) -> int:
    """cadastre.issue_certificate: a certificate for parcels (replacing another by serial);
    returns its id."""
    return one_value(
        cur,
        "SELECT cadastre.issue_certificate(p_dossier_id => %(dossier_id)s, "
        "p_serial => %(serial)s, p_book_number => %(book_number)s, "
        "p_parcel_ids => %(parcel_ids)s::bigint[], p_issued_on => %(issued_on)s, "
        "p_replaces => %(replaces)s)",
        {"dossier_id": dossier_id, "serial": serial, "book_number": book_number,
         "parcel_ids": list(parcel_ids), "issued_on": issued_on, "replaces": replaces},
    )


def cancel_certificate(cur: Cursor, *, dossier_id: int, serial: str, on: Day | None = None) -> None:
    """cadastre.cancel_certificate: a certificate stops being valid."""
    cur.execute(
        "SELECT cadastre.cancel_certificate(p_dossier_id => %(dossier_id)s, "
        "p_serial => %(serial)s, p_on => %(on)s)",
        {"dossier_id": dossier_id, "serial": serial, "on": on},
    )
