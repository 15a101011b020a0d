"""The dock listing the issues of Check (and of a refused Submit): rule, severity, parcel and
message; a click zooms to the issue and flashes it; warnings are ticked to acknowledge them."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QDockWidget,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.layers import issue_geometry
from ..logic.i18n import is_vietnamese, tr
from ..logic.issues import Issue, errors_first

COLUMNS = ("severity", "rule", "parcel", "message")
SEVERITY_COLOURS = {"error": QColor("#e31a1c"), "warning": QColor("#ff7f00")}


class CheckDock(QDockWidget):
    """Issues of the pending edits, with the warnings the officer acknowledges."""

    def __init__(self, canvas, parent: QWidget | None = None) -> None:
        super().__init__(tr("Cadastre check"), parent)
        self.setObjectName("CadastreCheckDock")
        self.canvas = canvas
        self.srid: int | None = None
        self.issues: list[Issue] = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.status = QLabel(tr("No check run yet."), body)
        self.status.setWordWrap(True)
        self.tree = QTreeWidget(body)
        self.tree.setHeaderLabels([tr("Severity"), tr("Rule"), tr("Parcel"), tr("Message")])
        self.tree.setRootIsDecorated(False)
        self.tree.itemClicked.connect(self.zoom_to)
        layout.addWidget(self.status)
        layout.addWidget(self.tree)
        self.setWidget(body)

    def show_issues(self, issues: list[Issue], srid: int, headline: str | None = None) -> None:
        """List issues (errors first); warnings get a box to tick."""
        self.srid = srid
        self.issues = errors_first(issues)
        self.tree.blockSignals(True)
        self.tree.clear()
        vietnamese = is_vietnamese()
        for index, issue in enumerate(self.issues):
            item = QTreeWidgetItem([
                tr("error") if issue.is_error else tr("warning"),
                issue.rule, issue.parcel_ref or "", issue.message(vietnamese)])
            item.setData(0, Qt.UserRole, index)
            item.setForeground(0, SEVERITY_COLOURS.get(issue.severity, QColor("black")))
            item.setToolTip(3, f"{issue.message_vi or ''}\n{issue.message_en or ''}")
            if issue.is_warning:
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(0, Qt.Unchecked)
            self.tree.addTopLevelItem(item)
        for column in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(column)
        self.tree.blockSignals(False)
        errors = sum(1 for i in issues if i.is_error)
        warnings = len(issues) - errors
        summary = tr("{0} error(s), {1} warning(s).").format(errors, warnings) if issues \
            else tr("No issue: the edits can be submitted.")
        self.status.setText(f"{headline}\n{summary}" if headline else summary)

    def show_message(self, text: str) -> None:
        """A line of status above the list (a refusal, a conflict, a success)."""
        self.status.setText(text)

    def has_errors(self) -> bool:
        """True while an error is listed (Submit is blocked)."""
        return any(issue.is_error for issue in self.issues)

    def unacknowledged(self) -> list[Issue]:
        """Warnings not yet ticked."""
        return [self.issues[i] for i, item in self._items()
                if self.issues[i].is_warning and item.checkState(0) != Qt.Checked]

    def acknowledged(self) -> list[str]:
        """The ticked warnings, named as submit_edits expects."""
        return [self.issues[i].acknowledgement for i, item in self._items()
                if self.issues[i].is_warning and item.checkState(0) == Qt.Checked]

    def acknowledge(self, keys: list[str]) -> None:
        """Tick the warnings named (kept across a re-check of the same edits)."""
        for index, item in self._items():
            if item.flags() & Qt.ItemIsUserCheckable and \
                    self.issues[index].acknowledgement in keys:
                item.setCheckState(0, Qt.Checked)

    def acknowledge_all(self) -> None:
        """Tick every warning."""
        for _, item in self._items():
            if item.flags() & Qt.ItemIsUserCheckable:
                item.setCheckState(0, Qt.Checked)

    def _items(self):
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            yield item.data(0, Qt.UserRole), item

    def zoom_to(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """Zoom the map to the clicked issue and flash its location."""
        issue = self.issues[item.data(0, Qt.UserRole)]
        geometry = issue_geometry(issue)
        if geometry is None or self.canvas is None:
            return
        box = geometry.boundingBox()
        box.grow(max(box.width(), box.height(), 10.0))
        crs = QgsCoordinateReferenceSystem(f"EPSG:{self.srid}")
        canvas_crs = self.canvas.mapSettings().destinationCrs()
        if canvas_crs.isValid() and canvas_crs != crs:
            from qgis.core import QgsCoordinateTransform, QgsProject
            transform = QgsCoordinateTransform(crs, canvas_crs, QgsProject.instance())
            box = transform.transformBoundingBox(box)
        self.canvas.setExtent(box)
        self.canvas.refresh()
        self.canvas.flashGeometries([geometry], crs)
