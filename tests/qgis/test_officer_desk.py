"""What the officer at the desk meets besides Check and Submit: the dossier picker (searchable,
recent first, only open dossiers of the officer's communes), the officer's own action saying
what an edit is (a split stays a split when a piece is then pushed into the neighbour),
snapping and topological editing preset, menus that follow the role, and a dossier closed
when its work is submitted."""

from __future__ import annotations

import pytest

from cadastre.register.binding import dossiers
from tests.qgis.conftest import WARD, Login
from tests.qgis.helpers import approve, feature_of, inner_plot, query
from tests.qgis.test_edit_workflow import session_for, split_line


def close(url: str, dossier_id: int) -> None:
    """Close a dossier on a login of its own (the approver's)."""
    from cadastre.db.connection import connect

    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            dossiers.close_dossier(cur, dossier_id=dossier_id)
    finally:
        conn.close()


def test_the_dossier_picker_lists_only_open_dossiers_recent_first_and_searches(
    officer: Login, approver: Login, project
) -> None:
    from cadastre_officer.gui.dossier_dialog import DossierDialog

    session = session_for(officer, project)
    waiting = session.open_dossier("HS-MO-1", "correction", "Đơn 1", "2026-01-10", "Lan")
    closed = session.open_dossier("HS-DONG-1", "correction", "Đơn 2", "2026-01-11", "Lan")
    approve(approver.url, closed.id)
    close(approver.url, closed.id)

    listed = session.dossiers()

    numbers = [d["number"] for d in listed]
    assert "HS-MO-1" in numbers and "HS-DONG-1" not in numbers  # closed: gone
    assert {d["status"] for d in listed} <= {"received", "approved"}
    recent = [d["recent"] for d in listed]
    assert recent == sorted(recent, reverse=True)  # most recent first
    assert [d["number"] for d in session.dossiers("mo-1")] == ["HS-MO-1"]
    dialog = DossierDialog(session)
    assert dialog.existing.count() == len(listed)
    dialog.search.setText("HS-MO")
    assert dialog.existing.count() == 1
    assert dialog.existing.currentData()["id"] == waiting.id
    dialog.search.setText("no such dossier")
    assert dialog.existing.count() == 0


def test_an_officer_of_another_commune_is_offered_no_dossier_of_the_ward(
    officer: Login, outside_officer: Login, project
) -> None:
    mine = session_for(officer, project)
    mine.open_dossier("HS-WARD-1", "correction", None, "2026-02-01", "Lan")
    outsider = session_for(outside_officer, project)

    assert "HS-WARD-1" in [d["number"] for d in mine.dossiers()]
    assert outsider.dossiers() == []


def grown_out(piece, kept):
    """The piece pushed 1.5 m out on every side but the cut (a vertex dragged past the
    parcel's boundary into its neighbours)."""
    return piece.buffer(1.5, 2).difference(kept)


def test_a_split_then_a_piece_pushed_into_the_neighbour_is_still_a_split(
    officer: Login, ward_url: str, project
) -> None:
    session = session_for(officer, project)
    plot, _ = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    parent = feature_of(layer, plot)
    layer.selectByIds([parent.id()])
    session.begin_action("split")  # the plugin's "Split parcel", then QGIS's split tool
    assert layer.splitFeatures(split_line(parent.geometry())) == 0
    session.end_action()
    (piece_fid,) = layer.editBuffer().addedFeatures().keys()
    kept = layer.getFeature(parent.id()).geometry()
    assert layer.changeGeometry(piece_fid, grown_out(layer.getFeature(piece_fid).geometry(),
                                                     kept))

    edits = session.edit_set().edits
    issues = session.check()

    assert [e.get("split_of") for e in edits] == [plot, plot]
    assert not [i for i in issues if "đã được dùng" in (i.message_vi or "")], issues
    assert "overlap" in {i.rule for i in issues}  # what is really wrong: the neighbour
    session.intents.forget()  # without the recorded action the cover ratio cannot tell
    assert [e.get("split_of") for e in session.edit_set().edits] == [None, None]


def test_a_merge_recorded_by_the_officer_replaces_both_parcels(
    officer: Login, ward_url: str, project
) -> None:
    session = session_for(officer, project)
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    keep, gone = feature_of(layer, plot), feature_of(layer, neighbour)
    session.begin_action("merge", [keep.id(), gone.id()])
    # The merged outline a little off the union: the fallback's 0.99 would still say merge,
    # the recorded action says it regardless.
    assert layer.changeGeometry(keep.id(), keep.geometry().combine(gone.geometry()))
    assert layer.deleteFeature(gone.id())

    (edit,) = session.edit_set().edits

    assert sorted(edit["replaces"]) == sorted([plot, neighbour])


def test_the_parcel_layer_snaps_and_edits_topologically(officer: Login, project) -> None:
    from qgis.core import QgsSnappingConfig

    session = session_for(officer, project)

    config = project.snappingConfig()
    assert config.enabled() and project.topologicalEditing()
    settings = config.individualLayerSettings(session.layers.parcels)
    assert settings.enabled()
    assert settings.typeFlag() & QgsSnappingConfig.VertexFlag


def test_moving_a_shared_vertex_moves_it_in_both_parcels(
    officer: Login, ward_url: str, project
) -> None:
    plot, neighbour = inner_plot(ward_url, WARD)
    session = session_for(officer, project)
    layer = session.layers.parcels
    layer.startEditing()
    mine, theirs = feature_of(layer, plot), feature_of(layer, neighbour)
    shared = next(v for v in mine.geometry().vertices()
                  if theirs.geometry().vertices() and any(
                      abs(v.x() - w.x()) < 1e-6 and abs(v.y() - w.y()) < 1e-6
                      for w in theirs.geometry().vertices()))
    moved = (shared.x() + 0.3, shared.y() + 0.2)

    # What QGIS's vertex tool does with topological editing on: every vertex at that spot.
    for feature in (mine, theirs):
        vertex = next(i for i, v in enumerate(feature.geometry().vertices())
                      if abs(v.x() - shared.x()) < 1e-6 and abs(v.y() - shared.y()) < 1e-6)
        assert layer.moveVertex(*moved, feature.id(), vertex)

    issues = session.check()
    assert "overlap" not in {i.rule for i in issues}
    assert {e["parcel_id"] for e in session.edit_set().edits} == {plot, neighbour}


def test_menus_follow_the_role(officer: Login, approver: Login, qgis_iface, project) -> None:
    import cadastre_officer

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    try:
        plugin.open_commune(officer.connection, WARD)
        assert not plugin.actions["approve"].isVisible()
        assert plugin.actions["submit"].isVisible() and plugin.actions["split"].isEnabled()
        plugin.open_commune(approver.connection, WARD)
        assert plugin.actions["approve"].isVisible() and plugin.actions["approve"].isEnabled()
    finally:
        if plugin.session is not None:
            plugin.session.close()
        plugin.unload()


def test_a_submitted_dossier_is_closed_when_the_option_is_on(
    officer: Login, approver: Login, ward_url: str, project
) -> None:
    from tests.qgis.test_officer_account import grow_legal_area

    session = session_for(officer, project, "correction", approver, number="HS-CLOSE")
    dossier = session.dossier
    plot, _ = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    grow_legal_area(layer, plot)

    result = session.submit(["area_tolerance"], close_dossier=True)

    assert result.ok and result.closed, result
    assert query(ward_url, "SELECT status FROM cadastre.dossier WHERE id = %s",
                 dossier.id) == [("closed",)]
    assert session.dossier is None  # the next edits need a dossier still open
    assert "HS-CLOSE" not in [d["number"] for d in session.dossiers()]


@pytest.fixture(autouse=True)
def _no_pending_edits(project):
    yield
    for layer in project.mapLayers().values():
        if layer.isEditable():
            layer.rollBack()


def test_the_plugin_end_to_end_in_english(
    officer: Login, approver: Login, ward_url: str, qgis_iface, project
) -> None:
    """QGIS set to English (the Vietnamese run is the desktop test's, from the built zip)."""
    import cadastre_officer
    from cadastre_officer import i18n
    from cadastre_officer.logic.i18n import is_vietnamese
    from qgis.core import Qgis

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    assert not i18n.install("en")  # English is the source language: no translation loaded
    assert not is_vietnamese()
    english = True
    try:
        session = plugin.open_commune(officer.connection, WARD)
        dossier = session.open_dossier("HS-LANG", "correction", None, "2026-04-01", "Lan")
        approve(approver.url, dossier.id)
        plot, neighbour = inner_plot(ward_url, WARD)
        layer = session.layers.parcels
        layer.startEditing()
        from tests.qgis.test_edit_workflow import pushed_into_neighbour

        fid = feature_of(layer, plot).id()
        assert layer.changeGeometry(fid, pushed_into_neighbour(layer, plot, neighbour))
        plugin.check()
        overlap = next(plugin.check_dock.tree.topLevelItem(i)
                       for i in range(plugin.check_dock.tree.topLevelItemCount())
                       if plugin.check_dock.tree.topLevelItem(i).text(1) == "overlap")
        issue = next(i for i in plugin.check_dock.issues if i.rule == "overlap")
        assert overlap.text(3) == (issue.message_en if english else issue.message_vi)
        assert overlap.text(0) == ("error" if english else "lỗi")
        layer.rollBack()
        layer.startEditing()
        from tests.qgis.test_officer_account import grow_legal_area

        grow_legal_area(layer, plot)
        plugin.check()
        plugin.check_dock.acknowledge_all()
        plugin.submit()

        said = qgis_iface.messageBar().messages[Qgis.MessageLevel.Success]
        assert said[-1].endswith("The edits are in the register.")
        assert plugin.actions["check"].text() == "Check"
        assert "HS-LANG" in plugin.check_dock.status.text()
        assert query(ward_url, "SELECT status FROM cadastre.dossier WHERE id = %s",
                     dossier.id) == [("closed",)]
    finally:
        if plugin.session is not None:
            plugin.session.close()
        plugin.unload()
        i18n.uninstall()


def test_a_refused_merge_is_told_in_vietnamese_first(
    officer: Login, approver: Login, ward_url: str, project
) -> None:
    from cadastre_officer.logic.submission import describe_failure

    session = session_for(officer, project, "merge", approver, number="HS-GOP")
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    keep, gone = feature_of(layer, plot), feature_of(layer, neighbour)
    session.begin_action("merge", [keep.id(), gone.id()])
    assert layer.changeGeometry(keep.id(), keep.geometry().combine(gone.geometry()))
    assert layer.deleteFeature(gone.id())

    result = session.submit(["area_tolerance"])

    assert result.status == "refused", result
    text = describe_failure(result, officer.name)
    first_line = text.split("\n")[0]
    vietnamese = first_line.split(" — ")[0]
    assert vietnamese.startswith(("Sổ địa chính từ chối", "Không gộp được")), text
    assert layer.isEditable() and layer.editBuffer().isModified()


def test_a_recorded_split_saved_to_a_file_comes_back_as_the_same_split(
    officer: Login, ward_url: str, project, tmp_path
) -> None:
    session = session_for(officer, project)
    plot, _ = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    layer.startEditing()
    parent = feature_of(layer, plot)
    session.begin_action("split", [parent.id()])
    assert layer.splitFeatures(split_line(parent.geometry())) == 0
    session.end_action()
    (piece_fid,) = layer.editBuffer().addedFeatures().keys()
    kept = layer.getFeature(parent.id()).geometry()
    layer.changeGeometry(piece_fid, grown_out(layer.getFeature(piece_fid).geometry(), kept))
    before = session.edit_set().edits
    saved = tmp_path / "split.json"

    assert session.save_edits(saved) == 2
    session.discard_edits()
    assert not layer.isEditable() and session.edit_set().edits == []
    assert session.restore_edits(saved) == 2

    assert session.edit_set().edits == before
    assert [e.get("split_of") for e in before] == [plot, plot]


def test_a_recorded_action_ends_when_the_officer_takes_another_map_tool(
    officer: Login, ward_url: str, qgis_iface, project
) -> None:
    import cadastre_officer
    from qgis.gui import QgsMapToolPan

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    try:
        session = plugin.open_commune(officer.connection, WARD)
        plot, _ = inner_plot(ward_url, WARD)
        session.layers.parcels.startEditing()
        session.layers.parcels.selectByIds([feature_of(session.layers.parcels, plot).id()])
        plugin.record_action("split")
        assert session.action is not None and session.action[0] == "split"
        pan = QgsMapToolPan(qgis_iface.mapCanvas())
        qgis_iface.mapCanvas().setMapTool(pan)
        assert session.action is None  # a parcel added now is not a piece of the split
    finally:
        if plugin.session is not None:
            plugin.session.close()
        plugin.unload()


def test_a_connection_to_a_wrong_port_is_told_unreachable_without_a_password_prompt(
    officer: Login,
) -> None:
    from urllib.parse import urlparse

    from cadastre_officer.gui.connect_dialog import ConnectDialog

    from tests.qgis.conftest import forget_connection, save_connection
    from tests.qgis.test_outage import free_port

    port = urlparse(officer.url).port
    wrong = officer.url.replace(f":{port}/", f":{free_port()}/", 1)
    name = save_connection(wrong, "cadastre-wrong-port")
    try:
        dialog = ConnectDialog()
        dialog.load_communes(name)
        assert "Không kết nối được tới cơ sở dữ liệu sổ địa chính" in dialog.message.text()
        assert "cannot be reached" in dialog.message.text() and dialog.communes.count() == 0
        dialog.load_communes(officer.connection)  # the right one says what it may do
        assert "officer" in dialog.message.text() and WARD in dialog.message.text()
    finally:
        forget_connection(name)
