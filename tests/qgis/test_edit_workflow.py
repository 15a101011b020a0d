"""The edit workflow against the real register, as a real officer's login: QGIS's own editing
tools on the parcel layer, Check (the database's check_edit, shown in the dock), a dossier the
officer opens and an approver (another login) approves, Submit (one transaction for the
dossier), conflicts between two officers, QGIS's own "Save edits" refused in plain words."""

from __future__ import annotations

import pytest

from tests.qgis.conftest import WARD, Login
from tests.qgis.helpers import approve, feature_of, inner_plot, query

OFFICER = "Phạm Thu Trang"


def session_for(officer: Login, project, dossier_kind: str | None = None,
                approver: Login | None = None, person: str = OFFICER,
                number: str = "HS-2025-001", app_user: str | None = None):
    """The officer's session on the ward (the audit naming `app_user` as the person at the
    desk); with a dossier kind, a dossier the officer opened and the approver approved."""
    from cadastre_officer.core.register import Register
    from cadastre_officer.core.session import OfficerSession

    session = OfficerSession(Register(officer.connection, app_user), WARD, project)
    if dossier_kind:
        dossier = session.open_dossier(number, dossier_kind, "Quyết định 12/QĐ-UBND",
                                       "2025-03-01", person)
        approve(approver.url, dossier.id)
    return session


def pushed_into_neighbour(layer, parcel_id: int, neighbour_id: int):
    """The plot grown 1 m into its neighbour (what dragging a vertex too far does)."""
    plot = feature_of(layer, parcel_id).geometry()
    neighbour = feature_of(layer, neighbour_id).geometry()
    return plot.combine(plot.buffer(1.0, 2).intersection(neighbour))


def split_line(geometry):
    """A north-south line through the middle of a geometry, overshooting it by a metre."""
    from qgis.core import QgsPointXY

    box = geometry.boundingBox()
    x = box.center().x()
    return [QgsPointXY(x, box.yMinimum() - 1), QgsPointXY(x, box.yMaximum() + 1)]


def test_check_shows_an_overlap_pushed_into_the_neighbour_in_the_dock(
    officer: Login, ward_url: str, project, qgis_canvas
) -> None:
    from cadastre_officer.gui.check_dock import CheckDock

    session = session_for(officer, project)
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    fid = feature_of(layer, plot).id()
    assert layer.changeGeometry(fid, pushed_into_neighbour(layer, plot, neighbour))

    issues = session.check()
    dock = CheckDock(qgis_canvas)
    dock.show_issues(issues, session.srid)

    ((neighbour_ref,),) = query(ward_url, "SELECT cadastre.parcel_ref(%s::bigint)", neighbour)
    overlap = next(i for i in issues if i.rule == "overlap")
    assert overlap.other_ref == neighbour_ref and overlap.severity == "error"
    assert dock.has_errors() and dock.tree.topLevelItemCount() == len(issues)
    first = dock.tree.topLevelItem(0)
    assert first.text(1) == "overlap" and neighbour_ref in first.text(3)
    assert session.layers.issues.featureCount() == len(issues)
    dock.zoom_to(first)
    location = session.layers.issues.getFeature(1).geometry()
    assert qgis_canvas.extent().contains(location.boundingBox())


def test_check_finds_a_seeded_spike_as_a_warning_to_acknowledge(
    officer: Login, ward_url: str, project, qgis_canvas
) -> None:
    from cadastre_officer.gui.check_dock import CheckDock
    from qgis.core import QgsPointXY

    session = session_for(officer, project)
    plot, _ = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    fid = feature_of(layer, plot).id()
    ring = feature_of(layer, plot).geometry().asMultiPolygon()[0][0]
    a, b, c = ring[0], ring[1], ring[2]

    def towards(start, end, metres: float) -> QgsPointXY:
        length = start.distance(end)
        return QgsPointXY(start.x() + (end.x() - start.x()) * metres / length,
                          start.y() + (end.y() - start.y()) * metres / length)

    # A needle: a vertex 0.5 m beyond b along a→b, then back to 2 mm from b towards c.
    tip = towards(b, QgsPointXY(2 * b.x() - a.x(), 2 * b.y() - a.y()), 0.5)
    step = towards(b, c, 0.002)
    assert layer.insertVertex(tip.x(), tip.y(), fid, 2)
    assert layer.insertVertex(step.x(), step.y(), fid, 3)

    issues = session.check()
    dock = CheckDock(qgis_canvas)
    dock.show_issues(issues, session.srid)

    assert "spike" in {i.rule for i in issues}
    assert all(i.severity == "warning" for i in issues if i.rule == "spike")
    assert dock.unacknowledged()
    dock.acknowledge_all()
    assert not dock.unacknowledged()
    ticked = dock.acknowledged()
    assert f"spike:{issues[0].parcel_ref}" in ticked
    dock.show_issues(session.check(), session.srid)  # Submit checks again: ticks are kept
    dock.acknowledge(ticked)
    assert not dock.unacknowledged()


def test_a_split_made_with_qgis_split_tool_is_submitted_atomically(
    officer: Login, approver: Login, ward_url: str, project
) -> None:
    session = session_for(officer, project, "split", approver)
    plot, _ = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    parent = feature_of(layer, plot)
    layer.selectByIds([parent.id()])
    assert layer.splitFeatures(split_line(parent.geometry())) == 0
    assert len(layer.editBuffer().addedFeatures()) == 1

    issues = session.check()
    assert not [i for i in issues if i.severity == "error"], issues
    result = session.submit([f"{i.rule}:{i.parcel_ref}" for i in issues])

    assert result.ok, result
    assert [p["action"] for p in result.parcels] == ["retired", "created", "created"]
    children = [p["parcel_id"] for p in result.parcels if p["action"] == "created"]
    rows = query(ward_url, "SELECT status, dossier_id FROM cadastre.parcel WHERE id = %s", plot)
    assert rows[0][0] == "retired"
    lineage = query(ward_url, "SELECT child_id FROM cadastre.parcel_lineage WHERE parent_id = %s "
                              "ORDER BY child_id", plot)
    assert [c for (c,) in lineage] == sorted(children)
    (area,) = query(ward_url, "SELECT abs(sum(ST_Area(c.geom)) - ST_Area(p.geom)) FROM "
                              "cadastre.parcel AS c, cadastre.parcel AS p WHERE c.id = ANY(%s) "
                              "AND p.id = %s GROUP BY p.geom", children, plot)
    assert area[0] < 0.05
    assert not layer.isEditable()
    ids = {f["id"] for f in layer.getFeatures()}
    assert plot not in ids and set(children) <= ids
    audited = query(ward_url, "SELECT DISTINCT action, db_role, app_user "
                              "FROM cadastre.audit_transaction WHERE dossier_id = %s "
                              "ORDER BY action", session.dossier.id)
    assert audited == [("change", officer.name, session.register.app_user),
                       ("decide", approver.name, "Lê Văn Hùng"),
                       ("open", officer.name, session.register.app_user)]
    assert session.register.app_user


def test_an_overlapping_edit_is_refused_with_its_message_and_nothing_changes(
    officer: Login, approver: Login, ward_url: str, project
) -> None:
    session = session_for(officer, project, "resurvey", approver)
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    layer.changeGeometry(feature_of(layer, plot).id(),
                         pushed_into_neighbour(layer, plot, neighbour))
    before = query(ward_url, "SELECT id, version FROM cadastre.parcel ORDER BY id")

    result = session.submit()

    ((neighbour_ref,),) = query(ward_url, "SELECT cadastre.parcel_ref(%s::bigint)", neighbour)
    assert result.status == "refused"
    assert "error(s) in the edits" in result.message and neighbour_ref in result.message
    assert "overlap" in {i.rule for i in result.issues}
    assert query(ward_url, "SELECT id, version FROM cadastre.parcel ORDER BY id") == before
    assert layer.isEditable() and layer.editBuffer().isModified()  # the officer can fix it


def test_two_officers_on_one_parcel_the_second_is_told_who_made_the_change_and_can_redo(
    officer: Login, second_officer: Login, approver: Login, ward_url: str, project
) -> None:
    from cadastre_officer.logic.submission import describe_failure

    plot, _ = inner_plot(ward_url, WARD)
    # The dossier records one officer; another person, at the desk, makes the change.
    first = session_for(officer, project, "correction", approver, person="Đỗ Văn Hồ Sơ",
                        number="HS-A", app_user="Nguyễn Thị Lan")
    second = session_for(second_officer, project, "correction", approver,
                         person="Trần Minh Đức", number="HS-B")
    for session, delta in ((first, 0.4), (second, 0.8)):
        layer = session.layers.parcels
        layer.startEditing()
        feature = feature_of(layer, plot)
        area_index = layer.fields().indexOf("legal_area")
        assert layer.changeAttributeValue(feature.id(), area_index,
                                          round(feature["measured_area"] + delta, 1))

    assert first.submit(["area_tolerance"]).ok
    result = second.submit(["area_tolerance"])

    assert result.status == "conflict"
    text = describe_failure(result)
    vietnamese, english = text.split("\n")[0].split(" — ")
    assert vietnamese.startswith("Một đồng nghiệp đã sửa thửa đất")
    assert "Nguyễn Thị Lan" in vietnamese and officer.name in vietnamese and "HS-A" in vietnamese
    assert "changed" not in vietnamese and english.startswith("A colleague changed")
    assert "Đỗ Văn Hồ Sơ" not in text  # the audit's person, not the dossier's recorded one
    assert query(ward_url, "SELECT version FROM cadastre.parcel WHERE id = %s", plot) == [(2,)]
    second.discard_edits()
    assert feature_of(second.layers.parcels, plot)["version"] == 2
    layer = second.layers.parcels
    layer.startEditing()
    feature = feature_of(layer, plot)
    layer.changeAttributeValue(feature.id(), layer.fields().indexOf("legal_area"),
                               round(feature["measured_area"] + 0.8, 1))
    assert second.submit(["area_tolerance"]).ok
    assert query(ward_url, "SELECT version FROM cadastre.parcel WHERE id = %s", plot) == [(3,)]


def test_saving_the_layer_with_qgis_save_edits_is_refused_in_plain_words(
    officer: Login, ward_url: str, project
) -> None:
    from cadastre_officer.core.session import commit_refusal

    session = session_for(officer, project)
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    layer.changeGeometry(feature_of(layer, plot).id(),
                         pushed_into_neighbour(layer, plot, neighbour))
    before = query(ward_url, "SELECT id, version FROM cadastre.parcel ORDER BY id")

    assert not layer.commitChanges()

    plain = commit_refusal(layer)
    assert plain is not None and plain.startswith("Không lưu trực tiếp được lớp thửa đất")
    assert "approved dossier" in plain and "Submit" in plain
    assert layer.isEditable() and layer.editBuffer().isModified()  # still there to submit
    assert query(ward_url, "SELECT id, version FROM cadastre.parcel ORDER BY id") == before


@pytest.fixture(autouse=True)
def _no_pending_edits(project):
    yield
    for layer in project.mapLayers().values():
        if layer.isEditable():
            layer.rollBack()
