"""The edit buffer's snapshot turned into the edits check_edit and submit_edits read (pure:
no QGIS)."""

from __future__ import annotations

from cadastre_officer.logic.edits import (
    Intents,
    ParcelState,
    Snapshot,
    attach_recorded_pieces,
    build_edits,
    recorded_merges,
)

SRID = 5897
SQUARE = "POLYGON((0 0,20 0,20 20,0 20,0 0))"
WEST = "POLYGON((0 0,10 0,10 20,0 20,0 0))"
EAST = "POLYGON((10 0,20 0,20 20,10 20,10 0))"


def state(fid: int, parcel_id: int | None, wkt: str, number: int | None = 5,
          **extra: object) -> ParcelState:
    """A parcel layer feature of sheet 00070/12 (version 3 when it has an id)."""
    values: dict = {"version": 3 if parcel_id else None, "commune_code": "00070",
                    "sheet_number": "12", "parcel_number": number, "legal_area": 400.0,
                    "land_use": "ODT", **extra}
    return ParcelState(fid=fid, parcel_id=parcel_id, geom=f"SRID={SRID};{wkt}", **values)


def test_a_moved_boundary_is_an_edit_of_the_parcel_at_its_loaded_version() -> None:
    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                        changed={1: state(1, 41, WEST, version=4)})

    result = build_edits(snapshot)

    assert result.edits == [{"parcel_id": 41, "version": 3, "geom": f"SRID={SRID};{WEST}",
                             "commune_code": "00070", "sheet_number": "12",
                             "parcel_number": 5, "legal_area": 400.0, "land_use": "ODT"}]
    assert result.problems == []


def test_a_split_sends_every_piece_as_a_child_numbered_by_the_register() -> None:
    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                        changed={1: state(1, 41, WEST)},
                        added={-1: state(-1, 41, EAST)})

    result = build_edits(snapshot)

    assert [(e["split_of"], e["versions"], e["parcel_number"], e["legal_area"])
            for e in result.edits] == [(41, {"41": 3}, None, None)] * 2
    assert all(e["parcel_id"] is None for e in result.edits)
    assert result.fids == [[1], [-1]]


def test_a_merge_replaces_the_swallowed_parcels_with_their_versions() -> None:
    snapshot = Snapshot(loaded={1: state(1, 41, WEST), 2: state(2, 42, EAST, number=6)},
                        changed={1: state(1, 41, SQUARE)}, deleted=[2], merged_into={2: 1})

    (edit,) = build_edits(snapshot).edits

    assert edit["replaces"] == [41, 42] and edit["versions"] == {"41": 3, "42": 3}
    assert edit["parcel_id"] is None and edit["parcel_number"] is None


def test_a_new_feature_is_a_new_parcel_of_the_commune() -> None:
    snapshot = Snapshot(added={-1: state(-1, None, SQUARE, commune_code=None, number=None)})

    (edit,) = build_edits(snapshot, default_commune="00073").edits

    assert edit["parcel_id"] is None and edit["commune_code"] == "00073"
    assert "split_of" not in edit and "replaces" not in edit


def test_deleting_a_parcel_is_not_sent_and_says_why() -> None:
    result = build_edits(Snapshot(loaded={1: state(1, 41, SQUARE)}, deleted=[1]))

    assert result.edits == []
    assert "00070/12/5" in result.problems[0] and "retired" in result.problems[0]


def test_a_recorded_merge_sends_the_deleted_parcels_into_the_survivor() -> None:
    snapshot = Snapshot(loaded={1: state(1, 41, WEST), 2: state(2, 42, EAST, number=6)},
                        changed={1: state(1, 41, SQUARE)}, deleted=[2])

    snapshot.merged_into = recorded_merges(snapshot, Intents(merges=[[1, 2]]))

    assert snapshot.merged_into == {2: 1}
    assert build_edits(snapshot).edits[0]["replaces"] == [41, 42]
    assert recorded_merges(snapshot, Intents()) == {}  # nothing recorded: nothing said


def test_a_recorded_split_piece_carries_its_parent_wherever_it_lies() -> None:
    far = "POLYGON((100 100,110 100,110 110,100 110,100 100))"  # nowhere near the parent
    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)}, changed={1: state(1, 41, WEST)},
                        added={-1: state(-1, None, far, number=None)})

    attach_recorded_pieces(snapshot, Intents(split_of={-1: 1}))

    assert (snapshot.added[-1].parcel_id, snapshot.added[-1].version) == (41, 3)
    assert [e["split_of"] for e in build_edits(snapshot).edits] == [41, 41]
