"""`cadastre check`: the quality rules on a commune of the register or on any file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cadastre.checks.runner import (
    Issue,
    check_commune,
    check_file,
    commune_placement_skipped,
    count_by_rule,
    filter_issues,
    write_issues,
)
from cadastre.cli.common import console
from cadastre.db.connection import connect
from cadastre.errors import CadastreError
from cadastre.io.importer import placement_skipped, register_crs_hint, rule_names
from cadastre.io.reader import MissingCrsError, read_source

SHOWN = 20
"""Issues printed when a filter selects some (all of them go to -o)."""
SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}
"""Severities in Vietnamese, by code."""


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
        if commune is not None:
            issues = check_commune(conn, commune)
            skipped = commune_placement_skipped(conn, commune)
        else:
            assert path is not None  # exactly one of FILE and --commune, checked above
            try:
                source = read_source(path, layer, mapping, crs)
            except MissingCrsError as error:
                raise MissingCrsError(error.message,
                                      hint=register_crs_hint(conn) or error.hint) from error
            checked = check_file(conn, source, repair, in_source_crs=in_source_crs)
            issues, skipped = checked.issues, checked.placement_skipped
        names = rule_names(conn)
    finally:
        conn.close()
    shown = filter_issues(issues, rule, severity)
    _print_summary(issues, names, f"{commune or path}", in_source_crs)
    for line in placement_skipped(skipped):
        console.print(line, markup=False, highlight=False)
    if rule or severity:
        chosen = " ".join([*(f"--rule {r}" for r in rule),
                           *([f"--severity {severity}"] if severity else [])])
        console.print(f"{len(shown)} vấn đề được chọn theo {chosen} / "
                      f"{len(shown)} issue(s) selected by {chosen}:", highlight=False)
        for issue in shown[:SHOWN]:
            console.print(f"  {_issue_line(issue)}", markup=False, highlight=False)
        if len(shown) > SHOWN:
            console.print(f"  … và {len(shown) - SHOWN} vấn đề nữa (ghi ra tệp bằng -o) / "
                          f"and {len(shown) - SHOWN} more (write them with -o)")
    if output:
        write_issues(shown, output, fmt)
        console.print(f"Issues written to {output}")


def _print_summary(issues: list[Issue], names: dict[str, tuple[str, str]], what: str,
                   in_source_crs: bool) -> None:
    """Counts by rule, every rule (so thousands of warnings of one bury nothing), errors first;
    each rule named by its code, Vietnamese first with English beside it."""
    title = f"Vấn đề trong {what} / Issues in {what}"
    if in_source_crs:
        title += " (theo hệ tọa độ của tệp / in the file's own CRS)"
    table = Table(title=title)
    for column in ("quy tắc / rule", "tên / name", "mức / severity", "số / count"):
        table.add_column(column)
    for (code, level), count in sorted(count_by_rule(issues).items(),
                                       key=lambda item: (item[0][1] != "error", item[0][0])):
        name_vi, name_en = names.get(code, (code, code))
        table.add_row(code, f"{name_vi} / {name_en}", f"{SEVERITY_VI.get(level, level)} / {level}",
                      str(count))
    console.print(table)
    errors = sum(1 for issue in issues if issue.severity == "error")
    console.print(f"{len(issues)} vấn đề, {errors} lỗi / {len(issues)} issue(s); {errors} error(s)")


def _issue_line(issue: Issue) -> str:
    """One issue: its rule and parcel, the Vietnamese message then the English one."""
    level = f"{SEVERITY_VI.get(issue.severity, issue.severity)} / {issue.severity}"
    return (f"{issue.rule} ({level}) {issue.parcel_ref or ''}: "
            f"{issue.message_vi} / {issue.message_en}")
