"""The export's field table, shapefile names, land-use flattening and long-text rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from cadastre.export.fields import (
    FIELDS,
    SHAPEFILE_NAME_LENGTH,
    columns,
    fit_text,
    flatten_land_uses,
    mapping_rows,
    old_refs_text,
    record,
    selected_fields,
)


def test_shapefile_names_fit_ten_characters_and_are_unique_ignoring_case() -> None:
    shorts = [f.short for f in FIELDS]
    assert all(len(s) <= SHAPEFILE_NAME_LENGTH for s in shorts)
    assert len({s.lower() for s in shorts}) == len(shorts)
    assert len({f.name for f in FIELDS}) == len(FIELDS)


def test_text_widths_fit_a_dbase_field() -> None:
    assert all(1 <= f.width <= 254 for f in FIELDS if f.kind == "text")


def test_shapefile_names_match_what_the_vn_standard_import_reads() -> None:
    short = {f.name: f.short for f in FIELDS}
    assert (short["commune_code"], short["sheet_number"], short["parcel_number"],
            short["land_use"], short["legal_area"], short["address"], short["holders"]) == (
        "MaXa", "SoTo", "SoThua", "LoaiDat", "DienTich", "DiaChi", "ChuSuDung")


def test_optional_groups_add_their_fields_and_personal_data_only_when_asked() -> None:
    plain = {f.name for f in selected_fields(False, False, False)}
    assert not plain & {"holders", "rights", "holder_ids"}
    assert "holders" in {f.name for f in selected_fields(True, False, False)}
    assert "restrictions" in {f.name for f in selected_fields(False, True, False)}
    assert "holder_ids" not in {f.name for f in selected_fields(True, True, False)}
    assert "holder_ids" in {f.name for f in selected_fields(True, False, True)}


def test_mapping_rows_give_each_shapefile_name_with_its_field() -> None:
    rows = mapping_rows(selected_fields(True, False, False))
    assert {"shapefile_field": "ChuSuDung", "field": "holders", "type": "text",
            "description": rows[[r["field"] for r in rows].index("holders")]["description"]
            } in rows


def test_land_uses_flatten_largest_area_first_with_unknown_areas_last() -> None:
    flat = flatten_land_uses([{"code": "CLN", "area": 40.0}, {"code": "ODT", "area": 60.0},
                              {"code": "NTS", "area": None}])
    assert flat == {"land_use": "ODT+CLN+NTS", "land_use_areas": "60.0+40.0+?",
                    "main_land_use": "ODT", "land_use_count": 3}


def test_equal_areas_keep_the_sources_order_and_no_purpose_gives_nulls() -> None:
    assert flatten_land_uses([{"code": "ODT", "area": 50}, {"code": "CLN", "area": 50}])[
        "land_use"] == "ODT+CLN"
    # issue 19: an imported 'ODT+CLN' (areas unknown) keeps its principal use first
    flat = flatten_land_uses([{"code": "ODT", "area": None}, {"code": "CLN", "area": None}])
    assert (flat["land_use"], flat["main_land_use"]) == ("ODT+CLN", "ODT")
    assert flatten_land_uses([]) == {"land_use": None, "land_use_areas": None,
                                     "main_land_use": None, "land_use_count": 0}


def test_old_identifiers_read_as_refs_with_their_end_date() -> None:
    assert old_refs_text([
        {"commune_code": "00070", "sheet_number": "5", "parcel_number": 12,
         "until": "2020-01-01"},
        {"commune_code": "00073", "sheet_number": "2", "parcel_number": 3},
    ]) == "00070/5/12 (until 2020-01-01); 00073/2/3"
    assert old_refs_text([]) is None


def test_fit_text_cuts_at_a_character_boundary_within_the_byte_limit() -> None:
    text = "Đường Nguyễn Thị Minh Khai"
    assert fit_text(text, 254) == (text, False)
    kept, cut = fit_text(text, 5)
    assert cut and text.startswith(kept) and len(kept.encode("utf-8")) <= 5
    assert kept == "Đư"  # Đ (2 bytes) + ư (2 bytes); ờ would take 3 more
    kept, _ = fit_text("ễễễ", 4)
    assert kept == "ễ"


def _row(**overrides):
    row = {"parcel_id": 7, "ref": "00070/12/7", "commune_code": "00070",
           "commune_name": "Phường Hoàn Kiếm", "sheet_number": "12", "parcel_number": 7,
           "legal_area": 100.0, "measured_area": 100.2,
           "land_uses": [{"code": "ODT", "area": 100.0}], "address": None,
           "old_identifiers": [], "status": "current", "version": 1,
           "version_since": dt.date(2020, 5, 4)}
    row.update(overrides)
    return record(row)


def test_shapefile_columns_cut_long_text_and_report_it_whole() -> None:
    long_address = "Số 5 ngõ 7 phố Hàng Bạc " * 20
    fields = selected_fields(False, False, False)
    arrays, masks, long_texts = columns([_row(address=long_address), _row(parcel_id=8)],
                                        fields, shapefile=True)
    names = [f.name for f in fields]
    address = arrays[names.index("address")]
    assert len(str(address[0]).encode("utf-8")) <= 254
    assert long_address.startswith(str(address[0]))
    assert masks[names.index("address")].tolist() == [False, True]
    assert [(t.parcel_id, t.field, t.shapefile_field, t.text) for t in long_texts] == [
        (7, "address", "DiaChi", long_address)]
    assert arrays[names.index("version_since")].dtype == np.dtype("datetime64[D]")


def test_other_formats_keep_long_text_whole_and_null_as_none() -> None:
    long_address = "Số 5 ngõ 7 phố Hàng Bạc " * 20
    fields = selected_fields(False, False, False)
    arrays, masks, long_texts = columns([_row(address=long_address), _row(parcel_id=8)],
                                        fields, shapefile=False)
    address = arrays[[f.name for f in fields].index("address")]
    assert address.tolist() == [long_address, None]
    assert long_texts == [] and all(m is None for m in masks)


def test_a_missing_integer_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="version"):
        columns([_row(version=None)], selected_fields(False, False, False), shapefile=False)
