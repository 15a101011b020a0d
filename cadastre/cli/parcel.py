"""`cadastre parcel ...`: look at a parcel, now or at a past date."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from cadastre.cli.common import console, engine, parse_date
from cadastre.errors import CadastreError
from cadastre.register import service
from cadastre.register.refs import parse_parcel_ref

app = typer.Typer(
    help="Look up parcels: identity, land uses, holders, history.", no_args_is_help=True
)


@app.command()
def show(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER, e.g. 00070/12/45"),
    as_of: str | None = typer.Option(None, "--as-of", help="Show the parcel as of YYYY-MM-DD."),
    known_at: str | None = typer.Option(
        None,
        "--known-at",
        help="As the register knew it at the end of YYYY-MM-DD (default: what it knows now).",
    ),
) -> None:
    """Show a parcel: identity, areas, land uses, holders, restrictions, certificates, history.

    --as-of is the legal date (who held it then); --known-at the register's knowledge date,
    so corrections made later can be seen or set aside.
    """
    parcel_ref = parse_parcel_ref(ref)
    legal_date = parse_date(as_of, "--as-of") or dt.date.today()
    known_date = parse_date(known_at, "--known-at")
    knowledge = end_of_day(known_date) if known_date else None
    with service.unit_of_work(engine()) as session:
        parcel = service.find_parcel(
            session, parcel_ref, knowledge or (end_of_day(legal_date) if as_of else None)
        )
        if parcel is None:
            when = f" on {legal_date}" if as_of else ""
            raise CadastreError(
                f"No parcel {parcel_ref}{when}", hint="Check the commune code, sheet and number."
            )
        report = service.parcel_report(session, parcel, legal_date, knowledge)
        _print_report(report, legal_date)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a day (UTC): what the register knew by the end of it."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def _land_use_text(use: dict) -> str:
    """'ODT 120.5 m²', or 'ODT (area not recorded)' when the source gave none (never None m²)."""
    area = use.get("area")
    return f"{use['code']} {area} m²" if area is not None else f"{use['code']} (area not recorded)"


def _print_report(report: service.ParcelReport, legal_date: dt.date) -> None:
    parcel = report.parcel
    console.print(
        f"[bold]Parcel {parcel.commune_code}/{parcel.sheet_number}/"
        f"{parcel.parcel_number}[/bold]  ({parcel.status}, version {parcel.version})"
    )
    console.print(f"Address: {parcel.address or '-'}")
    console.print(f"Legal area: {parcel.legal_area} m²; measured: {report.measured_area} m²")
    uses = ", ".join(_land_use_text(u) for u in parcel.land_uses)
    console.print(f"Land uses: {uses}")
    for old in parcel.old_identifiers:
        console.print(
            f"Formerly {old['commune_code']}/{old['sheet_number']}/"
            f"{old['parcel_number']} (until {old['until']})"
        )
    console.print(_rights_table(report.rights, legal_date))
    for certificate in report.certificates:
        state = f"cancelled {certificate.cancelled_on}" if certificate.cancelled_on else "valid"
        console.print(
            f"Certificate {certificate.serial} (book {certificate.book_number}), "
            f"issued {certificate.issued_on}, {state}"
        )
    for event in report.timeline:
        console.print(
            f"{event['on_date']}  {event['kind_en']} ({event['kind_vi']})  "
            f"dossier {event['dossier_number']}"
        )
    for relative in report.genealogy:
        console.print(
            f"{relative['relation']} {relative['ref']} ({relative['kind']}, "
            f"dossier {relative['dossier_number']}, {relative['status']})"
        )


def _rights_table(rights: list[dict], legal_date: dt.date) -> Table:
    table = Table(title=f"Rights and restrictions on {legal_date}")
    for column in ("kind", "valid", "holder", "share"):
        table.add_column(column)
    for right in rights:
        valid = right["valid"]
        table.add_row(
            right["kind"],
            f"{valid.lower} → {valid.upper or '…'}",
            right["party_name"] or "-",
            right["share"] or "-",
        )
    return table
