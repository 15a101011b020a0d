"""The parcel panel's page: `cadastre.parcel_record` (one SQL call, the same record
`cadastre parcel show` prints) rendered as HTML in the interface language — identity and old
identifiers, areas, land uses, holders and shares, restrictions, the certificate in force,
the timeline of dossiers and the genealogy."""

from __future__ import annotations

import html
from typing import Any

from .i18n import is_vietnamese, tr


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


def holder_rows(rights: list[dict[str, Any]], name: str) -> list[list[Any]]:
    """One row per holder of each right in force: right, holder, share, since."""
    return [[r[name], h.get("name"), h.get("share"), r["from"]]
            for r in rights for h in (r.get("holders") or [{}])]


def render_parcel(record: dict[str, Any], vietnamese: bool | None = None) -> str:
    """The panel's HTML for a parcel record (`cadastre.parcel_record`, with the date the
    officer chose as `as_of`: None for now)."""
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
              holder_rows(record["rights"], name)),
        f"<h4>{html.escape(tr('Restrictions'))}</h4>",
        _rows([tr("Restriction"), tr("Creditor or claimant"), tr("Since"), tr("Until")],
              [[r[name], r["creditor"], r["from"], r["until"]]
               for r in record["restrictions"]]),
        f"<h4>{html.escape(tr('Certificate'))}</h4>",
        _rows([tr("Serial"), tr("Book entry"), tr("Issued")],
              [[c["serial"], c["book_number"], c["issued_on"]]
               for c in record["certificates"] if c["in_force"]]),
        f"<h4>{html.escape(tr('Timeline of dossiers'))}</h4>",
        _rows([tr("Date"), tr("Dossier"), tr("Kind")],
              [[t["on_date"], t["dossier_number"], t[name]] for t in record["timeline"]]),
        f"<h4>{html.escape(tr('Genealogy'))}</h4>",
        _rows([tr("Relation"), tr("Parcel"), tr("By"), tr("Dossier"), tr("Status")],
              [[lineage_word(g["relation"]), g["ref"], lineage_word(g["kind"]),
                g["dossier_number"], g["status"]]
               for g in record["lineage"]]),
    ]
    return "".join(parts)
