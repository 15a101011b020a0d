"""Rights and restrictions: transfers, mortgages, seizures, disputes, reservations."""

from __future__ import annotations

from cadastre.register.binding.call import Cursor, Day, JsonValue, jsonb, one_value


def transfer_right(
    cur: Cursor,
    *,
    dossier_id: int,
    parcel_id: int,
    holders: JsonValue,
    effective: Day | None = None,
) -> int:
    """cadastre.transfer_right: the parcel's land-use right passes to new holders
    ([{party_id, share}], shares summing to 1); returns the new right's id."""
    return one_value(
        cur,
        "SELECT cadastre.transfer_right(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s, p_holders => %(holders)s, p_effective => %(effective)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id, "holders": jsonb(holders),
         "effective": effective},
    )


def register_restriction(
    cur: Cursor,
    *,
    dossier_id: int,
    parcel_id: int,
    kind: str,
    party_id: int | None = None,
    amount: int | None = None,
    note: str | None = None,
    valid_from: Day | None = None,
) -> int:
    """cadastre.register_restriction: a mortgage, seizure, dispute, planning reservation or
    corridor on a parcel (party: creditor or claimant); returns its id."""
    return one_value(
        cur,
        "SELECT cadastre.register_restriction(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s, p_kind => %(kind)s, p_party_id => %(party_id)s, "
        "p_amount => %(amount)s, p_note => %(note)s, p_from => %(valid_from)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id, "kind": kind, "party_id": party_id,
         "amount": amount, "note": note, "valid_from": valid_from},
    )


def release_restriction(
    cur: Cursor, *, dossier_id: int, rrr_id: int, on: Day | None = None
) -> None:
    """cadastre.release_restriction: a restriction ends (a mortgage released…)."""
    cur.execute(
        "SELECT cadastre.release_restriction(p_dossier_id => %(dossier_id)s, "
        "p_rrr_id => %(rrr_id)s, p_on => %(on)s)",
        {"dossier_id": dossier_id, "rrr_id": rrr_id, "on": on},
    )
