"""The parcel panel's page rendered from `cadastre.parcel_record`'s JSON (pure: no QGIS)."""

from __future__ import annotations

from cadastre_officer.logic.parcel_record import render_parcel

RECORD = {
    "as_of": "2020-06-30",
    "parcel": {"ref": "91001/1/5", "status": "current", "version": 2, "legal_area": 120.5,
               "measured_area": 120.4, "land_uses": [{"code": "ODT", "area": 120.5,
                                                      "form": "private", "term_end": None}],
               "old_identifiers": [{"commune_code": "00070", "sheet_number": "3",
                                    "parcel_number": 9, "until": "2025-07-01"}]},
    "rights": [{"kind_vi": "Quyền sử dụng đất", "kind_en": "Land-use right",
                "from": "2019-01-02", "until": None,
                "holders": [{"name": "Nguyễn Văn An", "share": "1/2"},
                            {"name": "Trần Thị Bình", "share": "1/2"}]}],
    "restrictions": [{"kind_vi": "Thế chấp", "kind_en": "Mortgage", "creditor": "Ngân hàng A",
                      "from": "2020-01-01", "until": None}],
    "certificates": [{"serial": "CS-OLD", "book_number": "B1", "issued_on": "2015-01-01",
                      "in_force": False},
                     {"serial": "CS-NEW", "book_number": "B2", "issued_on": "2019-01-02",
                      "in_force": True}],
    "timeline": [{"on_date": "2019-01-02", "dossier_number": "HS-9", "kind_vi": "Chuyển nhượng",
                  "kind_en": "Sale"}],
    "lineage": [{"relation": "ancestor", "ref": "91001/1/2", "kind": "split",
                 "dossier_number": "HS-1", "status": "retired"}],
}


def test_the_page_shows_each_holder_the_restrictions_and_the_certificate_in_force() -> None:
    page = render_parcel(RECORD, vietnamese=False)

    assert "<h3>91001/1/5</h3><p>As of 2020-06-30 · status: current · version 2</p>" in page
    assert "<td>Land-use right</td><td>Nguyễn Văn An</td><td>1/2</td>" in page
    assert "<td>Land-use right</td><td>Trần Thị Bình</td><td>1/2</td>" in page
    assert "<td>Mortgage</td><td>Ngân hàng A</td>" in page
    assert "CS-NEW" in page and "CS-OLD" not in page  # only the certificate in force then
    assert "00070/3/9 (until 2025-07-01)" in page
    assert "<td>ancestor</td><td>91001/1/2</td><td>split</td>" in page


def test_kinds_are_named_in_the_interface_language() -> None:
    page = render_parcel(RECORD, vietnamese=True)

    assert "Quyền sử dụng đất" in page and "Thế chấp" in page and "Chuyển nhượng" in page
    assert "Land-use right" not in page


def test_a_parcel_the_register_did_not_hold_then_says_so() -> None:
    page = render_parcel({**RECORD, "parcel": None}, vietnamese=False)

    assert "no version of this parcel" in page and "As of 2020-06-30" in page


def test_a_right_without_a_named_holder_still_shows() -> None:
    record = {**RECORD, "rights": [{**RECORD["rights"][0], "holders": None}]}

    assert "<td>Land-use right</td><td></td><td></td><td>2019-01-02</td>" in render_parcel(
        record, vietnamese=False)
