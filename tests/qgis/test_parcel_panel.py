"""The parcel panel: the parcel and its holders now, and as of a past date, with its timeline
and genealogy, read from the sample ward's real history."""

from __future__ import annotations

import datetime as dt

from tests.qgis.conftest import WARD
from tests.qgis.helpers import query


def transferred_parcel(url: str) -> tuple[int, dt.date, str, str, str]:
    """A current parcel whose land-use right changed hands: (id, transfer date, holder before,
    holder now, transfer dossier number)."""
    ((parcel_id, on, number),) = query(url, """
        SELECT r.parcel_id, upper(r.valid), d.number FROM cadastre.rrr AS r
        JOIN cadastre.parcel AS p ON p.id = r.parcel_id AND p.status = 'current'
        JOIN cadastre.dossier AS d ON d.id = r.ended_by_dossier
        WHERE r.kind = 'land_use_right' AND NOT upper_inf(r.valid) AND p.commune_code = %s
          AND d.kind = 'sale' AND lower(r.valid) < upper(r.valid) - 1
        ORDER BY r.parcel_id LIMIT 1""", WARD)
    before = query(url, "SELECT party_name FROM cadastre.rights_as_of(%s, %s) "
                        "WHERE kind = 'land_use_right' ORDER BY party_name",
                   parcel_id, on - dt.timedelta(days=1))
    now = query(url, "SELECT party_name FROM cadastre.rights_as_of(%s, current_date) "
                     "WHERE kind = 'land_use_right' ORDER BY party_name", parcel_id)
    return parcel_id, on, before[0][0], now[0][0], number


def test_the_panel_shows_todays_holders_and_those_of_a_past_date(
    ward_connection: str, ward_url: str, qgis_app
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.gui.parcel_panel import ParcelPanel
    from qgis.PyQt.QtCore import QDate

    parcel_id, sold_on, seller, buyer, number = transferred_parcel(ward_url)
    assert seller != buyer
    panel = ParcelPanel()

    panel.show_parcel(Register(ward_connection), parcel_id)
    today = panel.view.toPlainText()
    assert buyer in today and seller not in today
    assert number in today  # the sale is on the timeline

    panel.past.setChecked(True)
    day_before = sold_on - dt.timedelta(days=1)
    panel.date.setDate(QDate(day_before.year, day_before.month, day_before.day))
    past = panel.view.toPlainText()
    assert seller in past and buyer not in past
    assert f"As of {day_before.isoformat()}" in past


def test_the_panel_shows_identity_areas_land_uses_and_genealogy_after_a_split(
    officer, approver, ward_url: str, project
) -> None:
    from cadastre_officer.gui.parcel_panel import parcel_record
    from cadastre_officer.logic.parcel_record import render_parcel

    from tests.qgis.helpers import feature_of, inner_plot
    from tests.qgis.test_edit_workflow import session_for, split_line

    session = session_for(officer, project, "split", approver)
    plot, _ = inner_plot(ward_url, WARD)
    ((parent_ref,),) = query(ward_url, "SELECT cadastre.parcel_ref(%s::bigint)", plot)
    layer = session.layers.parcels
    layer.startEditing()
    parent = feature_of(layer, plot)
    layer.selectByIds([parent.id()])
    layer.splitFeatures(split_line(parent.geometry()))
    result = session.submit([f"{i.rule}:{i.parcel_ref}" for i in session.check()])
    child = next(p["parcel_id"] for p in result.parcels if p["action"] == "created")
    ((legal_area, code),) = query(ward_url, "SELECT legal_area, land_uses -> 0 ->> 'code' "
                                            "FROM cadastre.parcel WHERE id = %s", child)

    record = parcel_record(session.register, child)
    text = render_parcel(record, vietnamese=False)

    assert record["parcel"]["legal_area"] == float(legal_area)
    assert parent_ref in text and "ancestor" in text and "HS-2025-001" in text
    assert f"<td>{code}</td>" in text


def test_a_parcel_not_yet_registered_at_the_date_says_so(
    ward_connection: str, ward_url: str, qgis_app
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.gui.parcel_panel import parcel_record
    from cadastre_officer.logic.parcel_record import render_parcel

    ((parcel_id,),) = query(ward_url, "SELECT min(id) FROM cadastre.parcel")

    record = parcel_record(Register(ward_connection), parcel_id, "1900-01-01")

    assert record["parcel"] is None
    assert "no version of this parcel" in render_parcel(record, vietnamese=False)
