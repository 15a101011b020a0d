"""The parcel panel: identity and old identifiers, land uses, legal and measured area,
holders and shares, rights and restrictions, certificate, the timeline of dossiers and the
genealogy — as the register holds it now, or as of a past date."""

from __future__ import annotations

import html
from typing import Any

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
from ..logic.i18n import is_vietnamese, tr
from ..logic.sql import literal


def parcel_record(register: Register, parcel_id: int, as_of: str | None = None) -> dict:
    """Everything the panel shows about a parcel, now or at the end of a past date."""
    at = f"({literal(as_of)}::date + 1)::timestamptz" if as_of else "now()"
    legal = f"{literal(as_of)}::date" if as_of else "current_date"
    pid = int(parcel_id)
    return register.json(f"""
        SELECT jsonb_build_object(
          'as_of', {literal(as_of)},
          'parcel', (SELECT to_jsonb(x) - 'geom' - 'sys_period' - 'sys_txid'
                              || jsonb_build_object(
                                   'ref', cadastre.parcel_ref(x.commune_code, x.sheet_number,
                                                              x.parcel_number),
                                   'measured_area', round(ST_Area(x.geom)::numeric, 1))
                     FROM cadastre.parcel_as_of({pid}::bigint, {at}) AS x LIMIT 1),
          'rights', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'kind', r.kind, 'class', r.class, 'from', lower(r.valid),
                         'until', upper(r.valid), 'holder', r.party_name, 'share', r.share,
                         'creditor', (SELECT name FROM cadastre.party WHERE id = r.creditor_id),
                         'kind_vi', k.name_vi, 'kind_en', k.name_en)
                         ORDER BY r.class, r.rrr_id, r.party_id), '[]')
                     FROM cadastre.rights_as_of({pid}::bigint, {legal}) AS r
                     JOIN cadastre.rrr_kind AS k ON k.code = r.kind),
          'certificates', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'serial', c.serial, 'book_number', c.book_number,
                         'issued_on', c.issued_on, 'cancelled_on', c.cancelled_on)
                         ORDER BY c.issued_on), '[]')
                     FROM cadastre.certificate AS c
                     JOIN cadastre.certificate_parcel AS cp ON cp.certificate_id = c.id
                     WHERE cp.parcel_id = {pid} AND c.issued_on <= {legal}
                       AND (c.cancelled_on IS NULL OR c.cancelled_on > {legal})),
          'timeline', (SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]')
                       FROM cadastre.parcel_timeline({pid}::bigint) AS t
                       WHERE t.on_date IS NULL OR t.on_date <= {legal}),
          'genealogy', (SELECT coalesce(jsonb_agg(to_jsonb(g)), '[]')
                        FROM cadastre.parcel_genealogy({pid}::bigint) AS g)
        )::text""")


def _rows(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return f"<p><i>{html.escape(tr('None'))}</i></p>"
    head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>"
                                    for v in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='2'><tr>{head}</tr>{body}</table>"


def lineage_word(code: str) -> str:
    """A genealogy relation or lineage kind in the interface language."""
    words = {"ancestor": tr("ancestor"), "descendant": tr("descendant"), "split": tr("split"),
             "merge": tr("merge"), "resurvey": tr("resurvey")}
    return words.get(code, code)


def render_parcel(record: dict, vietnamese: bool | None = None) -> str:
    """The panel's HTML for a parcel record (from `parcel_record`)."""
    vi = is_vietnamese() if vietnamese is None else vietnamese
    name = "kind_vi" if vi else "kind_en"
    parcel = record.get("parcel")
    when = record.get("as_of")
    title = tr("As of {0}").format(when) if when else tr("Now")
    if parcel is None:
        return (f"<h3>{html.escape(title)}</h3><p>"
                + html.escape(tr("The register held no version of this parcel at that date."))
                + "</p>")
    old = [f"{o.get('commune_code')}/{o.get('sheet_number')}/{o.get('parcel_number')} "
           f"({tr('until')} {o.get('until')})" for o in parcel.get("old_identifiers") or []]
    parts = [
        f"<h3>{html.escape(parcel['ref'])}</h3><p>{html.escape(title)} · "
        f"{html.escape(tr('status'))}: {html.escape(parcel['status'])} · "
        f"{html.escape(tr('version'))} {parcel['version']}</p>",
        _rows([tr("Legal area (m²)"), tr("Measured area (m²)"), tr("Old identifiers")],
              [[parcel["legal_area"], parcel["measured_area"], "; ".join(old) or "—"]]),
        f"<h4>{html.escape(tr('Land uses'))}</h4>",
        _rows([tr("Code"), tr("Area (m²)"), tr("Form"), tr("Term")],
              [[u.get("code"), u.get("area"), u.get("form"), u.get("term_end") or tr("long-term")]
               for u in parcel.get("land_uses") or []]),
        f"<h4>{html.escape(tr('Holders and shares'))}</h4>",
        _rows([tr("Right"), tr("Holder"), tr("Share"), tr("Since")],
              [[r[name], r["holder"], r["share"], r["from"]]
               for r in record["rights"] if r["class"] == "right"]),
        f"<h4>{html.escape(tr('Restrictions'))}</h4>",
        _rows([tr("Restriction"), tr("Creditor or claimant"), tr("Since"), tr("Until")],
              [[r[name], r["creditor"], r["from"], r["until"]]
               for r in record["rights"] if r["class"] != "right"]),
        f"<h4>{html.escape(tr('Certificate'))}</h4>",
        _rows([tr("Serial"), tr("Book entry"), tr("Issued")],
              [[c["serial"], c["book_number"], c["issued_on"]] for c in record["certificates"]]),
        f"<h4>{html.escape(tr('Timeline of dossiers'))}</h4>",
        _rows([tr("Date"), tr("Dossier"), tr("Kind")],
              [[t["on_date"], t["dossier_number"], t[name]] for t in record["timeline"]]),
        f"<h4>{html.escape(tr('Genealogy'))}</h4>",
        _rows([tr("Relation"), tr("Parcel"), tr("By"), tr("Dossier"), tr("Status")],
              [[lineage_word(g["relation"]), g["ref"], lineage_word(g["kind"]),
                g["dossier_number"], g["status"]]
               for g in record["genealogy"]]),
    ]
    return "".join(parts)


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
