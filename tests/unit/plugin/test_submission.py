"""What the officer reads about a submission: a refusal told by its code, the checks' own
first error when the register names no rule, who changed a parcel in a conflict; and what an
account may do (pure: no QGIS)."""

from __future__ import annotations

from cadastre_officer.logic.account import Account, Commune
from cadastre_officer.logic.issues import Issue
from cadastre_officer.logic.submission import (
    Dossier,
    SubmitResult,
    describe_failure,
    loaded_versions,
)

OVERLAP = Issue("overlap", "error", "91001/1/5", "91001/1/6", "Thửa chồng lấn",
                "The parcel overlaps")


def test_a_conflict_names_who_changed_the_parcel_from_the_audit_trail() -> None:
    result = SubmitResult("conflict", sqlstate="40001", changed_by=[
        {"ref": "91001/1/21", "version": 2, "db_role": "officer_lan",
         "app_user": "Nguyễn Thị Lan", "at": "2026-03-02 09:14", "dossier": "HS-A"}])

    vietnamese, english = describe_failure(result).split("\n")[0].split(" — ")

    assert vietnamese == ("Một đồng nghiệp đã sửa thửa đất sau khi bạn tải về. Thửa 91001/1/21 "
                          "đã được Nguyễn Thị Lan (tài khoản officer_lan) sửa lúc "
                          "2026-03-02 09:14, hồ sơ HS-A.")
    assert english.startswith("A colleague changed a parcel after you loaded it.")


def test_a_refusal_for_the_edits_own_errors_is_told_by_the_checks_first_error() -> None:
    result = SubmitResult("refused", "1 error(s) in the edits; …", sqlstate="23514",
                          issues=[Issue("spike", "warning"), OVERLAP],
                          diag={"sqlstate": "23514", "constraint": "edit_errors",
                                "message": "1 error(s) in the edits; …"})

    text = describe_failure(result)

    assert text.startswith("Sổ địa chính từ chối: Thửa chồng lấn — The register refused: "
                           "The parcel overlaps")


def test_a_refusal_naming_its_rule_is_told_by_the_rule_not_the_checks() -> None:
    result = SubmitResult("refused", "Merge of …", sqlstate="23514", issues=[OVERLAP],
                          diag={"sqlstate": "23514", "constraint": "merge_adjacent",
                                "message": "Merge of …"})

    assert describe_failure(result).startswith("Không gộp được: các thửa không liền kề")


def test_unacknowledged_warnings_are_told_by_their_rule_code_not_the_english_text() -> None:
    result = SubmitResult("refused", "reworded", sqlstate="23514", issues=[OVERLAP],
                          diag={"sqlstate": "23514", "constraint": "edit_warnings",
                                "message": "anything the SQL says"})

    assert describe_failure(result).startswith("Còn cảnh báo chưa được xác nhận")


def test_a_refusal_of_the_plugin_itself_is_told_as_it_was_said() -> None:
    result = SubmitResult("refused", "There are no edits to submit.")

    assert describe_failure(result) == "There are no edits to submit."


def test_the_versions_an_edit_was_made_on_are_those_it_carries() -> None:
    edits = [{"parcel_id": 41, "version": 3}, {"parcel_id": None, "versions": {"42": 1}},
             {"parcel_id": None, "split_of": 41, "versions": {"41": 3}}]

    assert loaded_versions(edits) == {41: 3, 42: 1}


def test_a_listed_dossier_is_read_with_its_status() -> None:
    item = {"id": "12", "number": "HS-1", "kind": "split", "legal_basis": None,
            "status": "received"}

    assert Dossier.from_json(item) == Dossier(12, "HS-1", "split", None, "received")
    assert Dossier.from_json({"id": 3, "number": "HS-2", "kind": "sale"}).status == "approved"


def test_an_account_says_what_it_may_do_in_both_languages() -> None:
    officer = Account.from_json({"login": "officer_lan", "kind": "officer",
                                 "communes": [{"code": "91001", "name": "Phường 1"}]})
    nobody = Account("guest", None, [])

    assert officer.communes == [Commune("91001", "Phường 1")]
    assert officer.describe() == ("Tài khoản officer_lan: cán bộ địa chính, được sửa xã/phường "
                                  "91001. — Account officer_lan: officer, may edit communes "
                                  "91001.")
    assert "no group" in nobody.describe()
    assert "may edit no commune" in Account("a", "approver", []).describe()
