"""Submitting an officer's edits (the QGIS plugin's buffer) for one dossier, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadastre.register.binding.call import Cursor, JsonValue, dict_rows, jsonb, one_value


def submit_edits(
    cur: Cursor, *, dossier_id: int, edits: JsonValue, acknowledged: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """cadastre.submit_edits: check and apply edits (corrections, splits, merges, new
    parcels); returns what each edit did (edit_n, action, parcel_id, ref)."""
    return dict_rows(
        cur,
        "SELECT * FROM cadastre.submit_edits(p_dossier_id => %(dossier_id)s, "
        "p_edits => %(edits)s, p_acknowledged => %(acknowledged)s::text[])",
        {"dossier_id": dossier_id, "edits": jsonb(edits), "acknowledged": list(acknowledged)},
    )


def submit_edits_report(
    cur: Cursor, *, dossier_id: int, edits: JsonValue, acknowledged: Sequence[str] = ()
) -> dict[str, Any]:
    """cadastre.submit_edits_report: submit_edits answered as JSON (done, or the issues that
    refused it) for clients that cannot read a raised error's parts."""
    return one_value(
        cur,
        "SELECT cadastre.submit_edits_report(p_dossier_id => %(dossier_id)s, "
        "p_edits => %(edits)s, p_acknowledged => %(acknowledged)s::text[])",
        {"dossier_id": dossier_id, "edits": jsonb(edits), "acknowledged": list(acknowledged)},
    )
