"""`cadastre check`: the quality rules on a commune of the register or on any file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cadastre.checks.runner import check_commune, check_source, count_by_rule, write_issues
from cadastre.cli.common import console
from cadastre.db.connection import connect
from cadastre.errors import CadastreError
from cadastre.io.reader import read_source


def check(
    path: Path | None = typer.Argument(None, help="A file to check without importing it"),
    commune: str | None = typer.Option(None, "--commune", help="Check this commune's parcels"),
    layer: str | None = typer.Option(None, "--layer", help="Layer of a multi-layer file"),
    mapping: str = typer.Option("vn_standard", "--mapping", help="Field mapping of the file"),
    crs: str | None = typer.Option(None, "--crs", help="The file's CRS when it has none"),
    fmt: str | None = typer.Option(None, "--format", help="geojson, gpkg or csv"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the issue layer"),
) -> None:
    """Run every rule; print a summary by rule and write the issues as a layer QGIS opens."""
    if (path is None) == (commune is None):
        raise CadastreError("Give either a FILE or --commune CODE (not both)")
    conn = connect()
    try:
        if commune:
            issues = check_commune(conn, commune)
        else:
            source = read_source(path, layer, mapping, crs)
            issues = check_source(conn, source)
    finally:
        conn.close()
    table = Table(title=f"Issues in {commune or path}")
    for column in ("rule", "severity", "count"):
        table.add_column(column)
    for (rule, severity), count in sorted(count_by_rule(issues).items()):
        table.add_row(rule, severity, str(count))
    console.print(table)
    console.print(f"{len(issues)} issue(s); "
                  f"{sum(1 for i in issues if i.severity == 'error')} error(s)")
    if output:
        write_issues(issues, output, fmt)
        console.print(f"Issues written to {output}")
