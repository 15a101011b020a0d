"""Bulk registration of staged parcels (file imports, the sample ward's first registrations)."""

from __future__ import annotations

from typing import Any

from cadastre.register.binding.call import Cursor, one_value


def register_staged(
    cur: Cursor, *, batch_id: int, dossier_id: int, repair: bool = False
) -> dict[str, Any]:
    """cadastre.register_staged: register a staged batch set by set, quarantining what breaks
    a rule; returns the outcome counts."""
    return one_value(
        cur,
        "SELECT cadastre.register_staged(p_batch_id => %(batch_id)s, "
        "p_dossier_id => %(dossier_id)s, p_repair => %(repair)s)",
        {"batch_id": batch_id, "dossier_id": dossier_id, "repair": repair},
    )
