"""Wiring only: the toolbar, menu, docks, map tool and Processing provider of the plugin."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsMapToolIdentifyFeature
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QMessageBox

from . import i18n
from .check_dock import CheckDock
from .connect_dialog import ConnectDialog
from .connection import RegisterError, both
from .dossier_dialog import DossierDialog
from .i18n import tr
from .parcel_panel import ParcelPanel
from .processing.provider import CadastreProvider
from .session import OfficerSession, commit_refusal, describe_failure

MENU = "&Cadastre"


class CadastreOfficerPlugin:
    """The land officer's plugin."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.session: OfficerSession | None = None
        self.actions: dict[str, QAction] = {}
        self.provider: CadastreProvider | None = None
        self.toolbar = None
        self.check_dock: CheckDock | None = None
        self.panel: ParcelPanel | None = None
        self.identify_tool: QgsMapToolIdentifyFeature | None = None

    # QGIS plugin interface --------------------------------------------------------------------

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the Processing provider (also when QGIS runs headless)."""
        self.provider = CadastreProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        """Create the toolbar, menu entries and docks."""
        i18n.install()
        self.initProcessing()
        icon = QIcon(str(Path(__file__).parent / "resources" / "icon.svg"))
        self.toolbar = self.iface.addToolBar(tr("Cadastre"))
        self.toolbar.setObjectName("CadastreOfficerToolbar")
        for key, text, slot in (
            ("connect", tr("Connect…"), self.connect),
            ("dossier", tr("Dossier…"), self.choose_dossier),
            ("check", tr("Check"), self.check),
            ("submit", tr("Submit"), self.submit),
            ("reload", tr("Reload and redo"), self.reload),
            ("identify", tr("Parcel information"), self.identify),
        ):
            action = QAction(icon if key == "connect" else QIcon(), text,
                             self.iface.mainWindow())
            action.setObjectName(f"cadastre_{key}")
            action.triggered.connect(slot)
            action.setEnabled(key == "connect")
            self.toolbar.addAction(action)
            self.iface.addPluginToMenu(MENU, action)
            self.actions[key] = action
        self.check_dock = CheckDock(self.iface.mapCanvas(), self.iface.mainWindow())
        self.panel = ParcelPanel(self.iface.mainWindow())
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.check_dock)
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.panel)

    def unload(self) -> None:
        """Remove everything the plugin added."""
        for action in self.actions.values():
            self.iface.removePluginMenu(MENU, action)
        if self.toolbar is not None:
            self.toolbar.deleteLater()
        for dock in (self.check_dock, self.panel):
            if dock is not None:
                self.iface.removeDockWidget(dock)
                dock.deleteLater()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
        i18n.uninstall()

    # Actions ----------------------------------------------------------------------------------

    def open_commune(self, connection_name: str, commune: str) -> OfficerSession:
        """Open a commune of the register (what Connect does after its dialog)."""
        from .connection import Register

        if self.session is not None:
            self.session.close()
        self.session = OfficerSession(Register(connection_name), commune)
        self.session.layers.parcels.beforeCommitChanges.connect(self._watch_save)
        for key in ("dossier", "check", "submit", "reload", "identify"):
            self.actions[key].setEnabled(True)
        canvas = self.iface.mapCanvas()
        canvas.setExtent(self.session.layers.boundary.extent())
        canvas.refresh()
        self.iface.setActiveLayer(self.session.layers.parcels)
        return self.session

    def connect(self) -> None:
        dialog = ConnectDialog(self.iface.mainWindow())
        if dialog.exec_() != QDialog.Accepted or dialog.commune() is None:
            return
        try:
            self.open_commune(dialog.connections.currentText(), dialog.commune())
        except RegisterError as exc:
            QMessageBox.warning(self.iface.mainWindow(), tr("Cadastre"), exc.text)

    def choose_dossier(self) -> None:
        if self.session is None:
            return
        dialog = DossierDialog(self.session, self.iface.mainWindow())
        if dialog.exec_() != QDialog.Accepted or self.session.dossier is None:
            return
        dossier = self.session.dossier
        text = tr("Working for dossier {0}.").format(dossier.number)
        if dossier.status != "approved":
            text += " " + both(
                "Hồ sơ đang chờ duyệt: một lãnh đạo khác duyệt hồ sơ rồi mới Gửi được.",
                "The dossier awaits approval: another person, an approver, approves it before "
                "the edits can be submitted.")
        self.check_dock.show_message(text)

    def check(self) -> None:
        if self.session is None:
            return
        try:
            issues = self.session.check()
        except RegisterError as exc:
            self.check_dock.show_message(exc.text)
            return
        self.check_dock.show_issues(issues, self.session.srid)
        self.check_dock.show()

    def submit(self) -> None:
        if self.session is None:
            return
        if self.session.dossier is None:
            self.choose_dossier()
            if self.session.dossier is None:
                return
        ticked = self.check_dock.acknowledged()
        self.check()
        self.check_dock.acknowledge(ticked)
        if self.check_dock.has_errors():
            self._say(tr("Errors block the submission: fix them and check again."),
                      Qgis.Warning)
            return
        if self.check_dock.unacknowledged():
            self._say(tr("Tick every warning in the check dock to acknowledge it, then submit "
                         "again."), Qgis.Warning)
            return
        try:
            result = self.session.submit(self.check_dock.acknowledged())
        except RegisterError as exc:
            self._say(exc.text, Qgis.Critical)
            return
        if result.ok:
            self.check_dock.show_issues([], self.session.srid, tr(
                "Submitted for dossier {0}: {1} parcel(s) changed.").format(
                self.session.dossier.number, len(result.parcels)))
            self._say(tr("The edits are in the register."), Qgis.Success)
        else:
            text = describe_failure(result, self.session.register.login())
            self.check_dock.show_issues(result.issues, self.session.srid, text)
            self._say(text, Qgis.Critical)

    def reload(self) -> None:
        if self.session is not None:
            self.session.discard_edits()
            self.check_dock.show_issues([], self.session.srid, tr("Reloaded from the register."))

    def identify(self) -> None:
        if self.session is None:
            return
        canvas = self.iface.mapCanvas()
        self.identify_tool = QgsMapToolIdentifyFeature(canvas, self.session.layers.parcels)
        self.identify_tool.featureIdentified.connect(
            lambda feature: self.panel.show_parcel(self.session.register, feature["id"]))
        canvas.setMapTool(self.identify_tool)
        self.panel.show()

    # QGIS's own "Save edits" -----------------------------------------------------------------

    def _watch_save(self, *_args) -> None:
        """After QGIS tries to save the parcel layer itself, explain the refusal."""
        from qgis.PyQt.QtCore import QTimer

        QTimer.singleShot(0, self._explain_save)

    def _explain_save(self) -> None:
        if self.session is None:
            return
        plain = commit_refusal(self.session.layers.parcels)
        if plain:
            self._say(plain, Qgis.Warning)

    def _say(self, text: str, level) -> None:
        self.iface.messageBar().pushMessage(tr("Cadastre"), text, level, 15)
