"""`cadastre dossier ...`: open, decide and inspect registration dossiers."""

from __future__ import annotations

import typer

from cadastre.cli.common import console, current_parcel_id, parse_date, work
from cadastre.errors import CadastreError
from cadastre.register.binding import dossiers
from cadastre.register.binding.call import Cursor

app = typer.Typer(
    help="Registration dossiers: every change is made inside an approved one.", no_args_is_help=True
)


def _attach(cur: Cursor, dossier_id: int, refs: list[str]) -> None:
    for ref in refs:
        dossiers.add_dossier_parcel(
            cur, dossier_id=dossier_id, parcel_id=current_parcel_id(cur, ref)
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
    received_on = parse_date(received, "--received")
    with work() as cur:
        dossier_id = dossiers.open_dossier(
            cur, number=number, kind=kind, received_on=received_on, officer=officer,
            legal_basis=legal_basis, commune_code=commune,
        )
        _attach(cur, dossier_id, parcel)
    console.print(f"Dossier {number} opened with id {dossier_id}")


@app.command()
def attach(
    dossier_id: int,
    refs: list[str] = typer.Argument(..., help="COMMUNE/SHEET/NUMBER of each parcel"),
) -> None:
    """Record parcels a dossier concerns (citizens see it in progress until it is decided)."""
    with work() as cur:
        _attach(cur, dossier_id, refs)
    console.print(f"Dossier {dossier_id} concerns {', '.join(refs)}")


def _decide(dossier_id: int, status: str, on: str) -> None:
    decided_on = parse_date(on, "--on")
    with work() as cur:
        dossiers.decide_dossier(cur, dossier_id=dossier_id, status=status, decided_on=decided_on)
    console.print(f"Dossier {dossier_id} {status}")


@app.command()
def approve(dossier_id: int, on: str = typer.Option(..., "--on", help="Decision date")) -> None:
    """Approve a received dossier (the register can then change under it)."""
    _decide(dossier_id, "approved", on)


@app.command()
def reject(dossier_id: int, on: str = typer.Option(..., "--on", help="Decision date")) -> None:
    """Reject a received dossier."""
    _decide(dossier_id, "rejected", on)


@app.command()
def close(
    dossier_id: int,
    on: str | None = typer.Option(None, "--on", help="Closing date (default: today)"),
) -> None:
    """Close an approved dossier: nothing more can be registered under it."""
    closed_on = parse_date(on, "--on")
    with work() as cur:
        dossiers.close_dossier(cur, dossier_id=dossier_id, closed_on=closed_on)
    console.print(f"Dossier {dossier_id} closed")


@app.command()
def show(dossier_id: int) -> None:
    """Show a dossier and what it changed."""
    with work() as cur:
        dossier = dossiers.find_dossier(cur, dossier_id=dossier_id)
        if dossier is None:
            raise CadastreError(
                f"Dossier {dossier_id} does not exist", hint="Give the id `dossier open` printed."
            )
        effects = dossiers.dossier_effects(cur, dossier_id=dossier_id)
    console.print(
        f"[bold]Dossier {dossier['number']}[/bold] ({dossier['kind']}), "
        f"{dossier['status']}; received {dossier['received_on']}, decided "
        f"{dossier['decided_on'] or '-'}; officer {dossier['officer']}"
    )
    console.print(
        f"  opened by {dossier['opened_by'] or '-'}, decided by {dossier['decided_by'] or '-'}"
        + (" (by the role that opened it: no second pair of eyes)"
           if dossier["self_decided"] else "")
        + (f", closed on {dossier['closed_on']} by {dossier['closed_by']}"
           if dossier["closed_on"] else "")
    )
    for effect in effects:
        console.print(f"  {effect['object']} {effect['ref']}: {effect['effect']}")
