"""Issues of the checks as values: the message in the interface language, the tick's name,
errors before warnings (pure: no QGIS)."""

from __future__ import annotations

from cadastre_officer.logic.issues import ISSUE_FIELDS, Issue, errors_first, issues_from_json

OVERLAP = {"rule": "overlap", "severity": "error", "parcel_ref": "91001/1/5",
           "other_ref": "91001/1/6", "message_vi": "Thửa chồng lấn thửa 91001/1/6",
           "message_en": "The parcel overlaps 91001/1/6", "location": "SRID=5897;POINT(1 2)"}
SPIKE = {"rule": "spike", "severity": "warning", "parcel_ref": "91001/1/5",
         "other_ref": None, "message_vi": None, "message_en": "A spike", "location": None}


def test_an_issue_is_read_from_the_registers_json() -> None:
    (issue,) = issues_from_json([OVERLAP])

    assert issue == Issue("overlap", "error", "91001/1/5", "91001/1/6",
                          "Thửa chồng lấn thửa 91001/1/6", "The parcel overlaps 91001/1/6",
                          "SRID=5897;POINT(1 2)")
    assert issue.is_error and not issue.is_warning
    assert [issue.field(name) for name in ISSUE_FIELDS] == [OVERLAP[n] for n in ISSUE_FIELDS]


def test_the_message_follows_the_interface_language_and_falls_back_to_the_other() -> None:
    overlap, spike = issues_from_json([OVERLAP, SPIKE])

    assert overlap.message(vietnamese=True) == "Thửa chồng lấn thửa 91001/1/6"
    assert overlap.message(vietnamese=False) == "The parcel overlaps 91001/1/6"
    assert spike.message(vietnamese=True) == "A spike"  # no Vietnamese: the English


def test_a_ticked_warning_is_named_rule_and_parcel_as_submit_edits_expects() -> None:
    (spike,) = issues_from_json([SPIKE])

    assert spike.acknowledgement == "spike:91001/1/5"
    assert Issue("area_tolerance", "warning").acknowledgement == "area_tolerance:"


def test_errors_come_before_warnings_each_by_rule() -> None:
    issues = [Issue("spike", "warning"), Issue("overlap", "error"), Issue("area", "warning"),
              Issue("hole", "error")]

    assert [i.rule for i in errors_first(issues)] == ["hole", "overlap", "area", "spike"]


def test_what_the_plugin_cannot_send_is_an_error_in_the_officers_words() -> None:
    issue = Issue.local("Parcel 00070/12/5 was deleted")

    assert issue.is_error and issue.rule == "edit_not_supported"
    assert issue.message(vietnamese=True) == issue.message(vietnamese=False)
