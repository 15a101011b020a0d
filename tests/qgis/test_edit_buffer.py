"""Reading the edit buffer where QGIS's geometry decides: a recorded split keeps a piece that
was pushed past its parent's outline, a recorded correction is never taken for a merge."""

from __future__ import annotations

from tests.unit.plugin.test_edits import EAST, SQUARE, WEST, state


def test_a_recorded_split_keeps_a_piece_moved_into_the_neighbour() -> None:
    from cadastre_officer.core.edit_buffer import _attach_split_pieces
    from cadastre_officer.logic.edits import Intents, Snapshot, build_edits

    # The east piece was pushed 3 m past the parent's boundary: it no longer lies 99 % inside.
    moved = "POLYGON((10 0,23 0,23 20,10 20,10 0))"
    for intents, split in ((Intents(split_of={-1: 1}), True), (Intents(), False)):
        snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)},
                            changed={1: state(1, 41, WEST)},
                            added={-1: state(-1, None, moved, number=None)})
        _attach_split_pieces(snapshot, intents)
        edits = build_edits(snapshot).edits
        assert [e.get("split_of") for e in edits] == ([41, 41] if split else [None, None])


def test_a_recorded_correction_is_never_taken_for_a_merge() -> None:
    from cadastre_officer.core.edit_buffer import _merges
    from cadastre_officer.logic.edits import Intents, Snapshot

    snapshot = Snapshot(loaded={1: state(1, 41, WEST), 2: state(2, 42, EAST, number=6)},
                        changed={1: state(1, 41, SQUARE)}, deleted=[2])

    assert _merges(snapshot, Intents()) == {2: 1}  # the fallback guesses a merge
    assert _merges(snapshot, Intents(corrected={1})) == {}
