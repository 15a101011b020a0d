"""Pending edits kept in a file while the register is away: written with the recorded
actions, read back only when they are this commune's (pure: no QGIS)."""

from __future__ import annotations

import json

import pytest
from cadastre_officer.logic.edits import Intents, Snapshot
from cadastre_officer.logic.edits_file import (
    EDITS_FORMAT,
    edits_count,
    edits_document,
    read_edits_document,
    restored_intents,
)
from cadastre_officer.logic.errors import InputError
from cadastre_officer.logic.submission import Dossier

from .test_edits import EAST, SQUARE, WEST, state


def test_a_split_is_saved_with_its_recorded_action_and_comes_back_on_new_features() -> None:
    snapshot = Snapshot(loaded={1: state(1, 41, SQUARE)}, changed={1: state(1, 41, WEST)},
                        added={-7: state(-7, 41, EAST)})
    intents = Intents(split_of={-7: 1}, corrected={1})

    document = edits_document(snapshot, intents, "00070", Dossier(5, "HS-1", "split"))
    text = json.dumps(document)
    back = read_edits_document(text, "00070", "edits.json")
    restored = restored_intents(back, {"p41": 12, "a-7": -1})

    assert back["format"] == EDITS_FORMAT and back["dossier"]["number"] == "HS-1"
    assert back["split_of"] == [[{"added": -7}, {"parcel_id": 41}]]
    assert (restored.split_of, restored.corrected) == ({-1: 12}, {12})
    assert edits_count(back) == 2


@pytest.mark.parametrize("text", [
    "not json at all", "[1, 2]", json.dumps({"format": "other/1", "commune": "00070"}),
    json.dumps({"format": EDITS_FORMAT, "commune": "91001"}),
])
def test_a_file_that_is_not_this_communes_saved_edits_is_refused_in_words(text: str) -> None:
    with pytest.raises(InputError) as refused:
        read_edits_document(text, "00070", "edits.json")

    assert refused.value.plain.startswith("Tệp này không phải các thay đổi đã lưu")
    assert "This file does not hold saved edits of this commune." in refused.value.plain
    assert refused.value.raw == "edits.json"
