"""Export filters: commune, province, land-use code (a heading takes its sub-codes), area
(box or polygon, in the export's CRS or another), and personal data only for a role allowed."""

from __future__ import annotations

import uuid

import psycopg2
import pyogrio.raw
import pytest

from cadastre.errors import CadastreError
from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import (
    REF_CHILDREN,
    REF_RICE,
    REF_SHOP,
    build_small_register,
)
from tests.db.register_helpers import ORIGIN_E, ORIGIN_N, scalar


@pytest.fixture
def small(register):
    return build_small_register(register)


def refs(register_url: str, path, **options) -> set[str]:
    export_parcels(path, ExportRequest(**options), url=register_url)
    meta, _, _, values = pyogrio.raw.read(str(path))
    return set(dict(zip(meta["fields"], values, strict=True))["ref"])


def test_commune_filter_keeps_that_communes_parcels(register_url, small, tmp_path) -> None:
    assert refs(register_url, tmp_path / "a.fgb", communes=("00073",)) == {REF_SHOP}
    assert refs(register_url, tmp_path / "b.fgb", communes=("00070", "00073")) == {
        *REF_CHILDREN, REF_RICE, REF_SHOP}


def test_unknown_commune_or_code_or_other_province_is_refused_by_name(register_url, small,
                                                                      tmp_path) -> None:
    with pytest.raises(CadastreError, match="--commune 99999"):
        export_parcels(tmp_path / "x.fgb", ExportRequest(communes=("99999",)), url=register_url)
    with pytest.raises(CadastreError, match="--land-use XYZ"):
        export_parcels(tmp_path / "x.fgb", ExportRequest(land_uses=("XYZ",)), url=register_url)
    with pytest.raises(CadastreError, match="serves province 01"):
        export_parcels(tmp_path / "x.fgb", ExportRequest(province="79"), url=register_url)
    assert list(tmp_path.iterdir()) == []


def test_land_use_filter_takes_a_code_or_a_heading_with_its_sub_codes(register_url, small,
                                                                      tmp_path) -> None:
    assert refs(register_url, tmp_path / "a.gpkg", land_uses=("LUC",)) == {REF_RICE}
    assert refs(register_url, tmp_path / "b.gpkg", land_uses=("NNP",)) == {
        REF_RICE, REF_CHILDREN[1]}  # LUC and CLN are agricultural
    assert refs(register_url, tmp_path / "c.gpkg", land_uses=("OCT", "tmd")) == {
        REF_CHILDREN[0], REF_SHOP}
    assert refs(register_url, tmp_path / "d.gpkg", province="01") == {
        *REF_CHILDREN, REF_RICE, REF_SHOP}


def test_bbox_keeps_the_parcels_it_touches_in_the_export_crs(register, register_url, small,
                                                             tmp_path) -> None:
    box = (ORIGIN_E + 25, ORIGIN_N - 5, ORIGIN_E + 45, ORIGIN_N + 5)
    assert refs(register_url, tmp_path / "a.gpkg", bbox=box) == {REF_RICE}
    lon0, lat0, lon1, lat1 = (scalar(
        register, f"SELECT ST_{f}(ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 5897), 4326))",
        box) for f in ("XMin", "YMin", "XMax", "YMax"))
    assert refs(register_url, tmp_path / "b.gpkg", bbox=(lon0, lat0, lon1, lat1),
                crs="wgs84") == {REF_RICE}
    assert refs(register_url, tmp_path / "c.gpkg", bbox=(lon0, lat0, lon1, lat1),
                area_crs="EPSG:4326") == {REF_RICE}


def test_polygon_filter_keeps_the_parcels_it_intersects(register_url, small, tmp_path) -> None:
    e, n = ORIGIN_E, ORIGIN_N
    triangle = f"POLYGON(({e + 1} {n + 1}, {e + 5} {n + 1}, {e + 1} {n + 40}, {e + 1} {n + 1}))"
    assert refs(register_url, tmp_path / "a.gpkg", polygon=triangle) == {
        REF_CHILDREN[0], REF_SHOP}
    with pytest.raises(CadastreError, match="--polygon"):
        export_parcels(tmp_path / "b.gpkg", ExportRequest(polygon="LINESTRING(0 0, 1 1)"),
                       url=register_url)


def test_personal_data_is_exported_only_when_asked(register_url, small, tmp_path) -> None:
    export_parcels(tmp_path / "plain.gpkg", ExportRequest(with_holders=True), url=register_url)
    meta = pyogrio.raw.read(str(tmp_path / "plain.gpkg"), read_geometry=False)[0]
    assert "holder_ids" not in meta["fields"]
    result = export_parcels(tmp_path / "ids.gpkg", ExportRequest(with_personal_data=True),
                            url=register_url)
    meta, _, _, values = pyogrio.raw.read(str(tmp_path / "ids.gpkg"), read_geometry=False)
    table = dict(zip(meta["fields"], values, strict=True))
    row = list(table["ref"]).index(REF_CHILDREN[0])
    assert table["holder_ids"][row] == "Nguyễn Văn An: 001080012345; Trần Thị Bình: 001185054321"
    assert table["holders"][row] == "Nguyễn Văn An (1/2); Trần Thị Bình (1/2)"
    assert any("personal data" in w for w in result.warnings)


@pytest.fixture
def analyst_connection(register_url, small):
    """A connection acting as a role that may read the register but not personal data."""
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(register_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE ROLE {role} NOLOGIN")
        cur.execute(f"GRANT USAGE ON SCHEMA cadastre TO {role}")
        cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA cadastre TO {role}")
        cur.execute(f"REVOKE SELECT ON cadastre.party_personal FROM {role}")
        cur.execute(f"GRANT SELECT ON public.spatial_ref_sys TO {role}")
    conn = psycopg2.connect(register_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"SET ROLE {role}")
    conn.autocommit = False
    yield conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP OWNED BY {role}")
        cur.execute(f"DROP ROLE {role}")
    admin.close()


def test_personal_data_is_refused_to_a_role_without_the_privilege(analyst_connection,
                                                                  tmp_path) -> None:
    with pytest.raises(CadastreError, match="may not read personal data"):
        export_parcels(tmp_path / "ids.gpkg", ExportRequest(with_personal_data=True),
                       connection=analyst_connection)
    assert list(tmp_path.iterdir()) == []
    result = export_parcels(tmp_path / "plain.gpkg", ExportRequest(with_holders=True),
                            connection=analyst_connection)
    assert result.count == 4
