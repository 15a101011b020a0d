"""`cadastre commune ...`: the register's communes (official list, additions, renames,
mergers, boundaries)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cadastre.cli.common import console, parse_date
from cadastre.db.connection import connect, database_url, owner_url
from cadastre.register import communes

app = typer.Typer(
    help="Communes and wards of the register's province: list, add, rename, merge, boundaries.",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    as_of: str | None = typer.Option(None, "--as-of", help="Communes in force on this date."),
    all_: bool = typer.Option(False, "--all", help="Also the communes retired by a merger."),
) -> None:
    """List the communes in force (code, name, since, boundary, current parcels)."""
    conn = connect(database_url())
    try:
        rows = communes.list_communes(conn, parse_date(as_of, "--as-of"), include_retired=all_)
    finally:
        conn.close()
    table = Table(title=f"Communes ({len(rows)})")
    for column in ("Code", "Name", "From", "Until", "Replaced by", "Boundary", "Parcels"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.code, row.name, str(row.valid_from or ""), str(row.valid_until or ""),
                      row.replaced_by or "", "yes" if row.has_boundary else "no",
                      str(row.parcels))
    console.print(table)
    if not rows:
        console.print("No commune: load the official list with "
                      "`cadastre db init --province CODE`.")


@app.command()
def add(
    code: str = typer.Argument(..., help="The commune's 5-digit national code."),
    name: str = typer.Argument(..., help="Its official name, e.g. 'Phường Hải Châu'."),
    since: str | None = typer.Option(None, "--since", help="In force from (YYYY-MM-DD)."),
) -> None:
    """Add a commune the official list does not have yet (the register's set-up: owner)."""
    conn = connect(owner_url())
    try:
        communes.add_commune(conn, code, name, parse_date(since, "--since"))
    finally:
        conn.close()
    console.print(f"Commune {code} {name} added")


@app.command()
def rename(
    code: str = typer.Argument(..., help="The commune's code (it stays)."),
    name: str = typer.Argument(..., help="Its new official name."),
) -> None:
    """Give a commune its new official name."""
    conn = connect(owner_url())
    try:
        communes.rename_commune(conn, code, name)
    finally:
        conn.close()
    console.print(f"Commune {code} is now named {name}")


@app.command()
def merge(
    old_code: str = typer.Argument(..., help="The commune that ends."),
    new_code: str = typer.Argument(..., help="The commune in force that takes it over."),
    dossier: int = typer.Option(..., "--dossier",
                                help="An approved commune_reassignment dossier."),
    effective: str = typer.Option(..., "--effective", help="The merger's date (YYYY-MM-DD)."),
    sheet_prefix: str = typer.Option(
        "", "--sheet-prefix", help="Prefix the moved sheet numbers (keeps them unique)."
    ),
) -> None:
    """Merge a commune into another from a date: its parcels move, keeping their old identity
    (as-of questions before the date still answer with the old commune)."""
    conn = connect(database_url())
    try:
        moved = communes.merge_communes(conn, old_code, new_code, dossier,
                                        parse_date(effective, "--effective"), sheet_prefix)
    finally:
        conn.close()
    console.print(f"Commune {old_code} merged into {new_code} from {effective}: "
                  f"{moved} parcels moved")


@app.command("import-boundaries")
def import_boundaries(
    path: Path = typer.Argument(..., exists=True, help="Any file GDAL reads (GeoJSON, GPKG, SHP)."),
    code_field: str = typer.Option("MaXa", "--code-field",
                                   help="The field holding the 5-digit commune code."),
    layer: str | None = typer.Option(None, "--layer", help="The layer (multi-layer files)."),
) -> None:
    """Set the communes' boundaries from a file (reprojected to the register's CRS); the
    placement rule then checks parcels against them."""
    conn = connect(owner_url())
    try:
        codes = communes.import_boundaries(conn, path, code_field, layer)
    finally:
        conn.close()
    console.print(f"Boundaries set for {len(codes)} communes: {', '.join(codes)}")
