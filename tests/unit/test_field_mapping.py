"""Field mappings (presets, user TOML files, validation) and land-use code parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadastre.io.field_mapping import (
    FieldMapping,
    MappingError,
    apply_transforms,
    load_mapping,
    load_mapping_file,
    load_preset,
    preset_names,
)
from cadastre.io.landuse_codes import parse_land_use


def write_mapping(tmp_path: Path, text: str) -> Path:
    """A mapping file with the given TOML text."""
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_presets_are_packaged() -> None:
    assert {"vn_standard", "fr_etalab"} <= set(preset_names())


def test_vn_standard_tries_alternatives_in_order_case_insensitively() -> None:
    fields = ["maxa", "SHBanDo", "SOTHUTUTHUA", "KyHieuMucD", "DienTich", "TenChu", "DIACHI"]
    resolved = load_preset("vn_standard").resolve(fields, layer="layer 't' of 't.shp'")
    assert resolved.columns == {
        "commune_code": "maxa",
        "sheet_number": "SHBanDo",
        "parcel_number": "SOTHUTUTHUA",
        "land_use": "KyHieuMucD",  # a Shapefile's 10-character cut of KyHieuMucDichSuDung
        "registered_area": "DienTich",
        "holder_name": "TenChu",
        "address": "DIACHI",
    }
    assert "old_sheet_number" in resolved.unmapped


def test_vn_standard_prefers_the_first_alternative_present() -> None:
    fields = ["MaXa", "SoTo", "SoHieuToBanDo", "SoThua", "DienTich", "DienTichPhapLy"]
    resolved = load_preset("vn_standard").resolve(fields, layer="layer")
    assert resolved.columns["sheet_number"] == "SoTo"
    assert resolved.columns["registered_area"] == "DienTichPhapLy"


def test_vn_standard_pads_commune_codes_to_five_digits() -> None:
    resolved = load_preset("vn_standard").resolve(["MaXa", "SoTo", "SoThua"], layer="layer")
    assert resolved.raw_value("commune_code", {"MaXa": 70.0}) == "00070"
    assert resolved.raw_value("commune_code", {"MaXa": " 00070 "}) == "00070"


def test_fr_etalab_maps_section_numero_contenance_and_id() -> None:
    fields = ["id", "commune", "prefixe", "section", "numero", "contenance"]
    resolved = load_preset("fr_etalab").resolve(fields, layer="layer")
    assert resolved.columns == {
        "commune_code": "commune",
        "sheet_number": "section",
        "parcel_number": "numero",
        "registered_area": "contenance",
        "id_field": "id",
    }
    assert "land_use" in resolved.unmapped


def test_user_file_with_constants_and_transforms(tmp_path: Path) -> None:
    path = write_mapping(
        tmp_path,
        """
        name = "district"
        [fields]
        commune_code = { value = "00070" }
        sheet_number = "To"
        parcel_number = { source = ["Thua", "SoThua"], transforms = ["strip", "int"] }
        land_use = { source = "MucDich", transforms = ["upper"] }
        """,
    )
    resolved = load_mapping(path).resolve(["To", "SoThua", "MucDich"], layer="layer")
    row = {"To": "5", "SoThua": " 0012 ", "MucDich": "odt+cln"}
    assert resolved.raw_value("commune_code", row) == "00070"
    assert resolved.raw_value("parcel_number", row) == 12
    assert resolved.raw_value("land_use", row) == "ODT+CLN"
    assert "commune_code = '00070'" in resolved.describe()


def test_user_file_can_extend_a_preset(tmp_path: Path) -> None:
    path = write_mapping(
        tmp_path,
        'extends = "vn_standard"\n[fields]\ncommune_code = { value = "00070" }\n',
    )
    resolved = load_mapping(path).resolve(["SoTo", "SoThua", "LoaiDat"], layer="layer")
    assert resolved.constants == {"commune_code": "00070"}
    assert resolved.columns["land_use"] == "LoaiDat"


def test_constants_can_be_given_when_loading() -> None:
    mapping = load_mapping("vn_standard", constants={"commune_code": "00070"})
    assert mapping.resolve(["SoTo", "SoThua"], layer="layer").constants["commune_code"] == "00070"


def test_unknown_target_attribute_names_the_file_and_key(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, '[fields]\nparcel_nmber = "SoThua"\n')
    with pytest.raises(MappingError) as error:
        load_mapping_file(path)
    message = str(error.value)
    assert str(path) in message
    assert "fields.parcel_nmber" in message
    assert "parcel_number" in message  # the list of valid attributes


def test_missing_identity_mapping_without_constant_is_refused(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, '[fields]\ncommune_code = "MaXa"\nparcel_number = "SoThua"\n')
    with pytest.raises(MappingError, match=r"fields\.sheet_number: missing") as error:
        load_mapping(path)
    assert str(path) in str(error.value)


def test_source_field_absent_from_the_layer_is_named_with_the_available_fields(
    tmp_path: Path,
) -> None:
    path = write_mapping(
        tmp_path, '[fields]\ncommune_code = "MaXa"\nsheet_number = "SoTo"\nparcel_number = "STT"\n'
    )
    with pytest.raises(MappingError) as error:
        load_mapping(path).resolve(["MaXa", "SoTo", "SoThua"], layer="layer 'thua' of 'a.shp'")
    message = str(error.value)
    assert "field 'STT' is not in layer 'thua' of 'a.shp'" in message
    assert "available fields: MaXa, SoTo, SoThua" in message
    assert "fields.parcel_number" in message


def test_preset_without_any_matching_field_lists_the_alternatives() -> None:
    with pytest.raises(MappingError, match="none of the fields 'SoThua', 'SoThuTuThua'"):
        load_preset("vn_standard").resolve(["MaXa", "SoTo", "Other"], layer="layer")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[fields]\nsheet_number = { source = "A", value = "1" }', "either 'source' or 'value'"),
        ('[fields]\nsheet_number = { source = "A", transforms = ["title"] }', "unknown transform"),
        ('[fields]\nsheet_number = { sources = "A" }', "fields.sheet_number.sources: unknown"),
        ('[fields]\nid_field = { value = "1" }', "cannot be a value"),
        ("[fields]\nsheet_number = 12", "expected a field name"),
        ('colour = "red"', "key colour: unknown"),
        ('extends = "nowhere"', "not a preset"),
        ("[fields\n", "not valid TOML"),
    ],
)
def test_invalid_mapping_files_are_refused_with_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write_mapping(tmp_path, text)
    with pytest.raises(MappingError, match=expected) as error:
        load_mapping_file(path)
    assert str(path) in str(error.value)


def test_unknown_preset_or_file_lists_the_presets() -> None:
    with pytest.raises(MappingError, match="vn_standard"):
        load_mapping("vn_standrad")


def test_constant_cannot_replace_the_id_field() -> None:
    with pytest.raises(MappingError, match="id_field"):
        FieldMapping(name="m", origin="test").with_constants(id_field="1")


def test_transforms_apply_in_order_and_skip_nulls() -> None:
    assert apply_transforms(" 12.0 ", ["strip", "int"]) == 12
    assert apply_transforms(7.0, ["zfill:5"]) == "00007"
    assert apply_transforms("ab", ["zfill:5"]) == "ab"
    assert apply_transforms(None, ["int"]) is None


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("ODT+CLN", ("ODT", "CLN")),
        ("ODT, CLN", ("ODT", "CLN")),
        ("odt/cln", ("ODT", "CLN")),
        (" ONT + cln ; LUC ", ("ONT", "CLN", "LUC")),
        ("ODT+ODT", ("ODT",)),
        ("T", ("T",)),
        ("", ()),
        (None, ()),
        (float("nan"), ()),
    ],
)
def test_land_use_values_split_into_normalised_codes(value: object, codes: tuple[str, ...]) -> None:
    assert parse_land_use(value) == codes


