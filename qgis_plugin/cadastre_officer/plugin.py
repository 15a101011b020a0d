"""Wiring only: the toolbar, menu, docks, map tool and Processing provider of the plugin."""

from __future__ import annotations

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsMapToolIdentifyFeature
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QMessageBox

from . import i18n
from .__about__ import __icon_path__
from .core.register import Register
from .core.session import OfficerSession, commit_refusal
from .gui.check_dock import CheckDock
from .gui.connect_dialog import ConnectDialog
from .gui.dossier_dialog import DossierDialog
from .gui.extract_action import issue_extract
from .gui.parcel_panel import ParcelPanel
from .logic.account import APPROVING_KINDS, EDITING_KINDS
from .logic.errors import RegisterError
from .logic.i18n import both, tr
from .logic.submission import describe_failure
from .processing.provider import CadastreProvider

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
        self._action_tool = None
        self._watching_tools = False

    # QGIS plugin interface --------------------------------------------------------------------

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the Processing provider (also when QGIS runs headless)."""
        self.provider = CadastreProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        """Create the toolbar, menu entries and docks."""
        i18n.install()
        self.initProcessing()
        icon = QIcon(str(__icon_path__))
        self.toolbar = self.iface.addToolBar(tr("Cadastre"))
        self.toolbar.setObjectName("CadastreOfficerToolbar")
        for key, text, slot in (
            ("connect", tr("Connect…"), self.connect),
            ("dossier", tr("Dossier…"), self.choose_dossier),
            ("split", tr("Split parcel"), lambda: self.record_action("split")),
            ("merge", tr("Merge parcels"), lambda: self.record_action("merge")),
            ("correction", tr("Correct boundary"), lambda: self.record_action("correction")),
            ("check", tr("Check"), self.check),
            ("submit", tr("Submit"), self.submit),
            ("close_after", tr("Close the dossier after submitting"), None),
            ("approve", tr("Approve dossier…"), self.approve),
            ("save_edits", tr("Save pending edits to a file…"), self.save_edits),
            ("restore_edits", tr("Restore pending edits from a file…"), self.restore_edits),
            ("reload", tr("Reload and redo"), self.reload),
            ("identify", tr("Parcel information"), self.identify),
            ("extract", tr("Parcel extract (PDF)…"), self.extract),
        ):
            action = QAction(icon if key == "connect" else QIcon(), text,
                             self.iface.mainWindow())
            action.setObjectName(f"cadastre_{key}")
            if slot is None:  # an option, not a command
                action.setCheckable(True)
                action.setChecked(True)
            else:
                action.triggered.connect(slot)
                self.toolbar.addAction(action)
            action.setEnabled(key == "connect")
            action.setVisible(key != "approve")  # shown when an approver connects
            self.iface.addPluginToMenu(MENU, action)
            self.actions[key] = action
        self.check_dock = CheckDock(self.iface.mapCanvas(), self.iface.mainWindow())
        self.panel = ParcelPanel(self.iface.mainWindow())
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.check_dock)
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.panel)

    def unload(self) -> None:
        """Remove everything the plugin added."""
        if self._watching_tools:
            self.iface.mapCanvas().mapToolSet.disconnect(self._tool_changed)
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
        if self.session is not None:
            self.session.close()
        register = Register(connection_name)
        self.session = OfficerSession(register, commune)
        self.session.layers.parcels.beforeCommitChanges.connect(self._watch_save)
        self.follow_role(register.account().kind)
        canvas = self.iface.mapCanvas()
        canvas.setExtent(self.session.layers.boundary.extent())
        canvas.refresh()
        self.iface.setActiveLayer(self.session.layers.parcels)
        return self.session

    def follow_role(self, kind: str | None) -> None:
        """Menus that follow the account: an officer edits and submits, an approver also
        approves; an account of no group (or an analyst) only looks."""
        edits = kind in EDITING_KINDS
        for key in ("dossier", "split", "merge", "correction", "check", "submit",
                    "close_after", "save_edits", "restore_edits", "reload", "extract"):
            self.actions[key].setEnabled(edits)
            self.actions[key].setVisible(edits)
        self.actions["identify"].setEnabled(True)
        approves = kind in APPROVING_KINDS
        self.actions["approve"].setVisible(approves)
        self.actions["approve"].setEnabled(approves)

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

    def record_action(self, kind: str) -> None:
        """Say what the next edit of the selected parcels is, then hand over to QGIS's tool."""
        if self.session is None:
            return
        self.session.begin_action(kind)
        tool = {"split": "actionSplitFeatures", "merge": "actionMergeFeatures",
                "correction": "actionVertexTool"}[kind]
        if hasattr(self.iface, tool):
            getattr(self.iface, tool)().trigger()
        canvas = self.iface.mapCanvas()
        self._action_tool = canvas.mapTool()
        if not self._watching_tools:
            canvas.mapToolSet.connect(self._tool_changed)
            self._watching_tools = True
        self.check_dock.show_message({
            "split": both("Đang tách thửa: vẽ đường cắt qua thửa đã chọn.",
                          "Splitting: draw the cutting line across the selected parcel."),
            "merge": both("Đang gộp thửa: các thửa đã chọn sẽ được gộp.",
                          "Merging: the selected parcels are merged."),
            "correction": both("Đang chỉnh ranh giới của thửa đã chọn.",
                               "Correcting the boundary of the selected parcel."),
        }[kind])

    def _tool_changed(self, tool, *_args) -> None:
        """The officer took another map tool: the recorded split or merge is over."""
        if self.session is not None and tool is not self._action_tool:
            self.session.end_action()

    def check(self) -> None:
        if self.session is None:
            return
        try:
            issues = self.session.check()
        except RegisterError as exc:  # the list is cleared: nothing was checked
            self.check_dock.show_issues([], self.session.srid)
            self.check_dock.show_message(exc.text)
            self.check_dock.show()
            self._say(exc.plain, Qgis.Critical)
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
        dossier = self.session.dossier
        try:
            result = self.session.submit(self.check_dock.acknowledged(),
                                         self.actions["close_after"].isChecked())
        except RegisterError as exc:
            self.check_dock.show_message(exc.text)
            self._say(exc.text, Qgis.Critical)
            return
        if result.ok:
            text = tr("Submitted for dossier {0}: {1} parcel(s) changed.").format(
                dossier.number, len(result.parcels))
            if result.closed:
                text += " " + both(f"Hồ sơ {dossier.number} đã đóng.",
                                   f"Dossier {dossier.number} is closed.")
            elif result.close_error:
                text += "\n" + result.close_error
            self.check_dock.show_issues([], self.session.srid, text)
            self._say(tr("The edits are in the register."), Qgis.Success)
        else:
            text = describe_failure(result, self.session.register.login())
            self.check_dock.show_issues(result.issues, self.session.srid, text)
            if not result.issues:  # refused though Check found nothing: no "no issue" line
                self.check_dock.show_message(text)
            self._say(text, Qgis.Critical)

    def approve(self) -> None:
        """An approver approves a received dossier of the commune another person opened."""
        from qgis.PyQt.QtWidgets import QInputDialog

        if self.session is None:
            return
        try:
            waiting = self.session.awaiting_approval()
        except RegisterError as exc:
            self._say(exc.text, Qgis.Critical)
            return
        if not waiting:
            self._say(both("Không có hồ sơ nào chờ duyệt.", "No dossier awaits approval."),
                      Qgis.Info)
            return
        names = [f"{d['number']} — {d.get('legal_basis') or ''}" for d in waiting]
        name, ok = QInputDialog.getItem(self.iface.mainWindow(), tr("Approve dossier…"),
                                        tr("Dossier"), names, 0, False)
        if not ok:
            return
        dossier = waiting[names.index(name)]
        try:
            self.session.approve(dossier["id"])
        except RegisterError as exc:
            self._say(exc.text, Qgis.Critical)
            return
        self._say(both(f"Đã duyệt hồ sơ {dossier['number']}.",
                       f"Dossier {dossier['number']} approved."), Qgis.Success)

    def save_edits(self, path: str | None = None) -> None:
        """Write the session's pending edits to a file (they stay on the layer)."""
        from qgis.PyQt.QtWidgets import QFileDialog

        if self.session is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.iface.mainWindow(),
                                                  tr("Save pending edits to a file…"), "",
                                                  "JSON (*.json)")
        if path:
            count = self.session.save_edits(path)
            self._say(both(f"Đã lưu {count} thay đổi vào {path}.",
                           f"{count} edit(s) saved to {path}."), Qgis.Success)

    def restore_edits(self, path: str | None = None) -> None:
        """Put pending edits saved in a file back on the parcel layer."""
        from qgis.PyQt.QtWidgets import QFileDialog

        if self.session is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.iface.mainWindow(),
                                                  tr("Restore pending edits from a file…"), "",
                                                  "JSON (*.json)")
        if not path:
            return
        try:
            count = self.session.restore_edits(path)
        except RegisterError as exc:
            self._say(exc.text, Qgis.Critical)
            return
        self._say(both(f"Đã khôi phục {count} thay đổi từ {path}.",
                       f"{count} edit(s) restored from {path}."), Qgis.Success)

    def reload(self) -> None:
        if self.session is not None:
            try:
                self.session.discard_edits()
            except RegisterError as exc:
                self._say(exc.text, Qgis.Critical)
                return
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

    def extract(self, issued_for: str | None = None, path: str | None = None) -> dict | None:
        """Issue the extract (trích lục) of the one selected parcel for the person at the desk
        and write its PDF; returns the record (None when nothing was issued)."""
        from pathlib import Path

        from qgis.PyQt.QtWidgets import QFileDialog, QInputDialog

        if self.session is None:
            return None
        selected = self.session.layers.parcels.selectedFeatures()
        if len(selected) != 1:
            self._say(both("Chọn đúng một thửa đất để trích lục.",
                           "Select exactly one parcel to extract."), Qgis.Warning)
            return None
        parcel_id = selected[0]["id"]
        if issued_for is None:
            issued_for, ok = QInputDialog.getText(
                self.iface.mainWindow(), tr("Parcel extract (PDF)…"),
                both("Cấp cho (người yêu cầu hoặc mã hồ sơ):",
                     "Issued for (applicant or application receipt):"))
            if not ok:
                return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.iface.mainWindow(),
                                                  tr("Parcel extract (PDF)…"),
                                                  f"trich-luc-{parcel_id}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        try:
            record = issue_extract(self.session.register, parcel_id, issued_for, Path(path))
        except RegisterError as exc:
            self._say(exc.text, Qgis.Critical)
            return None
        self._say(both(f"Đã cấp trích lục {record['code']}: {path}",
                       f"Extract {record['code']} issued: {path}"), Qgis.Success)
        return record

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
