"""Refusals of the register in the officer's words and as typed exceptions, chosen by
SQLSTATE and rule code only, never by the text of the database's message (pure: no QGIS)."""

from __future__ import annotations

import pytest
from cadastre_officer.logic.errors import (
    DatabaseFaultError,
    EditConflictError,
    PermissionRefusedError,
    RegisterError,
    RuleRefusedError,
    UnreachableError,
    error_type,
)
from cadastre_officer.logic.refusals import (
    NAMED_REFUSALS,
    layer_save_refusal,
    refusal,
    unreachable,
)


def test_a_database_refusal_is_chosen_by_its_sqlstate_not_its_text() -> None:
    bare = refusal({"sqlstate": "42501", "message": "permission denied for table dossier"},
                   "officer_lan")
    worded = refusal({"sqlstate": "42501", "message": "Role officer_lan may not edit parcel "
                      "00073/12/46 of commune 00073", "hint": "An administrator assigns…"},
                     "officer_lan")

    assert bare.sqlstate == worded.sqlstate == "42501"
    assert bare.plain.startswith("Tài khoản officer_lan không được phép")
    assert "Your account officer_lan is not allowed" in bare.plain
    assert "permission denied" not in bare.text and "permission denied" in bare.raw
    assert bare.hint is not None and bare.hint.startswith("Hãy nhờ quản trị viên")
    assert worded.plain.startswith("Tài khoản officer_lan") and "00073/12/46" in worded.plain
    assert worded.hint is not None
    assert worded.hint.startswith("Hãy nhờ quản trị viên")  # Vietnamese first…
    assert worded.hint.endswith("An administrator assigns…")  # …the database's own after


def test_an_english_only_refusal_is_worded_by_its_sqlstate_and_constraint() -> None:
    english = "Merge of 91001/1/4, 91001/1/5: the parcels have different holders or shares"
    error = refusal({"sqlstate": "23514", "constraint": "merge_same_holders",
                     "message": english, "hint": "Transfer the parcels to the same holders."})
    other = refusal({"sqlstate": "23514", "constraint": "merge_adjacent", "message": english})

    assert error.plain.startswith("Không gộp được: các thửa có người sử dụng")
    assert english not in error.text and english in error.raw  # the log keeps the English
    assert error.hint is not None
    assert error.hint.startswith("Chuyển các thửa cho cùng người sử dụng")
    assert other.plain.startswith("Không gộp được: các thửa không liền kề")  # by code alone
    for vi, en, hint_vi, hint_en in NAMED_REFUSALS.values():
        assert vi and en and hint_vi and hint_en and vi != en


@pytest.mark.parametrize(("state", "rule"), sorted(NAMED_REFUSALS))
def test_rewording_a_raise_never_changes_what_the_officer_reads(state: str, rule: str) -> None:
    said = [refusal({"sqlstate": state, "constraint": rule, "message": message}).text
            for message in ("Parcel 91001/1/5 overlaps", "permission denied", "")]

    assert said[0] == said[1] == said[2]


@pytest.mark.parametrize(("state", "kind"), [
    ("08006", UnreachableError), ("08001", UnreachableError), ("57P01", UnreachableError),
    ("42501", PermissionRefusedError), ("40001", EditConflictError),
    ("23514", RuleRefusedError), ("23P01", RuleRefusedError), ("23505", RuleRefusedError),
    ("22023", RuleRefusedError), ("42883", DatabaseFaultError), ("XX000", DatabaseFaultError),
    ("", DatabaseFaultError),
])
def test_the_exception_type_is_chosen_by_the_sqlstate(state: str,
                                                      kind: type[RegisterError]) -> None:
    error = refusal({"sqlstate": state, "message": "whatever the database says"})

    assert error_type(state) is kind and type(error) is kind
    assert isinstance(error, RegisterError) and error.sqlstate == state


def test_a_named_refusal_carries_its_rule() -> None:
    error = refusal({"sqlstate": "23514", "constraint": "dossier_approved", "message": "…"})

    assert isinstance(error, RuleRefusedError) and error.rule == "dossier_approved"
    assert error.plain.startswith("Hồ sơ chưa được duyệt")


def test_an_unreachable_register_is_said_in_both_languages_with_the_edits_kept() -> None:
    error = unreachable("could not connect to server: Connection refused")

    assert isinstance(error, UnreachableError)
    assert error.plain.startswith("Không kết nối được tới cơ sở dữ liệu sổ địa chính")
    assert "The register database cannot be reached" in error.plain
    assert error.hint is not None
    assert "vẫn còn trên lớp" in error.hint and "still on the layer" in error.hint


def test_a_refused_layer_save_is_explained_in_plain_words() -> None:
    raw = ("Error executing SQL UPDATE …: ERROR:  The parcel layer cannot be saved directly: "
           "every change to the register is made within an approved dossier\n"
           "DETAIL:  UPDATE on parcel 91001/1/21\nHINT:  In QGIS, choose a dossier…\n")

    error = layer_save_refusal(raw)

    assert error.plain.startswith("Không lưu trực tiếp được lớp thửa đất")
    assert "approved dossier" in error.plain and "Submit" in error.plain
    assert error.hint is not None
    assert error.hint.startswith("In QGIS") and error.raw == raw
