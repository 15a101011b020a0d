"""The parcel panel: identity and old identifiers, land uses, legal and measured area,
holders and shares, rights and restrictions, certificate, the timeline of dossiers and the
genealogy — as the register holds it now, or as of a past date. The record is the register's
`cadastre.parcel_record`; `logic/parcel_record.py` renders it."""

from __future__ import annotations

import html

from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDockWidget,
    QHBoxLayout,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.register import Register
from ..logic.errors import RegisterError
from ..logic.i18n import tr
from ..logic.parcel_record import render_parcel
from ..logic.sql import literal


def parcel_record(register: Register, parcel_id: int, as_of: str | None = None) -> dict:
    """Everything the panel shows about a parcel, now or at the end of a past date: the
    register's own `cadastre.parcel_record`, with the date asked for as `as_of`."""
    found = register.json(f"SELECT cadastre.parcel_record({int(parcel_id)}::bigint, "
                          f"{literal(as_of)}::date)::text")
    return {**found, "as_of": as_of}


class ParcelPanel(QDockWidget):
    """A dock showing one parcel, now or as of the date in its date field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Parcel"), parent)
        self.setObjectName("CadastreParcelPanel")
        self.register: Register | None = None
        self.parcel_id: int | None = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        row = QHBoxLayout()
        self.past = QCheckBox(tr("As of date"), body)
        self.date = QDateEdit(QDate.currentDate(), body)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setEnabled(False)
        row.addWidget(self.past)
        row.addWidget(self.date)
        row.addStretch(1)
        self.view = QTextBrowser(body)
        self.view.setHtml(f"<p>{html.escape(tr('Click a parcel on the map.'))}</p>")
        layout.addLayout(row)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.past.toggled.connect(self.date.setEnabled)
        self.past.toggled.connect(lambda *_: self.refresh())
        self.date.dateChanged.connect(lambda *_: self.refresh())

    def as_of(self) -> str | None:
        """The chosen past date (ISO), or None for now."""
        return self.date.date().toString(Qt.ISODate) if self.past.isChecked() else None

    def show_parcel(self, register: Register, parcel_id: int) -> None:
        """Show a parcel (at the chosen date)."""
        self.register, self.parcel_id = register, int(parcel_id)
        self.refresh()

    def refresh(self) -> None:
        """Read the parcel again for the current date choice."""
        if self.register is None or self.parcel_id is None:
            return
        try:
            record = parcel_record(self.register, self.parcel_id, self.as_of())
        except RegisterError as exc:  # the register out of reach: say so, keep the panel
            self.view.setHtml("<p><b>" + html.escape(exc.plain).replace("\n", "<br>")
                              + "</b></p><p>" + html.escape(exc.hint or "") + "</p>")
            return
        self.view.setHtml(render_parcel(record))
