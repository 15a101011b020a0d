"""Parties: people, households, couples, organisations, the State."""

from __future__ import annotations

from cadastre.register.binding.call import Cursor, JsonValue, jsonb, one_value


def add_party(
    cur: Cursor,
    *,
    kind: str,
    name: str,
    members: JsonValue | None = None,
    personal: JsonValue | None = None,
    org_code: str | None = None,
) -> int:
    """cadastre.add_party: record a party (members of a group as [{party_id, role}], personal
    data as {id_number, birth_date, gender, address}); returns its id."""
    return one_value(
        cur,
        "SELECT cadastre.add_party(p_kind => %(kind)s, p_name => %(name)s, "
        "p_members => %(members)s, p_personal => %(personal)s, p_org_code => %(org_code)s)",
        {"kind": kind, "name": name, "members": jsonb(members), "personal": jsonb(personal),
         "org_code": org_code},
    )


def change_party(
    cur: Cursor,
    *,
    dossier_id: int,
    party_id: int,
    name: str | None = None,
    personal: JsonValue | None = None,
) -> None:
    """cadastre.change_party: a party's name or personal data changed within an approved
    dossier (history kept, audited)."""
    cur.execute(
        "SELECT cadastre.change_party(p_dossier_id => %(dossier_id)s, "
        "p_party_id => %(party_id)s, p_name => %(name)s, p_personal => %(personal)s)",
        {"dossier_id": dossier_id, "party_id": party_id, "name": name,
         "personal": jsonb(personal)},
    )
