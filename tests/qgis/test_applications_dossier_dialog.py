"""The plugin's dossier dialog marks the dossiers received online: an application filed on
the web (as the web role) and accepted by the officer appears with its receipt code."""

from __future__ import annotations

from cadastre.db.connection import connect, with_user
from cadastre.register.binding import applications
from tests.qgis.conftest import WARD, Login
from tests.qgis.test_edit_workflow import session_for
from tests.web.applications_helpers import GOOD_ID


def test_the_dossier_dialog_marks_a_dossier_filed_online(ward_url: str, officer: Login,
                                                        project) -> None:
    from cadastre_officer.gui.dossier_dialog import DossierDialog

    owner = connect(ward_url)
    with owner, owner.cursor() as cur:
        cur.execute("SELECT commune_code || '/' || sheet_number || '/' || parcel_number "
                    "FROM cadastre.parcel WHERE status = 'current' AND commune_code = %s "
                    "ORDER BY id LIMIT 1", (WARD,))
        ref = cur.fetchone()[0]
    owner.close()
    web = connect(with_user(ward_url, "cadastre_web"))
    with web, web.cursor() as cur:
        receipt, _ = applications.submit_application(
            cur, service="transfer", dossier_kind="gift", parcels=[ref], name="Ngô Văn Tặng",
            id_number=GOOD_ID, phone="0912000111", email=None, relation="donee", note=None,
            documents=[{"media_type": "application/pdf", "size_bytes": 10, "sha256": "ab" * 32,
                        "stored_as": "2026/" + "0" * 32 + ".pdf"}])
    web.close()
    desk = connect(officer.url)
    with desk, desk.cursor() as cur:
        applications.accept_application(cur, receipt=receipt)
    desk.close()

    dialog = DossierDialog(session_for(officer, project))
    items = [dialog.existing.itemText(i) for i in range(dialog.existing.count())]
    online = [item for item in items if receipt in item]
    assert len(online) == 1 and "nộp trực tuyến — filed online" in online[0]
    assert all("trực tuyến" not in item for item in items if receipt not in item)
