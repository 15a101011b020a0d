"""The Processing algorithms through processing.run, as the toolbox, models and batch mode
call them: Check commune (issues layer) and Export parcels (a GeoPackage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadastre.db.connection import connect
from cadastre.register.binding import clock, dossiers, parcels
from tests.qgis.conftest import WARD
from tests.qgis.helpers import inner_plot, query


@pytest.fixture(scope="module")
def cadastre_provider(qgis_processing):
    from cadastre_officer.processing.provider import CadastreProvider
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    if registry.providerById("cadastre") is None:
        registry.addProvider(CadastreProvider())
    yield registry.providerById("cadastre")


def seed_area_defects(url: str, count: int = 3) -> None:
    """Register a legal area 20 % off the measured one for a few parcels (area_tolerance)."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            dossier = dossiers.open_dossier(
                cur, number="DC-TEST", kind="correction", received_on="2025-01-02",
                officer="Kiểm thử", commune_code=WARD,
            )
            dossiers.decide_dossier(
                cur, dossier_id=dossier, status="approved", decided_on="2025-01-03"
            )
            cur.execute(
                "SELECT id, geom, round(legal_area * 1.2, 1), version FROM cadastre.parcel "
                "WHERE commune_code = %s AND status = 'current' ORDER BY id LIMIT %s",
                (WARD, count),
            )
            for parcel_id, geom, legal_area, version in cur.fetchall():
                parcels.correct_boundary(
                    cur, dossier_id=dossier, parcel_id=parcel_id, geom=geom,
                    legal_area=legal_area, expected_version=version,
                )
    finally:
        conn.close()


def test_check_commune_writes_one_point_per_issue_of_the_database(
    cadastre_provider, ward_connection: str, ward_url: str, tmp_path: Path
) -> None:
    import processing

    seed_area_defects(ward_url)
    ((expected,),) = query(ward_url, "SELECT count(*) FROM cadastre.check_commune(%s)", WARD)
    target = tmp_path / "issues.gpkg"

    result = processing.run(
        "cadastre:check_commune",
        {"CONNECTION": ward_connection, "COMMUNE": WARD, "OUTPUT": str(target)},
    )

    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(result["OUTPUT"], "issues", "ogr")
    assert layer.featureCount() == expected > 0
    assert result["ERRORS"] + result["WARNINGS"] == expected
    rules = {f["rule"] for f in layer.getFeatures()}
    db_rules = {
        r for (r,) in query(ward_url, "SELECT DISTINCT rule FROM cadastre.check_commune(%s)", WARD)
    }
    assert rules == db_rules
    assert "area_tolerance" in rules
    assert all(not f.geometry().isNull() for f in layer.getFeatures())


def test_check_commune_refuses_an_unknown_commune(cadastre_provider, ward_connection: str) -> None:
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="99999"):
        processing.run(
            "cadastre:check_commune",
            {"CONNECTION": ward_connection, "COMMUNE": "99999", "OUTPUT": "memory:"},
        )


def test_export_parcels_writes_every_current_parcel_with_its_identity(
    cadastre_provider, ward_connection: str, ward_url: str, tmp_path: Path
) -> None:
    import processing
    from qgis.core import QgsVectorLayer

    target = tmp_path / "parcels.gpkg"

    result = processing.run(
        "cadastre:export_parcels",
        {"CONNECTION": ward_connection, "COMMUNE": WARD, "OUTPUT": str(target)},
    )

    layer = QgsVectorLayer(result["OUTPUT"], "parcels", "ogr")
    expected = dict(
        query(
            ward_url,
            "SELECT cadastre.parcel_ref(commune_code, sheet_number, "
            "parcel_number), round(ST_Area(geom)::numeric, 1) FROM "
            "cadastre.parcel WHERE commune_code = %s AND "
            "status = 'current'",
            WARD,
        )
    )
    written = {f["ref"]: round(f.geometry().area(), 1) for f in layer.getFeatures()}
    assert result["PARCELS"] == len(expected) == len(written)
    assert {ref: float(area) for ref, area in expected.items()} == pytest.approx(written)
    assert layer.crs().authid() == "EPSG:5897"


def test_both_algorithms_run_in_batch_over_a_list_of_parameter_sets(
    cadastre_provider, ward_connection: str, tmp_path: Path
) -> None:
    import processing

    runs = [
        {"CONNECTION": ward_connection, "COMMUNE": WARD, "OUTPUT": str(tmp_path / f"{name}.gpkg")}
        for name in ("a", "b")
    ]

    results = [processing.run("cadastre:export_parcels", run) for run in runs]

    assert results[0]["PARCELS"] == results[1]["PARCELS"] > 0


def test_export_parcels_as_of_a_day_before_a_split_gives_the_parent_and_after_the_children(
    cadastre_provider, ward_connection: str, ward_url: str, tmp_path: Path
) -> None:
    import processing
    from qgis.core import QgsVectorLayer

    parent_id, _ = inner_plot(ward_url, WARD)
    conn = connect(ward_url)
    with conn, conn.cursor() as cur:  # split it in two halves on 1 June 2025
        clock.set_clock(cur, at="2025-06-01 12:00+00")
        dossier = dossiers.open_dossier(
            cur, number="TEST-SPLIT", kind="split", received_on="2025-05-20", officer="Lan"
        )
        dossiers.decide_dossier(
            cur, dossier_id=dossier, status="approved", decided_on="2025-06-01"
        )
        cur.execute(
            "SELECT cadastre.parcel_ref(p.id), "
            "ST_Multi(ST_Intersection(p.geom, ST_MakeEnvelope(ST_XMin(p.geom) - 1, "
            "ST_YMin(p.geom) - 1, (ST_XMin(p.geom) + ST_XMax(p.geom)) / 2, ST_YMax(p.geom) + 1, "
            "ST_SRID(p.geom)))), ST_Multi(ST_Difference(p.geom, ST_MakeEnvelope("
            "ST_XMin(p.geom) - 1, ST_YMin(p.geom) - 1, (ST_XMin(p.geom) + ST_XMax(p.geom)) / 2, "
            "ST_YMax(p.geom) + 1, ST_SRID(p.geom)))) "
            "FROM cadastre.parcel AS p WHERE p.id = %s",
            (parent_id,),
        )
        parent, west, east = cur.fetchone()
        child_ids = parcels.split_parcel(
            cur, dossier_id=dossier, parent_id=parent_id, geoms=[west, east],
            numbers=[9001, 9002],
        )
        cur.execute(
            "SELECT array_agg(cadastre.parcel_ref(c)) FROM unnest(%s::bigint[]) AS c", (child_ids,)
        )
        (children,) = cur.fetchone()
    conn.close()

    def refs(as_of: str) -> set[str]:
        target = tmp_path / f"parcels_{as_of}.gpkg"
        result = processing.run(
            "cadastre:export_parcels",
            {"CONNECTION": ward_connection, "COMMUNE": WARD, "AS_OF": as_of, "OUTPUT": str(target)},
        )
        return {f["ref"] for f in QgsVectorLayer(result["OUTPUT"], "p", "ogr").getFeatures()}

    before = refs("2025-05-31")
    after = refs("2025-06-01")

    assert len(children) == 2
    assert parent in before and not set(children) & before
    assert parent not in after and set(children) <= after


def test_export_parcels_refuses_a_malformed_date(
    cadastre_provider, ward_connection: str, tmp_path: Path
) -> None:
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="not a date"):
        processing.run(
            "cadastre:export_parcels",
            {
                "CONNECTION": ward_connection,
                "COMMUNE": WARD,
                "AS_OF": "2020-13-99'; --",
                "OUTPUT": str(tmp_path / "x.gpkg"),
            },
        )
