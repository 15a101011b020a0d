"""Formats, target CRS names, request checks and the composed SELECT (no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyproj
import pytest

from cadastre.errors import CadastreError
from cadastre.export.crs import esri_wkt, target_srid, utm_zone
from cadastre.export.formats import FORMATS, output_format
from cadastre.export.query import build_query, end_of_day
from cadastre.export.request import ExportRequest, parse_bbox


@pytest.mark.parametrize(("name", "key"), [("a.zip", "shp"), ("a.gpkg", "gpkg"),
                                           ("a.geojson", "geojson"), ("a.json", "geojson"),
                                           ("a.fgb", "fgb"), ("a.CSV", "csv")])
def test_format_follows_the_suffix(name: str, key: str) -> None:
    assert output_format(Path(name)).key == key


def test_shapefile_output_must_be_a_zip_and_suffix_must_match_the_format() -> None:
    with pytest.raises(CadastreError, match="delivered as a zip"):
        output_format(Path("a.shp"))
    with pytest.raises(CadastreError, match=r"must end in \.gpkg"):
        output_format(Path("a.zip"), "gpkg")
    with pytest.raises(CadastreError, match="unknown format"):
        output_format(Path("a.zip"), "dxf")
    with pytest.raises(CadastreError, match="cannot tell"):
        output_format(Path("a.txt"))


def test_every_format_names_a_gdal_driver() -> None:
    assert {f.driver for f in FORMATS.values()} == {
        "ESRI Shapefile", "GPKG", "GeoJSON", "FlatGeobuf", "CSV"}


def test_crs_names_resolve_to_the_provinces_zones() -> None:
    assert target_srid("tm3", 5897, 105.0) == 5897
    assert target_srid("utm", 5897, 105.0) == 3405
    assert target_srid("utm", 5899, 107.75) == 3405
    assert target_srid("utm", 9218, 108.5) == 3406
    assert target_srid("wgs84", 5897, 105.0) == 4326
    assert target_srid("EPSG:9210", 5897, 105.0) == 9210
    assert utm_zone(105.0) == 48
    with pytest.raises(CadastreError, match="--crs lambert"):
        target_srid("lambert", 5897, 105.0)


@pytest.mark.parametrize("srid", [5897, 5899, 9210, 3405, 4326])
def test_esri_prj_reads_back_as_the_same_crs(srid: int) -> None:
    assert pyproj.CRS(esri_wkt(srid)).equals(pyproj.CRS.from_epsg(srid), ignore_axis_order=True)


def test_request_checks_name_the_bad_option() -> None:
    with pytest.raises(CadastreError, match="--status"):
        ExportRequest(status="dead").check()
    with pytest.raises(CadastreError, match="--bbox"):
        ExportRequest(bbox=(2.0, 0.0, 1.0, 1.0)).check()
    with pytest.raises(CadastreError, match="--bbox and --polygon"):
        ExportRequest(bbox=(0.0, 0.0, 1.0, 1.0), polygon="POLYGON((0 0,1 0,1 1,0 0))").check()
    with pytest.raises(CadastreError, match="--bbox"):
        parse_bbox("1,2,x,4")
    assert parse_bbox("1,2,3,4") == (1.0, 2.0, 3.0, 4.0)


def test_personal_data_implies_holders() -> None:
    assert ExportRequest(with_personal_data=True).holders


def test_query_reads_personal_data_only_when_asked() -> None:
    for request in (ExportRequest(), ExportRequest(with_holders=True, with_rights=True)):
        assert "party_personal" not in build_query(request, 5897, None).sql
    assert "party_personal" in build_query(ExportRequest(with_personal_data=True), 5897,
                                           None).sql


def test_query_uses_the_registers_as_of_functions_with_the_end_of_the_day() -> None:
    query = build_query(ExportRequest(as_of=dt.date(2020, 5, 3), with_rights=True,
                                      communes=("00070",), land_uses=("odt",)), 4326, None)
    assert "cadastre.parcels_as_of(" in query.sql and "cadastre.rights_as_of(" in query.sql
    assert "cadastre.parcels_as_of(" in query.count_sql
    assert query.params["at"] == end_of_day(dt.date(2020, 5, 3))
    assert query.params["at"].tzinfo is dt.UTC
    assert query.params["legal_date"] == dt.date(2020, 5, 3)
    assert query.params["communes"] == ["00070"]
    assert query.params["land_uses"] == ["ODT"]
    assert query.params["statuses"] == ["current"]
    assert query.params["target_srid"] == 4326


def test_query_without_a_date_reads_now_and_all_statuses_when_asked() -> None:
    query = build_query(ExportRequest(status="all"), 5897, None)
    assert query.params["at"] is None and query.params["statuses"] is None
    assert "NULL::geometry" in query.sql
    boxed = build_query(ExportRequest(bbox=(1.0, 2.0, 3.0, 4.0)), 5897, 4326)
    assert "ST_MakeEnvelope" in boxed.sql and boxed.params["area_srid"] == 4326
