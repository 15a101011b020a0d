"""Choose a PostgreSQL connection saved in QGIS and a commune of the register."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from ..core.register import Register, saved_connections
from ..logic.errors import RegisterError
from ..logic.i18n import tr


class ConnectDialog(QDialog):
    """The officer picks one of their saved connections, then a commune they may edit; the
    dialog says what the connection's account may do (its kind and communes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Connect to the register"))
        self.register: Register | None = None
        form = QFormLayout(self)
        self.connections = QComboBox(self)
        self.connections.addItems(saved_connections())
        self.communes = QComboBox(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(tr("Saved PostgreSQL connection"), self.connections)
        form.addRow(tr("Commune"), self.communes)
        form.addRow(self.message)
        form.addRow(buttons)
        self.connections.currentTextChanged.connect(self.load_communes)
        if not self.connections.count():
            self.message.setText(tr("No PostgreSQL connection is saved in QGIS. Add one in the "
                                    "Data Source Manager (with an authentication configuration) "
                                    "first."))
        self.load_communes(self.connections.currentText())

    def load_communes(self, name: str) -> None:
        """List the communes of the chosen connection's register."""
        self.communes.clear()
        self.register = None
        if not name:
            return
        try:
            register = Register(name)
            account = register.account()
        except RegisterError as exc:
            self.message.setText(exc.text)
            return
        for commune in account.communes:
            self.communes.addItem(f"{commune.code} — {commune.name}", commune.code)
        self.register = register
        self.message.setText(account.describe())

    def commune(self) -> str | None:
        """The chosen commune code."""
        return self.communes.currentData()
