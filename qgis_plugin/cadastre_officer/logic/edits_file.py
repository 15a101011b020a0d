"""Pending edits kept in a file (format `cadastre-officer-edits/1`) while the register is out
of reach: the parcels as loaded (with their versions), what changed, what was added or
deleted, and the officer's recorded split, merge and correction actions. Features are named
by parcel id (loaded ones) or by their buffer id (added ones), so the file comes back onto a
fresh layer."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .edits import Intents, Snapshot
from .errors import InputError
from .i18n import both
from .submission import Dossier

EDITS_FORMAT = "cadastre-officer-edits/1"


def edits_document(snapshot: Snapshot, intents: Intents, commune: str,
                   dossier: Dossier | None) -> dict[str, Any]:
    """The session's pending edits as the file holds them."""
    def ref(fid: int) -> dict[str, Any]:
        state = snapshot.loaded.get(fid)
        return {"parcel_id": state.parcel_id} if state is not None else {"added": fid}

    return {
        "format": EDITS_FORMAT, "commune": commune,
        "dossier": asdict(dossier) if dossier else None,
        "loaded": [asdict(s) for s in snapshot.loaded.values()],
        "changed": [asdict(s) for s in snapshot.changed.values()],
        "added": [asdict(s) for s in snapshot.added.values()],
        "deleted": [snapshot.loaded[f].parcel_id for f in snapshot.deleted
                    if f in snapshot.loaded],
        "split_of": [[ref(f), ref(p)] for f, p in intents.split_of.items()],
        "merges": [[ref(f) for f in group] for group in intents.merges],
        "corrected": [ref(f) for f in intents.corrected],
    }


def edits_count(document: dict[str, Any]) -> int:
    """How many features the file's edits touch (changed, added, deleted)."""
    return len(document["changed"]) + len(document["added"]) + len(document["deleted"])


def read_edits_document(text: str, commune: str, source: str) -> dict[str, Any]:
    """A file's saved edits of this commune; anything else is refused in plain words."""
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("format") != EDITS_FORMAT \
            or document.get("commune") != commune:
        raise InputError(both(
            "Tệp này không phải các thay đổi đã lưu của xã/phường này.",
            "This file does not hold saved edits of this commune."), source)
    return document


def restored_intents(document: dict[str, Any], fid_of: dict[str, int]) -> Intents:
    """The recorded actions of a file, on the features they were restored as (`fid_of`:
    "p<parcel id>" or "a<saved buffer id>" → the feature id on the layer now)."""
    def fid(ref: dict[str, Any]) -> int:
        return fid_of[f"p{ref['parcel_id']}" if "parcel_id" in ref else f"a{ref['added']}"]

    return Intents(split_of={fid(a): fid(b) for a, b in document["split_of"]},
                   merges=[[fid(r) for r in group] for group in document["merges"]],
                   corrected={fid(r) for r in document["corrected"]})
