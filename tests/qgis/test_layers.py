"""Loading a commune: parcels styled by land use with the reference colours, labelled at
large scales, map sheets, the boundary and the issues layer, through a saved connection."""

from __future__ import annotations

from tests.qgis.conftest import WARD
from tests.qgis.helpers import query


def test_the_commune_loads_its_current_parcels_sheets_and_boundary(
    ward_connection: str, ward_url: str, project
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.core.session import OfficerSession

    session = OfficerSession(Register(ward_connection), WARD, project)

    ((current,),) = query(ward_url, "SELECT count(*) FROM cadastre.parcel WHERE "
                                    "commune_code = %s AND status = 'current'", WARD)
    ((sheets,),) = query(ward_url, "SELECT count(*) FROM cadastre.map_sheet WHERE "
                                   "commune_code = %s AND upper_inf(valid)", WARD)
    layers = session.layers
    assert layers.parcels.isValid() and layers.parcels.featureCount() == current
    assert layers.sheets.featureCount() == sheets > 0
    assert layers.boundary.featureCount() == 1
    assert layers.issues.featureCount() == 0
    assert layers.parcels.crs().authid() == "EPSG:5897"
    assert {layer.id() for layer in (layers.parcels, layers.sheets, layers.boundary,
                                     layers.issues)} <= set(project.mapLayers())


def test_parcels_are_coloured_by_their_land_use_with_the_reference_colours(
    ward_connection: str, ward_url: str, project
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.core.session import OfficerSession

    session = OfficerSession(Register(ward_connection), WARD, project)

    renderer = session.layers.parcels.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "land_use"
    colours = {c.value(): c.symbol().color().name().upper() for c in renderer.categories()}
    expected = dict(query(ward_url, "SELECT code, upper(fill_color) FROM cadastre.land_use_code "
                                    "WHERE NOT is_group AND fill_color IS NOT NULL"))
    assert colours["ODT"] == expected["ODT"] == "#FFA0FF"
    assert {code: colours[code] for code in expected} == expected
    used = {f["land_use"] for f in session.layers.parcels.getFeatures()}
    assert used & set(expected) and used & set(expected) <= set(colours)
    assert None in colours  # uncoloured (legacy) codes fall in "other land use"


def test_parcel_numbers_are_labelled_only_at_large_scales(ward_connection: str, project) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.core.session import OfficerSession

    session = OfficerSession(Register(ward_connection), WARD, project)

    labels = session.layers.parcels.labeling().settings()
    assert session.layers.parcels.labelsEnabled()
    assert labels.fieldName == "parcel_number"
    assert labels.scaleVisibility and labels.minimumScale == 2000
