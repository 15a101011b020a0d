"""Choose the dossier the edits are made for: a dossier of the commune still open (approved,
or received and awaiting an approver; most recent first, searched by number, legal basis or
officer, limited to the account's communes; those filed online marked with their receipt
code), or a new one (number, kind, legal basis, date
received, officer) recorded as received. An approver, another person, approves it before
edits are submitted."""

from __future__ import annotations

from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.session import OfficerSession
from ..logic.errors import InputError, RegisterError
from ..logic.i18n import both, is_vietnamese, tr
from ..logic.submission import Dossier


class DossierDialog(QDialog):
    """Pick or open the dossier of an officer's session."""

    def __init__(self, session: OfficerSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(tr("Dossier"))
        name = "kind_vi" if is_vietnamese() else "kind_en"
        layout = QVBoxLayout(self)
        self.pick = QRadioButton(tr("A dossier of the commune"), self)
        self.new = QRadioButton(tr("A new dossier"), self)
        self.kind_name = name
        self.search = QLineEdit(self)
        self.search.setObjectName("dossier_search")
        self.search.setPlaceholderText(tr("Search by number, legal basis or officer"))
        self.search.setClearButtonEnabled(True)
        self.existing = QComboBox(self)
        self.fill(session.dossiers())
        self.search.textChanged.connect(self.find)
        box = QGroupBox(self)
        form = QFormLayout(box)
        self.number = QLineEdit(box)
        self.kind = QComboBox(box)
        kind_name = "name_vi" if is_vietnamese() else "name_en"
        for kind in session.dossier_kinds():
            self.kind.addItem(kind[kind_name], kind["code"])
        self.legal_basis = QLineEdit(box)
        self.received = QDateEdit(QDate.currentDate(), box)
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("yyyy-MM-dd")
        self.officer = QLineEdit(session.register.officer(), box)
        form.addRow(tr("Number"), self.number)
        form.addRow(tr("Kind"), self.kind)
        form.addRow(tr("Legal basis"), self.legal_basis)
        form.addRow(tr("Received on"), self.received)
        form.addRow(tr("Officer"), self.officer)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for widget in (self.pick, self.search, self.existing, self.new, box, buttons):
            layout.addWidget(widget)
        self.pick.toggled.connect(self.existing.setEnabled)
        self.pick.toggled.connect(self.search.setEnabled)
        self.new.toggled.connect(box.setEnabled)
        (self.pick if self.existing.count() else self.new).setChecked(True)
        box.setEnabled(self.new.isChecked())
        self.existing.setEnabled(self.pick.isChecked())

    def fill(self, dossiers: list[dict]) -> None:
        """List dossiers (most recent first, as the register gives them)."""
        self.existing.clear()
        for item in dossiers:
            waiting = "" if item.get("status") == "approved" else \
                " — " + both("chờ duyệt", "awaiting approval")
            online = " — " + both("nộp trực tuyến", "filed online") + \
                f" {item['online_receipt']}" if item.get("online_receipt") else ""
            when = item.get("decided_on") or item.get("received_on") or ""
            self.existing.addItem(f"{item['number']} — {when} — {item[self.kind_name]} — "
                                  f"{item.get('legal_basis') or ''}{waiting}{online}", item)

    def find(self, text: str) -> None:
        """Narrow the list to dossiers matching the search text (asked of the register)."""
        try:
            self.fill(self.session.dossiers(text))
        except RegisterError as exc:
            QMessageBox.warning(self, tr("Dossier"), exc.text)

    def chosen(self) -> Dossier:
        """Work for the chosen dossier (recording a new one as received)."""
        if self.pick.isChecked():
            if self.existing.currentData() is None:
                raise InputError(tr("No open dossier matches: search again or open a new "
                                       "one."), "")
            return self.session.use_dossier(self.existing.currentData())
        if not self.number.text().strip():
            raise InputError(tr("Give the dossier a number."), "")
        return self.session.open_dossier(
            self.number.text().strip(), self.kind.currentData(),
            self.legal_basis.text().strip() or None,
            self.received.date().toString(Qt.ISODate), self.officer.text().strip())

    def accept(self) -> None:
        try:
            self.chosen()
        except RegisterError as exc:
            QMessageBox.warning(self, tr("Dossier"), exc.text)
            return
        super().accept()
