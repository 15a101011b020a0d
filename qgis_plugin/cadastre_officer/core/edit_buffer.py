"""The parcel layer's edit buffer read as a `Snapshot` (loaded states, changes, additions,
deletions), with the officer's recorded intents first and QGIS's geometry telling the rest:
a deleted parcel lying 99 % inside a grown one was merged into it, an added piece lying 99 %
inside a changed parcel's old outline was split off it. `logic/edits.py` turns the snapshot
into edits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from qgis.core import QgsFeatureRequest, QgsGeometry

from ..logic.edits import (
    COVER_RATIO,
    FIELD_TYPES,
    Intents,
    ParcelState,
    Snapshot,
    attach_recorded_pieces,
    recorded_merges,
)


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


def state_geometry(state: ParcelState) -> QgsGeometry:
    """A state's geometry (its EWKT without the SRID prefix)."""
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
    snapshot.merged_into = {**_merges(snapshot, intents), **recorded_merges(snapshot, intents)}
    _attach_split_pieces(snapshot, intents)
    return snapshot


def _attach_split_pieces(snapshot: Snapshot, intents: Intents) -> None:
    """An added feature the officer split off a parcel is a piece of it; failing a recorded
    split, one lying inside a changed parcel's loaded geometry is (QGIS gives the new pieces
    a key of its own, so geometry tells the parent)."""
    attach_recorded_pieces(snapshot, intents)
    targets = set(snapshot.merged_into.values())
    parents = {fid: state_geometry(snapshot.loaded[fid]) for fid in snapshot.changed
               if fid in snapshot.loaded and fid not in intents.corrected}
    for fid, state in list(snapshot.added.items()):
        if fid in targets or fid in intents.split_of:
            continue
        piece = state_geometry(state)
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
    targets = {fid: state_geometry(s)
               for fid, s in {**snapshot.changed, **snapshot.added}.items()
               if fid not in intents.corrected and fid not in intents.split_of}
    merged: dict[int, int] = {}
    for fid in snapshot.deleted:
        if fid not in snapshot.loaded or fid in recorded:
            continue
        geometry = state_geometry(snapshot.loaded[fid])
        for target, grown in targets.items():
            inside = grown.intersection(geometry).area()
            if geometry.area() > 0 and inside >= COVER_RATIO * geometry.area():
                merged[fid] = target
                break
    return merged
