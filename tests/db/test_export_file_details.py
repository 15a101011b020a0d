"""What analysts notice in the files themselves: shapefile numbers in fields that fit them
(ArcGIS reads N(≤9,0) as Long Integer, N(18,0) as Double), ISO dates in CSV, RFC 7946 GeoJSON."""

from __future__ import annotations

import csv
import json
import re
import struct
import zipfile

import pyogrio
import pyogrio.raw
import pytest

from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import build_small_register


@pytest.fixture
def small(register):
    return build_small_register(register)


def dbf_fields(dbf: bytes) -> dict[str, tuple[str, int, int]]:
    """name → (type, width, decimals) from a .dbf header."""
    count = (struct.unpack("<H", dbf[8:10])[0] - 33) // 32
    fields = {}
    for i in range(count):
        at = 32 + 32 * i
        name = dbf[at:at + 11].split(b"\0", 1)[0].decode("ascii")
        fields[name] = (chr(dbf[at + 11]), dbf[at + 16], dbf[at + 17])
    return fields


def test_shapefile_numbers_have_widths_that_fit_and_ids_are_integers(register_url, small,
                                                                     tmp_path) -> None:
    output = tmp_path / "parcels.zip"
    export_parcels(output, ExportRequest(with_holders=True, batch_size=2), url=register_url)
    with zipfile.ZipFile(output) as archive:
        dbf = archive.read("parcels.dbf")
    fields = dbf_fields(dbf)
    assert fields["DienTich"] == ("N", 14, 1)
    assert fields["DTDoDac"] == ("N", 16, 3)
    for name in ("ParcelID", "SoThua", "PhienBan", "SoMDSD", "SoChu"):
        kind, width, decimals = fields[name]
        assert (kind, decimals) == ("N", 0) and width <= 9, (name, fields[name])
    assert b"120.000000000000000" not in dbf and b"  120.0" in dbf
    meta, _, _, values = pyogrio.raw.read(f"/vsizip/{output}/parcels.shp",
                                          read_geometry=False)
    types = dict(zip(meta["fields"], meta["dtypes"], strict=True))
    assert types["ParcelID"] == types["SoThua"] == "int32"
    table = dict(zip(meta["fields"], values, strict=True))
    assert sorted(table["DienTich"]) == pytest.approx([80.0, 100.0, 120.0, 144.0])


def test_csv_dates_are_iso_and_read_back_as_dates(register_url, small, tmp_path) -> None:
    output = tmp_path / "parcels.csv"
    export_parcels(output, url=register_url)
    with output.open(encoding="utf-8") as handle:
        dates = [row["version_since"] for row in csv.DictReader(handle)]
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    assert "2012-03-02" in dates
    assert "Date" in output.with_suffix(".csvt").read_text()
    meta = pyogrio.read_info(output)
    assert dict(zip(meta["fields"], meta["dtypes"], strict=True))["version_since"] == (
        "datetime64[D]")


@pytest.mark.parametrize("crs", [None, "tm3", "wgs84"])
def test_geojson_is_rfc7946_wgs84_with_seven_decimals(register_url, small, tmp_path,
                                                      crs) -> None:
    output = tmp_path / "parcels.geojson"
    result = export_parcels(output, ExportRequest(crs=crs), url=register_url)
    document = json.loads(output.read_text(encoding="utf-8"))
    assert "crs" not in document
    assert result.crs == "EPSG:4326"
    assert bool(result.warnings) == (crs == "tm3")
    coordinates = re.findall(r"-?\d+\.\d+", json.dumps(
        [f["geometry"] for f in document["features"]]))
    assert coordinates and max(len(c.split(".")[1]) for c in coordinates) <= 7
    for feature in document["features"]:
        for x, y in feature["geometry"]["coordinates"][0][0]:
            assert 100 < x < 112 and 8 < y < 24  # Vietnam, lon/lat
