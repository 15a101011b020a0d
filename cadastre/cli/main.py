"""The `cadastre` command: one entry point, sub-commands by capability."""

from __future__ import annotations

import logging
import sys

import psycopg2
import typer
from rich.console import Console

from cadastre import __version__
from cadastre.cli import (
    audit,
    check,
    commune,
    db,
    dossier,
    export,
    extract,
    importing,
    national,
    parcel,
    rights,
    sample,
    serve,
    service,
    users,
)
from cadastre.db.connection import database_error
from cadastre.errors import CadastreError

app = typer.Typer(
    name="cadastre",
    help="A shared land register (cadastre) for Vietnamese cities, enforced in PostGIS.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(commune.app, name="commune")
app.add_typer(parcel.app, name="parcel")
app.add_typer(dossier.app, name="dossier")
app.add_typer(rights.restriction_app, name="restriction")
app.add_typer(rights.party_app, name="party")
app.add_typer(sample.app, name="sample")
app.add_typer(users.app, name="user")
app.add_typer(service.app, name="service")
app.command()(rights.transfer)
app.command("import")(importing.import_file)
app.command("check")(check.check)
app.command("export")(export.export)
app.command("stats")(export.stats)
app.command("extract")(extract.extract)
app.command("serve")(serve.serve)
app.add_typer(audit.app, name="audit")
app.add_typer(national.app, name="national")
error_console = Console(stderr=True, soft_wrap=True)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def version() -> None:
    """Print the cadastre version."""
    typer.echo(__version__)


def main() -> None:
    """Console entry point: user errors print as a message, not a traceback."""
    try:
        app()
    except CadastreError as exc:
        _print_error(exc)
    except psycopg2.Error as exc:
        # A refusal or a lost server that no command turned into words: still one sentence.
        _print_error(database_error(exc))


def _print_error(exc: CadastreError) -> None:
    error_console.print(f"[bold red]Error:[/bold red] {exc.message}", highlight=False)
    if exc.hint:
        error_console.print(f"[yellow]Hint:[/yellow] {exc.hint}", highlight=False)
    sys.exit(1)
