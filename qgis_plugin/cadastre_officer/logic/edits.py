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
`build_edits` is pure (plain values in, JSON-ready dicts out); `layer_snapshot` reads a layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..i18n import tr

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
            loaded = snapshot.loaded.get(fid)
            name = loaded_name(loaded) if loaded else str(fid)
            result.problems.append(tr(
                "Parcel {0} was deleted: a parcel is retired by a split, merge or acquisition "
                "dossier, not deleted. Undo the deletion.").format(name))
    return result


def loaded_name(state: ParcelState) -> str:
    """commune/sheet/number of a loaded parcel."""
    return f"{state.commune_code}/{state.sheet_number}/{state.parcel_number}"


# Reading a QGIS layer ------------------------------------------------------------------------


def _value(feature, name: str) -> Any:
    value = feature[name] if feature.fields().indexOf(name) >= 0 else None
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def feature_state(feature, srid: int) -> ParcelState:
    """A QGIS feature of the parcel layer as a ParcelState."""
    number = _value(feature, "parcel_number")
    area = _value(feature, "legal_area")
    parcel_id = _value(feature, "id")
    version = _value(feature, "version")
    geometry = feature.geometry()
    return ParcelState(
        fid=feature.id(),
        parcel_id=int(parcel_id) if parcel_id is not None else None,
        version=int(version) if version is not None else None,
        commune_code=_value(feature, "commune_code"),
        sheet_number=_value(feature, "sheet_number"),
        parcel_number=int(number) if number is not None else None,
        legal_area=float(area) if area is not None else None,
        land_use=_value(feature, "land_use"),
        geom=f"SRID={srid};{geometry.asWkt()}" if geometry and not geometry.isNull() else "",
    )


def loaded_states(layer, srid: int) -> dict[int, ParcelState]:
    """Every feature of the layer as the database gives it now: call when editing starts, so
    a colleague's later change is seen as a conflict rather than silently taken in."""
    return {feature.id(): feature_state(feature, srid)
            for feature in layer.dataProvider().getFeatures()}


def _geometry(state: ParcelState):
    from qgis.core import QgsGeometry

    return QgsGeometry.fromWkt(state.geom.split(";", 1)[-1])


def buffered_state(layer, fid: int, base: ParcelState | None, srid: int) -> ParcelState:
    """A changed feature as the edit buffer holds it over its loaded state: the buffer's
    geometry and attribute changes on top of what was loaded, so an unchanged geometry is
    never re-read from a database that may have gone away meanwhile."""
    if base is None:
        return feature_state(layer.getFeature(fid), srid)
    buffer = layer.editBuffer()
    geometry = buffer.changedGeometries().get(fid)
    state = base if geometry is None else replace(
        base, geom=f"SRID={srid};{geometry.asWkt()}" if not geometry.isNull() else "")
    values = {}
    for index, value in buffer.changedAttributeValues().get(fid, {}).items():
        name = layer.fields().at(index).name()
        if name in FIELD_TYPES:
            if value is None or (hasattr(value, "isNull") and value.isNull()):
                value = None
            values[name] = FIELD_TYPES[name](value) if value is not None else None
    return replace(state, **values) if values else state


FIELD_TYPES = {"commune_code": str, "sheet_number": str, "parcel_number": int,
               "legal_area": float, "land_use": str}


def layer_snapshot(layer, srid: int, loaded: dict[int, ParcelState] | None = None,
                   intents: Intents | None = None) -> Snapshot:
    """Read the edit buffer of the parcel layer against the state loaded when editing began
    (`loaded_states`; read from the database now when not given), with the officer's
    recorded intents first and the geometric inference only for the rest."""
    buffer = layer.editBuffer()
    snapshot = Snapshot()
    if buffer is None:
        return snapshot
    intents = intents or Intents()
    changed_ids = set(buffer.changedGeometries().keys()) | set(
        buffer.changedAttributeValues().keys())
    changed_ids -= set(buffer.addedFeatures().keys())
    deleted = list(buffer.deletedFeatureIds())
    wanted = changed_ids | set(deleted) | {p for p in intents.split_of.values() if p >= 0}
    if loaded is None:
        from qgis.core import QgsFeatureRequest

        request = QgsFeatureRequest().setFilterFids(list(wanted))
        loaded = {f.id(): feature_state(f, srid)
                  for f in layer.dataProvider().getFeatures(request)} if wanted else {}
    snapshot.loaded = {fid: loaded[fid] for fid in wanted if fid in loaded}
    for fid in changed_ids:
        snapshot.changed[fid] = buffered_state(layer, fid, snapshot.loaded.get(fid), srid)
    for fid, feature in buffer.addedFeatures().items():
        # An added feature has no parcel id yet, whatever QGIS filled the key with.
        snapshot.added[fid] = replace(feature_state(feature, srid), parcel_id=None,
                                      version=None)
    snapshot.deleted = deleted
    snapshot.merged_into = {**_merges(snapshot, intents), **_recorded_merges(snapshot, intents)}
    _attach_split_pieces(snapshot, intents)
    return snapshot


def _recorded_merges(snapshot: Snapshot, intents: Intents) -> dict[int, int]:
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


def _attach_split_pieces(snapshot: Snapshot, intents: Intents) -> None:
    """An added feature the officer split off a parcel is a piece of it; failing a recorded
    split, one lying inside a changed parcel's loaded geometry is (QGIS gives the new pieces
    a key of its own, so geometry tells the parent)."""
    targets = set(snapshot.merged_into.values())
    for fid, parent_fid in intents.split_of.items():
        parent = snapshot.loaded.get(parent_fid)
        if fid in snapshot.added and parent is not None and fid not in targets:
            snapshot.added[fid] = replace(snapshot.added[fid], parcel_id=parent.parcel_id,
                                          version=parent.version)
    parents = {fid: _geometry(snapshot.loaded[fid]) for fid in snapshot.changed
               if fid in snapshot.loaded and fid not in intents.corrected}
    for fid, state in list(snapshot.added.items()):
        if fid in targets or fid in intents.split_of:
            continue
        piece = _geometry(state)
        for parent_fid, geometry in parents.items():
            if piece.area() > 0 and \
                    geometry.intersection(piece).area() >= COVER_RATIO * piece.area():
                parent = snapshot.loaded[parent_fid]
                snapshot.added[fid] = replace(state, parcel_id=parent.parcel_id,
                                              version=parent.version)
                break


def _merges(snapshot: Snapshot, intents: Intents) -> dict[int, int]:
    """Deleted features lying inside a changed or added geometry were merged into it (the
    fallback for deletions no recorded merge explains)."""
    recorded = {f for group in intents.merges for f in group}
    targets = {fid: _geometry(s) for fid, s in {**snapshot.changed, **snapshot.added}.items()
               if fid not in intents.corrected and fid not in intents.split_of}
    merged: dict[int, int] = {}
    for fid in snapshot.deleted:
        if fid not in snapshot.loaded or fid in recorded:
            continue
        geometry = _geometry(snapshot.loaded[fid])
        for target, grown in targets.items():
            inside = grown.intersection(geometry).area()
            if geometry.area() > 0 and inside >= COVER_RATIO * geometry.area():
                merged[fid] = target
                break
    return merged
