"""`cadastre dossier ...`: open, decide and inspect registration dossiers."""

from __future__ import annotations

import typer

from cadastre.cli.common import console, current_parcel_id, engine, parse_date
from cadastre.errors import CadastreError
from cadastre.register import service

app = typer.Typer(
    help="Registration dossiers: every change is made inside an approved one.", no_args_is_help=True
)


@app.command("open")
def open_(
    number: str = typer.Argument(..., help="Dossier number, e.g. 123/2025/ĐK"),
    kind: str = typer.Option(..., "--kind", help="sale, gift, inheritance, split, merge, …"),
    received: str = typer.Option(..., "--received", help="Date received, YYYY-MM-DD"),
    officer: str = typer.Option(..., "--officer", help="Officer in charge"),
    legal_basis: str | None = typer.Option(None, "--legal-basis", help="Decision, contract…"),
    commune: str | None = typer.Option(None, "--commune", help="Commune code"),
    parcel: list[str] = typer.Option(
        [],
        "--parcel",
        help="COMMUNE/SHEET/NUMBER of a parcel it concerns, repeatable: citizens then see a "
        "dossier in progress on it until it is decided",
    ),
) -> None:
    """Record a received dossier (and the parcels it concerns) and print its id."""
    with service.unit_of_work(engine()) as session:
        dossier_id = service.open_dossier(
            session, number, kind, parse_date(received, "--received"), officer, legal_basis, commune
        )
        service.attach_parcels(session, dossier_id, [current_parcel_id(session, r) for r in parcel])
    console.print(f"Dossier {number} opened with id {dossier_id}")


@app.command()
def attach(
    dossier_id: int,
    refs: list[str] = typer.Argument(..., help="COMMUNE/SHEET/NUMBER of each parcel"),
) -> None:
    """Record parcels a dossier concerns (citizens see it in progress until it is decided)."""
    with service.unit_of_work(engine()) as session:
        service.attach_parcels(session, dossier_id, [current_parcel_id(session, r) for r in refs])
    console.print(f"Dossier {dossier_id} concerns {', '.join(refs)}")


@app.command()
def approve(dossier_id: int, on: str = typer.Option(..., "--on", help="Decision date")) -> None:
    """Approve a received dossier (the register can then change under it)."""
    with service.unit_of_work(engine()) as session:
        service.decide_dossier(session, dossier_id, "approved", parse_date(on, "--on"))
    console.print(f"Dossier {dossier_id} approved")


@app.command()
def reject(dossier_id: int, on: str = typer.Option(..., "--on", help="Decision date")) -> None:
    """Reject a received dossier."""
    with service.unit_of_work(engine()) as session:
        service.decide_dossier(session, dossier_id, "rejected", parse_date(on, "--on"))
    console.print(f"Dossier {dossier_id} rejected")


@app.command()
def close(
    dossier_id: int,
    on: str | None = typer.Option(None, "--on", help="Closing date (default: today)"),
) -> None:
    """Close an approved dossier: nothing more can be registered under it."""
    with service.unit_of_work(engine()) as session:
        service.close_dossier(session, dossier_id, parse_date(on, "--on"))
    console.print(f"Dossier {dossier_id} closed")


@app.command()
def show(dossier_id: int) -> None:
    """Show a dossier and what it changed."""
    with service.unit_of_work(engine()) as session:
        dossier = service.get_dossier(session, dossier_id)
        if dossier is None:
            raise CadastreError(f"Dossier {dossier_id} does not exist")
        console.print(
            f"[bold]Dossier {dossier.number}[/bold] ({dossier.kind}), "
            f"{dossier.status}; received {dossier.received_on}, decided "
            f"{dossier.decided_on or '-'}; officer {dossier.officer}"
        )
        console.print(
            f"  opened by {dossier.opened_by or '-'}, decided by {dossier.decided_by or '-'}"
            + (" (by the role that opened it: no second pair of eyes)" if dossier.self_decided
               else "")
            + (f", closed on {dossier.closed_on} by {dossier.closed_by}" if dossier.closed_on
               else "")
        )
        for effect in service.dossier_effects(session, dossier_id):
            console.print(f"  {effect['object']} {effect['ref']}: {effect['effect']}")
