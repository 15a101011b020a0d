"""`cadastre service ...`: the online public services an office offers and its holiday
calendar (docs/online-services.md). The figures the law or the province sets — processing
time in working days, fee — are entered here by the office; none is invented."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from cadastre.cli.common import console, parse_date, work
from cadastre.register.binding import applications
from cadastre.register.binding.call import dict_rows

app = typer.Typer(help="Online public services: their figures and the holiday calendar.",
                  no_args_is_help=True)
holiday_app = typer.Typer(help="Days off (public holidays, compensatory days) the due dates "
                          "skip.", no_args_is_help=True)
app.add_typer(holiday_app, name="holiday")


@app.command("list")
def list_() -> None:
    """List the services: processing time, fee note, documents required."""
    with work() as cur:
        rows = dict_rows(cur, "SELECT code, name_vi, processing_days, fee_note_vi, legal_basis, "
                              "jsonb_array_length(required_documents) AS documents, active "
                              "FROM online.service ORDER BY code", {})
    for r in rows:  # one block per service: the names and notes are long
        console.print(f"[bold]{r['code']}[/bold] {r['name_vi']}"
                      f"{'' if r['active'] else ' (withdrawn)'}")
        console.print(f"  processing time: {r['processing_days'] or 'not set'} working days; "
                      f"fee: {r['fee_note_vi'] or 'not set'}; documents: {r['documents']}")
        if r["legal_basis"]:
            console.print(f"  legal basis: {r['legal_basis']}")


@app.command("set")
def set_(
    code: str = typer.Argument(..., help="The service's code (cadastre service list)."),
    days: int | None = typer.Option(None, "--days", min=1, max=365,
                                    help="Processing time in working days, as the law sets it."),
    fee_vi: str | None = typer.Option(None, "--fee-vi", help="Fee note in Vietnamese."),
    fee_en: str | None = typer.Option(None, "--fee-en", help="Fee note in English."),
    legal_basis: str | None = typer.Option(None, "--legal-basis",
                                           help="The legal text the figures come from."),
    active: bool | None = typer.Option(None, "--active/--withdrawn",
                                       help="Offer the service, or withdraw it."),
) -> None:
    """Enter a service's figures (administrators); options left out keep their value."""
    with work() as cur:
        row = applications.set_service(cur, code=code, processing_days=days, fee_note_vi=fee_vi,
                                       fee_note_en=fee_en, legal_basis=legal_basis,
                                       active=active)
    console.print(f"Service {row['code']}: {row['processing_days'] or 'no'} working days, "
                  f"fee: {row['fee_note_vi'] or 'not set'}, "
                  f"{'offered' if row['active'] else 'withdrawn'}")


@holiday_app.command("add")
def holiday_add(
    day: str = typer.Argument(..., help="The day off (YYYY-MM-DD)."),
    name_vi: str = typer.Argument(..., help="What it is, in Vietnamese (e.g. 'Tết Nguyên đán')."),
    name_en: str | None = typer.Option(None, "--en", help="What it is, in English."),
) -> None:
    """Mark a day off in the office's calendar (administrators)."""
    on = parse_date(day, "DAY")
    with work() as cur:
        applications.add_holiday(cur, day=on or day, name_vi=name_vi, name_en=name_en)
    console.print(f"{on} is a day off: {name_vi}")


@holiday_app.command("remove")
def holiday_remove(day: str = typer.Argument(..., help="The day (YYYY-MM-DD).")) -> None:
    """Make a day a working day again (administrators)."""
    on = parse_date(day, "DAY")
    with work() as cur:
        applications.remove_holiday(cur, day=on or day)
    console.print(f"{on} is no longer a day off")


@holiday_app.command("list")
def holiday_list(
    year: int = typer.Option(dt.date.today().year, "--year", help="The calendar year."),
) -> None:
    """List the days off of a year."""
    with work() as cur:
        rows = dict_rows(cur, "SELECT day, name_vi, name_en FROM online.holiday "
                              "WHERE extract(year FROM day) = %(year)s ORDER BY day",
                         {"year": year})
    table = Table(title=f"Days off in {year} ({len(rows)})")
    for column in ("Day", "Name", "English"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["day"]), r["name_vi"], r["name_en"] or "")
    console.print(table)
    if not rows:
        console.print(f"No day off entered for {year}: add them with "
                      "`cadastre service holiday add DAY NAME`.")
