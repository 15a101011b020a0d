"""`cadastre transfer`, `cadastre restriction ...`, `cadastre party add`: common operations."""

from __future__ import annotations

import typer

from cadastre.cli.common import console, current_parcel_id, parse_date, parse_holders, work
from cadastre.errors import CadastreError
from cadastre.register.binding import parties, rights

restriction_app = typer.Typer(
    help="Mortgages, seizures, disputes, planning reservations.", no_args_is_help=True
)
party_app = typer.Typer(
    help="Parties: people, households, couples, organisations.", no_args_is_help=True
)


def transfer(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER"),
    dossier: int = typer.Option(..., "--dossier", help="Approved sale/gift/inheritance dossier"),
    holder: list[str] = typer.Option(..., "--holder", help="PARTY_ID=SHARE, repeatable"),
    on: str | None = typer.Option(None, "--on", help="Effective date (default: decision date)"),
) -> None:
    """Transfer a parcel's land-use right to new holders (shares must sum to 1)."""
    holders, effective = parse_holders(holder), parse_date(on, "--on")
    with work() as cur:
        right = rights.transfer_right(
            cur, dossier_id=dossier, parcel_id=current_parcel_id(cur, ref), holders=holders,
            effective=effective,
        )
    console.print(f"Parcel {ref}: land-use right {right} registered")


@restriction_app.command("add")
def add_restriction(
    ref: str = typer.Argument(..., help="COMMUNE/SHEET/NUMBER"),
    dossier: int = typer.Option(..., "--dossier"),
    kind: str = typer.Option(..., "--kind", help="mortgage, seizure, dispute, …"),
    party: int | None = typer.Option(None, "--party", help="Creditor or claimant party id"),
    amount: int | None = typer.Option(None, "--amount", help="Secured amount (VND)"),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Register a restriction on a parcel."""
    with work() as cur:
        rrr_id = rights.register_restriction(
            cur, dossier_id=dossier, parcel_id=current_parcel_id(cur, ref), kind=kind,
            party_id=party, amount=amount, note=note,
        )
    console.print(f"Parcel {ref}: {kind} registered with id {rrr_id}")


@restriction_app.command("release")
def release_restriction(
    rrr_id: int = typer.Argument(..., help="Id of the restriction"),
    dossier: int = typer.Option(..., "--dossier"),
    on: str | None = typer.Option(None, "--on"),
) -> None:
    """End a restriction (e.g. mortgage release)."""
    released_on = parse_date(on, "--on")
    with work() as cur:
        rights.release_restriction(cur, dossier_id=dossier, rrr_id=rrr_id, on=released_on)
    console.print(f"Restriction {rrr_id} released")


@party_app.command("add")
def add_party(
    name: str = typer.Argument(...),
    kind: str = typer.Option(
        "individual", "--kind", help="individual, household, couple, organisation, state"
    ),
) -> None:
    """Record a party and print its id."""
    with work() as cur:
        party_id = parties.add_party(cur, kind=kind, name=name)
    console.print(f"Party {name} recorded with id {party_id}")


@party_app.command("change")
def change_party(
    party_id: int = typer.Argument(..., help="The party's id"),
    dossier: int = typer.Option(..., "--dossier", help="Approved dossier of the change"),
    name: str | None = typer.Option(None, "--name", help="The corrected name"),
    id_number: str | None = typer.Option(
        None, "--id-number", help="Citizen ID (12 digits) or old ID card (9 digits)"
    ),
    address: str | None = typer.Option(None, "--address", help="Personal address"),
) -> None:
    """Correct a party's name or personal data inside an approved dossier (the old values stay
    in history; the change is audited)."""
    personal = {key: value for key, value in (("id_number", id_number), ("address", address))
                if value is not None}
    if name is None and not personal:
        raise CadastreError(
            "Nothing to change", hint="Give --name, --id-number or --address."
        )
    with work() as cur:
        parties.change_party(
            cur, dossier_id=dossier, party_id=party_id, name=name, personal=personal or None
        )
    console.print(f"Party {party_id} changed under dossier {dossier}")
