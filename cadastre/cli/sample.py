"""`cadastre sample ...`: the synthetic sample ward, for evaluation and demonstration."""

from __future__ import annotations

import time

import typer
from rich.progress import Progress

from cadastre.cli.common import console
from cadastre.db.connection import connect, owner_url
from cadastre.register.pages import pages_to_publish, publish_pages
from cadastre.samples.loader import load_ward

app = typer.Typer(help="The synthetic sample ward (Hà Nội, VN-2000 TM-3).", no_args_is_help=True)


@app.command()
def load(
    parcels: int = typer.Option(3000, "--parcels", min=1, help="About how many parcels"),
    seed: int = typer.Option(20251, "--seed", help="Generator seed (same seed, same ward)"),
) -> None:
    """Generate the sample ward and register it with its history (once; a re-run does nothing).

    Runs as the register's owner: loading history sets the register's clock."""
    from data_samples.generator import generate

    started = time.monotonic()
    ward = generate(parcels, seed)
    events = sum(1 for d in ward.dossiers if d.kind != "first_registration")
    console.print(
        f"Generated {len(ward.parcels)} parcels in {len(ward.communes)} commune(s) "
        f"with {events} later dossiers ({time.monotonic() - started:.1f} s)"
    )
    # The loader writes history at past dates (cadastre.set_clock): the owner's act only.
    conn = connect(owner_url())
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("history", total=events)
            report = load_ward(
                conn,
                ward,
                lambda phase, n: progress.advance(task, n) if phase == "events" else None,
            )
            ids = pages_to_publish(conn)
            task = progress.add_task("pages", total=len(ids))
            published = publish_pages(conn, ids, lambda n: progress.advance(task, n))
    finally:
        conn.close()
    if report.already_loaded:
        console.print("The sample ward is already in the register; nothing changed"
                      + (f" (published {published} missing parcel pages)." if published else "."))
        return
    console.print(
        f"Loaded {report.parcels} parcels, {report.parties} parties, "
        f"{report.certificates} certificates, {report.sheets} map sheets; history: "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(report.events.items()))
        + f"; published {published} parcel pages ({time.monotonic() - started:.1f} s)"
    )
