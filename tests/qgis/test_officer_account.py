"""An honest officer's day, as their own login role (made by `cadastre user add`, with a
password) and never as the register's owner: the parcel layer is editable, a dossier opened
in the plugin's dialog is approved by another person (the approver's own login), the edits
are submitted; outside the officer's communes the refusal is a sentence in Vietnamese with
the English beside it, never PostgreSQL's raw text."""

from __future__ import annotations

import pytest

from tests.qgis.conftest import WARD, Login
from tests.qgis.helpers import approve, feature_of, inner_plot, query
from tests.qgis.test_edit_workflow import session_for


@pytest.fixture
def refusals(monkeypatch) -> list[str]:
    """What the dialogs would show in a warning box (captured instead of shown)."""
    from cadastre_officer.gui import dossier_dialog

    shown: list[str] = []
    monkeypatch.setattr(dossier_dialog.QMessageBox, "warning",
                        lambda _parent, _title, text: shown.append(text))
    return shown


def open_in_dialog(session, number: str, kind: str = "correction") -> bool:
    """Fill the dossier dialog's "new dossier" part and press OK; True when it accepted."""
    from cadastre_officer.gui.dossier_dialog import DossierDialog
    from qgis.PyQt.QtWidgets import QDialog

    dialog = DossierDialog(session)
    dialog.new.setChecked(True)
    dialog.number.setText(number)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    dialog.legal_basis.setText("Đơn đề nghị đính chính")
    dialog.accept()
    return dialog.result() == QDialog.Accepted


def grow_legal_area(layer, parcel_id: int, by: float = 0.4) -> None:
    feature = feature_of(layer, parcel_id)
    assert layer.changeAttributeValue(feature.id(), layer.fields().indexOf("legal_area"),
                                      round(feature["measured_area"] + by, 1))


def test_the_officer_can_edit_the_parcel_layer(officer: Login, project) -> None:
    from qgis.core import QgsVectorDataProvider

    session = session_for(officer, project)
    layer = session.layers.parcels

    capabilities = layer.dataProvider().capabilities()
    assert capabilities & QgsVectorDataProvider.ChangeGeometries
    assert capabilities & QgsVectorDataProvider.AddFeatures
    assert capabilities & QgsVectorDataProvider.ChangeAttributeValues
    assert layer.startEditing()
    assert layer.featureCount() > 100


def test_the_officer_edits_checks_opens_a_dossier_and_submits_once_approved(
    officer: Login, approver: Login, ward_url: str, project, refusals: list[str]
) -> None:
    from tests.qgis.test_edit_workflow import pushed_into_neighbour

    session = session_for(officer, project)
    plot, neighbour = inner_plot(ward_url, WARD)
    layer = session.layers.parcels
    assert layer.startEditing()
    fid = feature_of(layer, plot).id()
    before = feature_of(layer, plot).geometry()
    assert layer.changeGeometry(fid, pushed_into_neighbour(layer, plot, neighbour))
    assert "overlap" in {i.rule for i in session.check()}
    assert layer.changeGeometry(fid, before)  # pulled back to its own boundary…
    a, b = before.asMultiPolygon()[0][0][:2]
    assert layer.insertVertex((a.x() + b.x()) / 2, (a.y() + b.y()) / 2, fid, 1)  # …a vertex more
    issues = session.check()
    assert not [i for i in issues if i.severity == "error"], issues

    assert open_in_dialog(session, "HS-2026-017"), refusals
    assert session.dossier.status == "received"
    waiting = session.submit([f"{i.rule}:{i.parcel_ref}" for i in issues])
    assert waiting.status == "refused"

    approve(approver.url, session.dossier.id)
    result = session.submit([f"{i.rule}:{i.parcel_ref}" for i in issues])

    assert result.ok, result
    assert query(ward_url, "SELECT version FROM cadastre.parcel WHERE id = %s", plot) == [(2,)]
    roles = query(ward_url, "SELECT action, db_role FROM cadastre.audit_transaction "
                            "WHERE dossier_id = %s ORDER BY action", session.dossier.id)
    assert roles == [("change", officer.name), ("decide", approver.name),
                     ("open", officer.name)]
    assert query(ward_url, "SELECT opened_by, decided_by, commune_code FROM cadastre.dossier "
                           "WHERE id = %s", session.dossier.id) == [
        (officer.name, approver.name, WARD)]


def test_the_officer_is_refused_outside_their_communes_in_words(
    officer: Login, outside_officer: Login, approver: Login, ward_url: str, project,
    refusals: list[str]
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.logic.submission import describe_failure

    assert [c.code for c in Register(outside_officer.connection).communes()] != [WARD]
    ward_dossier = session_for(officer, project, "correction", approver, number="HS-W").dossier
    outside = session_for(outside_officer, project)  # reading the ward is allowed

    assert not open_in_dialog(outside, "HS-X")
    (shown,) = refusals
    assert shown.startswith(f"Tài khoản {outside_officer.name} không được phép")
    assert f"Your account {outside_officer.name} is not allowed" in shown
    assert "permission denied" not in shown

    plot, _ = inner_plot(ward_url, WARD)
    outside.use_dossier({"id": ward_dossier.id, "number": "HS-W", "kind": "correction"})
    outside.layers.parcels.startEditing()
    grow_legal_area(outside.layers.parcels, plot)
    result = outside.submit(["area_tolerance"])

    assert result.status == "refused" and result.sqlstate == "42501"
    text = describe_failure(result, outside_officer.name)
    assert text.startswith(f"Tài khoản {outside_officer.name} không được phép")
    assert f"Your account {outside_officer.name} is not allowed" in text
    assert WARD in text  # the database names the commune that is not theirs
    assert query(ward_url, "SELECT version FROM cadastre.parcel WHERE id = %s", plot) == [(1,)]


def test_a_raw_postgresql_refusal_reaches_the_officer_as_a_sentence_with_a_hint(
    officer: Login,
) -> None:
    from cadastre_officer.core.register import Register
    from cadastre_officer.logic.errors import PermissionRefusedError, RegisterError

    register = Register(officer.connection)
    with pytest.raises(RegisterError) as refused:
        register.change("UPDATE cadastre.officer_commune SET commune_code = commune_code "
                        "RETURNING commune_code")

    error = refused.value
    assert error.sqlstate == "42501" and isinstance(error, PermissionRefusedError)
    assert error.plain == (f"Tài khoản {officer.name} không được phép làm việc này trong sổ địa "
                           f"chính. — Your account {officer.name} is not allowed to do this in "
                           "the register.")
    assert error.hint.startswith("Hãy nhờ quản trị viên") and "cadastre user add" in error.hint
    assert "permission denied" not in error.text and "permission denied" in error.raw
