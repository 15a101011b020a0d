"""`cadastre export OUTPUT` and `cadastre stats`: analysts' files and land statistics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from cadastre.cli.common import console, parse_date
from cadastre.db.connection import connect
from cadastre.errors import CadastreError
from cadastre.export import ExportRequest, export_parcels
from cadastre.export.output import check_outputs
from cadastre.export.request import check_not_future, parse_bbox
from cadastre.export.service import read_area


def export(
    output: Path = typer.Argument(..., help="Output file: .zip (shapefile), .gpkg, .geojson, "
                                  ".fgb or .csv"),
    fmt: str | None = typer.Option(None, "--format", help="shp|gpkg|geojson|fgb|csv "
                                   "(default: from the suffix)"),
    province: str | None = typer.Option(None, "--province", help="Province code (must be the "
                                        "register's)"),
    commune: list[str] = typer.Option([], "--commune", help="Commune code (repeatable)"),
    land_use: list[str] = typer.Option([], "--land-use", help="Land-use code or heading, e.g. "
                                       "ODT or NNP (repeatable)"),
    status: str = typer.Option("current", "--status", help="current, retired or all"),
    bbox: str | None = typer.Option(None, "--bbox", help="xmin,ymin,xmax,ymax (in --crs "
                                    "unless --area-crs)"),
    polygon: str | None = typer.Option(None, "--polygon", help="WKT polygon, or a file (.wkt "
                                       "or any GDAL layer)"),
    area_crs: str | None = typer.Option(None, "--area-crs", help="CRS of --bbox/--polygon"),
    as_of: str | None = typer.Option(None, "--as-of", help="The register as it stood at the "
                                     "end of YYYY-MM-DD"),
    crs: str | None = typer.Option(None, "--crs", help="tm3 (province VN-2000 TM-3, the "
                                   "default), utm, wgs84 or EPSG:n; GeoJSON is always wgs84"),
    with_holders: bool = typer.Option(False, "--with-holders", help="Holders' names and "
                                      "shares"),
    with_rights: bool = typer.Option(False, "--with-rights", help="Rights and restrictions "
                                     "in force"),
    with_personal_data: bool = typer.Option(False, "--with-personal-data", help="Holders' ID "
                                            "numbers (needs an authorised role)"),
    no_split: bool = typer.Option(False, "--no-split", help="Refuse a shapefile over 2 GB "
                                  "instead of splitting it"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output"),
) -> None:
    """Export parcels (the register now or at a date, filtered) through GDAL."""
    area_wkt, polygon_crs = _polygon(polygon)
    request = ExportRequest(
        format=fmt, province=province, communes=tuple(commune), land_uses=tuple(land_use),
        status=status, bbox=parse_bbox(bbox) if bbox else None, polygon=area_wkt,
        area_crs=area_crs or polygon_crs, as_of=parse_date(as_of, "--as-of"), crs=crs,
        with_holders=with_holders, with_rights=with_rights,
        with_personal_data=with_personal_data, split_shapefile=not no_split,
    )
    with _LazyProgress("exporting") as advance:
        result = export_parcels(output, request, on_progress=advance, overwrite=overwrite)
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/yellow] {warning}", highlight=False)
    console.print(f"{result.count} parcels written to {result.path} ({result.format}, "
                  f"{result.crs})", highlight=False)


class _LazyProgress:
    """A progress bar shown from the first batch written: a refusal before it prints alone."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        return self.advance

    def advance(self, written: int, total: int) -> None:
        if self.bar is None:
            self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(), console=console)
            self.task = self.bar.add_task(self.description, total=total)
            self.bar.start()
        self.bar.update(self.task, completed=written, total=total)

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _polygon(value: str | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    text = value.strip()
    if text.upper().startswith(("POLYGON", "MULTIPOLYGON", "SRID=")):
        return text, None
    return read_area(Path(value))


def stats(
    csv_path: Path = typer.Option(..., "--csv", help="Write the table here (CSV)"),
    chart: Path | None = typer.Option(None, "--chart", help="Also draw it (.png or .svg)"),
    commune: list[str] = typer.Option([], "--commune", help="Commune code (repeatable)"),
    as_of: str | None = typer.Option(None, "--as-of", help="At the end of YYYY-MM-DD "
                                     "(default: now)"),
    compare_to: str | None = typer.Option(None, "--compare", help="Compare with the end of "
                                          "this YYYY-MM-DD"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing files"),
) -> None:
    """Land statistics by land-use code and commune (national table grouping)."""
    from cadastre.export import chart as charts
    from cadastre.export import stats as statistics

    if chart is not None and chart.suffix.lower() not in charts.CHART_SUFFIXES:
        raise CadastreError(f"--chart {chart.name}: a chart is a .png or .svg file")
    day = parse_date(as_of, "--as-of")
    other = parse_date(compare_to, "--compare")
    check_not_future(day, "--as-of")
    check_not_future(other, "--compare")
    check_outputs([csv_path], overwrite, "--csv")
    if chart is not None:
        check_outputs([chart], overwrite, "--chart")
    conn = connect()
    try:
        lines = statistics.land_statistics(conn, day, commune)
        earlier = statistics.land_statistics(conn, other, commune) if other else None
    finally:
        conn.close()
    label = str(day) if day else "now"
    if earlier is None:
        statistics.write_statistics_csv(csv_path, lines)
        if chart is not None:
            charts.plot_statistics(statistics.totals_by_code(lines), chart,
                                   f"Thống kê đất đai / land statistics ({label})")
    else:
        changes = statistics.compare(earlier, lines)
        statistics.write_comparison_csv(csv_path, changes)
        if chart is not None:
            charts.plot_comparison(statistics.totals_by_code(earlier),
                                   statistics.totals_by_code(lines), chart,
                                   f"Biến động đất đai / change {other} → {label}",
                                   (str(other), label))
    console.print(f"Statistics written to {csv_path}" + (f" and {chart}" if chart else ""),
                  highlight=False)
