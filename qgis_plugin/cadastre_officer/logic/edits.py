"""The parcel layer's edit buffer as the edits `cadastre.check_edit` and
`cadastre.submit_edits` read (one JSON format for both).

QGIS's own tools leave these traces in the buffer, which `build_edits` turns into edits:
- move vertices / reshape: a changed feature               → {"parcel_id", "version", …}
- split features: the changed original plus added features
  carrying the same parcel id (QGIS copies attributes)      → children {"split_of", …}
- merge features: one changed (or added) feature covering
  the deleted ones                                          → {"replaces": [...], …}
- add feature: an added feature without a parcel id         → a new parcel
The officer's own action says what an edit is when it was recorded (`Intents`: a split, a
merge or a boundary correction, recorded with the buffer by the plugin's actions); the 0.99
cover-ratio inference is only the fallback for edits made without one.
`build_edits` is pure (plain values in, JSON-ready dicts out); `core/edit_buffer.py` reads the
layer's buffer into a `Snapshot`, with the geometric inference that needs QGIS's geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .i18n import tr

COVER_RATIO = 0.99  # a deleted parcel lying this much inside a merged geometry was merged in


@dataclass(frozen=True)
class ParcelState:
    """One feature of the parcel layer: its attributes and geometry (EWKT)."""

    fid: int
    parcel_id: int | None
    version: int | None
    commune_code: str | None
    sheet_number: str | None
    parcel_number: int | None
    legal_area: float | None
    land_use: str | None
    geom: str


@dataclass
class Snapshot:
    """What changed in an edit session: loaded and current states, additions, deletions."""

    loaded: dict[int, ParcelState] = field(default_factory=dict)
    changed: dict[int, ParcelState] = field(default_factory=dict)
    added: dict[int, ParcelState] = field(default_factory=dict)
    deleted: list[int] = field(default_factory=list)
    merged_into: dict[int, int] = field(default_factory=dict)


@dataclass
class Intents:
    """What the officer said their edits are (feature ids of the edit buffer): pieces split
    off a parent, merge groups, and features whose change is a boundary correction."""

    split_of: dict[int, int] = field(default_factory=dict)
    merges: list[list[int]] = field(default_factory=list)
    corrected: set[int] = field(default_factory=set)

    def forget(self) -> None:
        """Drop every recorded intent (the buffer was saved, submitted or discarded)."""
        self.split_of.clear()
        self.merges.clear()
        self.corrected.clear()


@dataclass
class EditSet:
    """The edits to check or submit, which feature each came from, and what cannot be sent."""

    edits: list[dict[str, Any]] = field(default_factory=list)
    fids: list[list[int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _attributes(state: ParcelState) -> dict[str, Any]:
    return {"geom": state.geom, "commune_code": state.commune_code,
            "sheet_number": state.sheet_number, "parcel_number": state.parcel_number,
            "legal_area": state.legal_area, "land_use": state.land_use}


def _child(piece: ParcelState, parent: ParcelState) -> dict[str, Any]:
    """A split child: number and legal area copied from the parent are left to the register."""
    edit = {"parcel_id": None, "split_of": parent.parcel_id,
            "versions": {str(parent.parcel_id): parent.version}, **_attributes(piece)}
    if piece.parcel_number == parent.parcel_number:
        edit["parcel_number"] = None
    if piece.legal_area == parent.legal_area:
        edit["legal_area"] = None
    return edit


def build_edits(snapshot: Snapshot, default_commune: str | None = None) -> EditSet:
    """Turn an edit session into check_edit/submit_edits edits (and what cannot be sent)."""
    result = EditSet()
    loaded_by_parcel = {s.parcel_id: s for s in snapshot.loaded.values()
                        if s.parcel_id is not None}
    merged_targets: dict[int, list[int]] = {}
    for deleted, target in snapshot.merged_into.items():
        merged_targets.setdefault(target, []).append(deleted)
    used: set[int] = set()

    # Merges: a changed or added feature that swallowed deleted ones.
    for target, swallowed in sorted(merged_targets.items()):
        state = snapshot.changed.get(target) or snapshot.added.get(target)
        if state is None:
            continue
        parents = [snapshot.loaded[f] for f in ([target] if target in snapshot.loaded else [])]
        parents += [snapshot.loaded[f] for f in sorted(swallowed) if f in snapshot.loaded]
        ids = [p.parcel_id for p in parents]
        edit = {"parcel_id": None, "replaces": ids,
                "versions": {str(p.parcel_id): p.version for p in parents}, **_attributes(state)}
        if state.parcel_number in {p.parcel_number for p in parents}:
            edit["parcel_number"] = None
        edit["legal_area"] = None
        result.edits.append(edit)
        result.fids.append([target, *sorted(swallowed)])
        used.update([target, *swallowed])

    # Splits: added features carrying the parcel id of a feature that is still there.
    pieces: dict[int, list[ParcelState]] = {}
    for fid, state in sorted(snapshot.added.items(), reverse=True):
        if fid in used or state.parcel_id is None or state.parcel_id not in loaded_by_parcel:
            continue
        pieces.setdefault(state.parcel_id, []).append(state)
    for parcel_id, added in pieces.items():
        parent = loaded_by_parcel[parcel_id]
        if parent.fid in snapshot.deleted:
            continue
        current = snapshot.changed.get(parent.fid)
        kept = [current] if current is not None else []
        for piece in kept + added:
            result.edits.append(_child(piece, parent))
            result.fids.append([piece.fid])
            used.add(piece.fid)
        used.add(parent.fid)

    # Boundary corrections and attribute edits of a parcel.
    for fid, state in sorted(snapshot.changed.items()):
        if fid in used:
            continue
        loaded = snapshot.loaded.get(fid, state)
        result.edits.append({"parcel_id": loaded.parcel_id, "version": loaded.version,
                             **_attributes(state)})
        result.fids.append([fid])

    # New parcels.
    for fid, state in sorted(snapshot.added.items(), reverse=True):
        if fid in used:
            continue
        edit = {"parcel_id": None, **_attributes(state)}
        edit["commune_code"] = state.commune_code or default_commune
        result.edits.append(edit)
        result.fids.append([fid])

    for fid in sorted(snapshot.deleted):
        if fid not in snapshot.merged_into:
            gone = snapshot.loaded.get(fid)
            name = loaded_name(gone) if gone else str(fid)
            result.problems.append(tr(
                "Parcel {0} was deleted: a parcel is retired by a split, merge or acquisition "
                "dossier, not deleted. Undo the deletion.").format(name))
    return result


def loaded_name(state: ParcelState) -> str:
    """commune/sheet/number of a loaded parcel."""
    return f"{state.commune_code}/{state.sheet_number}/{state.parcel_number}"




# Attribute types of the parcel layer's editable fields.
FIELD_TYPES: dict[str, type] = {"commune_code": str, "sheet_number": str, "parcel_number": int,
                                "legal_area": float, "land_use": str}


def recorded_merges(snapshot: Snapshot, intents: Intents) -> dict[int, int]:
    """Deleted features of a recorded merge group go into the group's surviving feature."""
    merged: dict[int, int] = {}
    for group in intents.merges:
        survivors = [f for f in group if f not in snapshot.deleted
                     and (f in snapshot.changed or f in snapshot.added)]
        if not survivors:
            continue
        for fid in group:
            if fid in snapshot.deleted and fid in snapshot.loaded:
                merged[fid] = survivors[0]
    return merged


def attach_recorded_pieces(snapshot: Snapshot, intents: Intents) -> None:
    """An added feature the officer split off a parcel is a piece of it (it carries the
    parent's id and version), wherever its vertices were moved afterwards."""
    targets = set(snapshot.merged_into.values())
    for fid, parent_fid in intents.split_of.items():
        parent = snapshot.loaded.get(parent_fid)
        if fid in snapshot.added and parent is not None and fid not in targets:
            snapshot.added[fid] = replace(snapshot.added[fid], parcel_id=parent.parcel_id,
                                          version=parent.version)
