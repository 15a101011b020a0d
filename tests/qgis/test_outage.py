"""The register stops in the middle of an officer's session and starts again: the dock and the
message bar say it is unreachable (Vietnamese, English beside), the parcel panel says so too
instead of raising, Reload refuses rather than throwing the edits away, the edits are saved to
a file, and after the restart the same pending edit is checked (no spurious "invalid
geometry") and submitted; the file puts the edits back on a fresh layer.

The server is the test's own (a private cluster on a port of its own), never the run's shared
one: stopping it disturbs nobody."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cadastre.db.connection import connect, ensure_database, with_user
from cadastre.db.migrate import migrate
from cadastre.db.roles import add_user
from cadastre.db.server import ProjectServer
from cadastre.samples.loader import load_ward
from cadastre.settings import PROJECT_ROOT, Settings
from data_samples.generator import generate
from tests.conftest import _create_test_register
from tests.qgis.conftest import (
    PASSWORD,
    WARD,
    WARD_PARCELS,
    WARD_SEED,
    forget_connection,
    save_connection,
)
from tests.qgis.helpers import approve, feature_of, inner_plot, query

# Private clusters live under the project (the server's OS user cannot enter pytest's tmp).
TEST_HOMES = PROJECT_ROOT / ".cadastre" / "test-homes"
UNREACHABLE_VI = "Không kết nối được tới cơ sở dữ liệu sổ địa chính"
UNREACHABLE_EN = "The register database cannot be reached"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class OwnRegister:
    """A register on a server of the test's own, with an officer and an approver."""

    server: ProjectServer
    url: str
    officer_connection: str
    approver_url: str
    officer_url: str


@pytest.fixture
def own_register() -> Iterator[OwnRegister]:
    """A private cluster holding the sample ward, stopped and removed afterwards."""
    home = TEST_HOMES / f"qgis-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    server = ProjectServer.from_settings(Settings(home=home, port=free_port()))
    connection = None
    try:
        server.start()
        ensure_database(server)
        url = server.url()
        conn = connect(url)
        try:
            migrate(conn)
            conn.commit()
            server.set_role_passwords()
            _create_test_register(conn)
            load_ward(conn, generate(WARD_PARCELS, WARD_SEED))
            add_user(conn, "desk_officer", "officer", [WARD], password=PASSWORD)
            add_user(conn, "desk_approver", "approver", [WARD], password=PASSWORD)
            conn.commit()
        finally:
            conn.close()
        connection = save_connection(with_user(url, "desk_officer", PASSWORD),
                                     f"outage-{uuid.uuid4().hex[:6]}")
        yield OwnRegister(server, url, connection, with_user(url, "desk_approver", PASSWORD),
                          with_user(url, "desk_officer", PASSWORD))
    finally:
        if connection:
            forget_connection(connection)
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_an_outage_keeps_the_edits_says_so_and_the_officer_retries_after_the_restart(
    own_register: OwnRegister, qgis_iface, project, tmp_path: Path
) -> None:
    import cadastre_officer
    from qgis.core import Qgis

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    try:
        session = plugin.open_commune(own_register.officer_connection, WARD)
        dossier = session.open_dossier("HS-MAT-DIEN", "correction", "Đơn đính chính",
                                       "2026-03-02", "Phạm Thu Trang")
        approve(own_register.approver_url, dossier.id)
        plot, _ = inner_plot(own_register.url, WARD)
        layer = session.layers.parcels
        layer.startEditing()
        feature = feature_of(layer, plot)
        new_area = round(feature["measured_area"] + 0.4, 1)
        assert layer.changeAttributeValue(feature.id(), layer.fields().indexOf("legal_area"),
                                          new_area)
        before = session.edit_set().edits

        own_register.server.stop()  # the register goes away mid-session

        plugin.check()
        status = plugin.check_dock.status.text()
        assert UNREACHABLE_VI in status and UNREACHABLE_EN in status
        said = qgis_iface.messageBar().messages[Qgis.MessageLevel.Critical]
        assert said and UNREACHABLE_VI in said[-1] and UNREACHABLE_EN in said[-1]
        assert "]" not in status.split("\n")[0]
        assert "No issue" not in status  # nothing was checked: never "can be submitted"
        plugin.panel.show_parcel(session.register, plot)  # does not raise…
        assert UNREACHABLE_VI in plugin.panel.view.toPlainText()  # …and says why
        plugin.submit()
        assert UNREACHABLE_VI in plugin.check_dock.status.text()
        plugin.reload()  # refused while the register is away: the work is not thrown out
        assert layer.isEditable() and layer.editBuffer().isModified()
        saved = tmp_path / "pending.json"
        plugin.save_edits(str(saved))
        assert saved.exists()

        own_register.server.start()  # back again: the officer retries

        plugin.check()
        issues = plugin.check_dock.issues
        assert not [i for i in issues if i.severity == "error"], issues
        assert session.edit_set().edits == before  # same edit, geometry and all

        plugin.reload()  # start afresh, then put the saved edits back from the file
        assert not layer.isEditable()
        plugin.restore_edits(str(saved))
        assert layer.isEditable() and session.edit_set().edits == before

        session.use_dossier({"id": dossier.id, "number": dossier.number,
                             "kind": dossier.kind, "status": "approved"})
        plugin.check()
        plugin.check_dock.acknowledge_all()
        plugin.submit()
        assert query(own_register.url, "SELECT legal_area::float FROM cadastre.parcel "
                                       "WHERE id = %s", plot) == [(new_area,)]
        assert query(own_register.url, "SELECT status FROM cadastre.dossier WHERE id = %s",
                     dossier.id) == [("closed",)]  # closed after submitting (the default)
    finally:
        if plugin.session is not None and plugin.session.layers.parcels.isEditable():
            plugin.session.layers.parcels.rollBack()
        plugin.unload()
