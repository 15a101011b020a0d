"""`cadastre import FILE`: bring an existing cadastral file into the register."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import psycopg2.extensions
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from cadastre.cli.common import console
from cadastre.db.connection import connect
from cadastre.errors import CadastreError
from cadastre.io.field_mapping import load_mapping
from cadastre.io.importer import (
    DossierSpec,
    ImportReport,
    communes_without_boundary,
    import_source,
    placement_skipped,
    register_crs_hint,
    rule_names,
    write_report_csv,
)
from cadastre.io.reader import MissingCrsError, read_source
from cadastre.register.pages import pages_to_publish, publish_pages


def import_file(
    path: Path = typer.Argument(..., help="Shapefile, GeoPackage, GeoJSON… (anything GDAL reads)"),
    layer: str | None = typer.Option(None, "--layer", help="Layer name (multi-layer files)"),
    mapping: str = typer.Option(
        "vn_standard",
        "--mapping",
        help="Field mapping: a preset (vn_standard, fr_etalab) or a TOML",
    ),
    crs: str | None = typer.Option(None, "--crs", help="Source CRS when the file has none"),
    province: str | None = typer.Option(
        None, "--province", help="Source is in this province's VN-2000 TM-3 (e.g. 01)"
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Force text encoding: tcvn3, vni, cp1258, utf-8…"
    ),
    commune: str | None = typer.Option(None, "--commune", help="Commune code for every feature"),
    dossier: int | None = typer.Option(None, "--dossier", help="Approved dossier to import under"),
    officer: str | None = typer.Option(
        None, "--officer", help="Officer: records a dossier for this import"
    ),
    legal_basis: str | None = typer.Option(None, "--legal-basis", help="Decision behind it"),
    repair: bool = typer.Option(False, "--repair", help="Fix invalid geometries and report each"),
    report: Path | None = typer.Option(None, "--report", help="Write each outcome (CSV)"),
) -> None:
    """Import parcels: every feature is imported, unchanged or quarantined with its reason."""
    spec = DossierSpec(dossier, officer, legal_basis)
    spec.check()
    conn = connect()
    try:
        source_crs = crs or (_province_crs(conn, province) if province else None)
        field_mapping = load_mapping(
            mapping, constants={"commune_code": commune} if commune else None
        )
        try:
            source = read_source(path, layer, field_mapping, source_crs, encoding)
        except MissingCrsError as error:  # name this register's own CRS and province
            raise MissingCrsError(error.message,
                                  hint=register_crs_hint(conn) or error.hint) from error
        for line in source.describe():
            console.print(line, highlight=False)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("staging", total=source.feature_count)
            result = import_source(
                conn, source, spec, repair, on_batch=lambda n: progress.advance(task, n)
            )
            if result.committed:  # the imported parcels' public pages (cadastre db publish)
                ids = pages_to_publish(conn)
                task = progress.add_task("pages", total=len(ids))
                publish_pages(conn, ids, lambda n: progress.advance(task, n))
    finally:
        conn.close()
    _print_summary(result)
    if report:
        write_report_csv(result, report)
        console.print(f"Outcome of every feature written to {report}")


def _province_crs(conn: psycopg2.extensions.connection, province: str) -> str:
    with conn.cursor() as cur:
        cur.execute("SELECT srid FROM cadastre.province_crs WHERE province_code = %s", (province,))
        row = cur.fetchone()
    conn.rollback()
    if row is None:
        raise CadastreError(
            f"--province {province}: unknown province code",
            hint="Known: see cadastre.province_crs (01, 31, 48, 79).",
        )
    return f"EPSG:{row[0]}"


def _print_summary(result: ImportReport) -> None:
    table = Table(title=f"Import of {result.source}")
    table.add_column("outcome")
    table.add_column("features", justify="right")
    for outcome, count in sorted(result.outcomes.items()):
        table.add_row(outcome, str(count))
    table.add_row("total", str(result.features))
    console.print(table)
    names = _rule_names()
    for reason, count in sorted(result.reasons.items()):
        name_vi, name_en = names.get(reason, (reason, reason))
        console.print(f"  {reason}: {count} — {name_vi} / {name_en}", highlight=False)
    if result.new_codes:
        console.print(
            f"Land-use codes not in the reference list, kept as imported codes: "
            f"{', '.join(result.new_codes)}"
        )
    _print_commune_mappings(result)
    _print_communes_without_boundary(result)
    state = "committed" if result.committed else "nothing new to import; nothing changed"
    console.print(
        f"{result.accounted} of {result.features} features accounted for; {state} "
        f"({result.seconds:.1f} s)"
    )


COMMUNE_MAPPED = re.compile(r"commune ([0-9]{5}) is now ([0-9]{5}) ([^(;]+) \(([^)]*)\)")


def _print_commune_mappings(result: ImportReport) -> None:
    """The commune codes no longer in force the import mapped (cadastre.bulk_check_communes
    writes 'commune OLD is now NEW Name (via ...)' in each feature's detail)."""
    mapped: Counter = Counter()
    for row in result.rows:
        match = COMMUNE_MAPPED.search(row.get("detail") or "")
        if match and row.get("outcome") in ("imported", "repaired", "unchanged"):
            mapped[match.groups()] += 1
    for (old, new, name, via), count in sorted(mapped.items()):
        console.print(f"Commune code {old} → {new} {name.strip()} ({via}): {count} features")


def _rule_names() -> dict[str, tuple[str, str]]:
    """The reasons' names by code, Vietnamese and English (cadastre.rule)."""
    conn = connect()
    try:
        return rule_names(conn)
    finally:
        conn.close()


def _print_communes_without_boundary(result: ImportReport) -> None:
    """Say for which communes the placement rule (a parcel lies within its commune) was
    skipped: those whose boundary is not loaded (never invented); `check FILE` says the same."""
    codes = sorted({row["parcel"].split("/")[0] for row in result.rows
                    if row.get("parcel") and row.get("outcome") in ("imported", "repaired")})
    if not codes:
        return
    conn = connect()
    try:
        with conn.cursor() as cur:
            missing = communes_without_boundary(cur, codes)
        conn.rollback()
    finally:
        conn.close()
    for line in placement_skipped(missing):
        console.print(line, markup=False, highlight=False)
