"""`cadastre audit`: who changed the register, when, for which dossier, before and after."""

from __future__ import annotations

import datetime as dt
import json

import typer
from rich.table import Table

from cadastre.cli.common import console, parse_date, work
from cadastre.errors import CadastreError
from cadastre.register.audit import AuditEntry, parcel_ids, read_trail, verify_chain
from cadastre.register.refs import parse_parcel_ref

app = typer.Typer(
    help="The audit trail: who changed the register, and whether the trail is intact.",
    invoke_without_command=True,
)


@app.callback()
def audit(
    ctx: typer.Context,
    parcel: str | None = typer.Option(
        None, "--parcel", help="Only changes to this parcel (COMMUNE/SHEET/NUMBER)."
    ),
    officer: str | None = typer.Option(
        None, "--officer", help="Only work by this database role or application user."
    ),
    since: str | None = typer.Option(None, "--from", help="From this day (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--to", help="Up to and including this day."),
    details: bool = typer.Option(False, "--details", help="Print each version before/after."),
) -> None:
    """Show the audit trail: role, application user, time, dossier and the versions written."""
    if ctx.invoked_subcommand is not None:
        return
    start = _day_start(parse_date(since, "--from"))
    end_day = parse_date(until, "--to")
    end = _day_start(end_day + dt.timedelta(days=1)) if end_day else None
    with work() as cur:
        if parcel:
            ref = parse_parcel_ref(parcel)
            ids = parcel_ids(cur, ref)
            if not ids:
                raise CadastreError(f"No parcel {ref} has ever been registered",
                                    hint="Check the commune code, sheet and number.")
            entries = [e for pid in ids for e in read_trail(cur, pid, officer, start, end)]
        else:
            entries = read_trail(cur, None, officer, start, end)
    if not entries:
        console.print("No audited changes match.")
        return
    _print_entries(entries, details)


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


def _print_entries(entries: list[AuditEntry], details: bool) -> None:
    table = Table(title="Audit trail")
    for column in ("When", "Role", "User", "Dossier", "Action", "Parcel", "Change"):
        table.add_column(column)
    for e in entries:
        change = f"{e.table_name} {e.operation}" if e.table_name else ""
        table.add_row(
            f"{e.recorded_at:%Y-%m-%d %H:%M:%S}",
            e.db_role,
            e.app_user or "",
            f"{e.dossier_number} ({e.dossier_kind})",
            e.action,
            e.parcel_ref or "",
            change,
        )
    console.print(table)
    if details:
        for e in entries:
            if e.table_name:
                console.print(f"[bold]{e.parcel_ref} {e.table_name} {e.operation}[/bold]")
                console.print(f"  before: {json.dumps(e.before, ensure_ascii=False)}")
                console.print(f"  after:  {json.dumps(e.after, ensure_ascii=False)}")


@app.command()
def verify() -> None:
    """Check the audit trail's hash chain: a row deleted or altered, even by a superuser with
    the triggers off, breaks it. Exits 1 naming the first broken link."""
    with work() as cur:
        report = verify_chain(cur)
    if not report.ok:
        raise CadastreError(
            f"The audit trail is broken after {report.links} intact link(s): {report.problem}",
            hint="Someone changed the trail around the register's rules: compare with a backup "
            "and read the server's log (pgAudit) for who did it.",
        )
    console.print(f"The audit trail is intact: {report.links} link(s) verified.")
