"""`cadastre check`: the quality rules on a commune of the register or on any file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cadastre.checks.runner import (
    check_commune,
    check_source,
    count_by_rule,
    filter_issues,
    write_issues,
)
from cadastre.cli.common import console
from cadastre.db.connection import connect
from cadastre.errors import CadastreError
from cadastre.io.importer import register_crs_hint
from cadastre.io.reader import MissingCrsError, read_source

SHOWN = 20
"""Issues printed when a filter selects some (all of them go to -o)."""


def check(
    path: Path | None = typer.Argument(None, help="A file to check without importing it"),
    commune: str | None = typer.Option(None, "--commune", help="Check this commune's parcels"),
    layer: str | None = typer.Option(None, "--layer", help="Layer of a multi-layer file"),
    mapping: str = typer.Option("vn_standard", "--mapping", help="Field mapping of the file"),
    crs: str | None = typer.Option(None, "--crs", help="The file's CRS when it has none"),
    fmt: str | None = typer.Option(None, "--format", help="geojson, gpkg or csv"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the issue layer"),
    rule: list[str] = typer.Option(
        [], "--rule", help="Only this rule's issues (repeat for several), e.g. --rule overlap"
    ),
    severity: str | None = typer.Option(
        None, "--severity", help="Only errors or only warnings: error | warning"
    ),
    repair: bool = typer.Option(
        False, "--repair", help="Dry run of `import --repair`: invalid geometries repaired"
    ),
    in_source_crs: bool = typer.Option(
        False, "--in-source-crs",
        help="Check a file of elsewhere alone, in its own CRS (no rule of the register)",
    ),
) -> None:
    """Run every rule; print a summary by rule and write the issues as a layer QGIS opens."""
    if (path is None) == (commune is None):
        raise CadastreError("Give either a FILE or --commune CODE (not both)")
    conn = connect()
    try:
        if commune:
            issues = check_commune(conn, commune)
        else:
            try:
                source = read_source(path, layer, mapping, crs)
            except MissingCrsError as error:
                raise MissingCrsError(error.message,
                                      hint=register_crs_hint(conn) or error.hint) from error
            issues = check_source(conn, source, repair, in_source_crs=in_source_crs)
    finally:
        conn.close()
    shown = filter_issues(issues, rule, severity)
    title = f"Issues in {commune or path}"
    if in_source_crs:
        title += " (in the file's own CRS)"
    # The summary counts every rule, so thousands of warnings of one rule bury nothing.
    table = Table(title=title)
    for column in ("rule", "severity", "count"):
        table.add_column(column)
    for (code, level), count in sorted(count_by_rule(issues).items(),
                                       key=lambda item: (item[0][1] != "error", item[0][0])):
        table.add_row(code, level, str(count))
    console.print(table)
    console.print(f"{len(issues)} issue(s); "
                  f"{sum(1 for i in issues if i.severity == 'error')} error(s)")
    if rule or severity:
        chosen = [*(f"--rule {r}" for r in rule), *([f"--severity {severity}"] if severity else [])]
        console.print(f"{len(shown)} issue(s) selected by {' '.join(chosen)}:")
        for issue in shown[:SHOWN]:
            console.print(f"  {issue.rule} ({issue.severity}) {issue.parcel_ref or ''}: "
                          f"{issue.message_en}", markup=False, highlight=False)
        if len(shown) > SHOWN:
            console.print(f"  … and {len(shown) - SHOWN} more (write them with -o)")
    if output:
        write_issues(shown, output, fmt)
        console.print(f"Issues written to {output}")

