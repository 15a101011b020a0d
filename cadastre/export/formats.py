"""The export formats: GDAL driver, file extension and options of each (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cadastre.errors import CadastreError

SHAPEFILE_PART_LIMIT = 2**31 - 1
"""A .shp or .dbf file may not reach 2 GB: offsets and sizes are 32-bit signed."""


@dataclass(frozen=True)
class OutputFormat:
    """How one export format is written.

    A shapefile takes each batch appended straight to its files (an append writes only the
    new records, and its parts are cut before 2 GB). The others are staged batch by batch in
    a GeoPackage without spatial index, then translated in one GDAL session: GeoJSON and
    FlatGeobuf rewrite the whole file on every append, GDAL's CSV re-reads its WKT column as
    a field when reopened, and a GeoPackage's R-tree is built fastest in one go.
    """

    key: str
    label: str
    driver: str
    suffix: str
    layer_options: dict[str, str] = field(default_factory=dict)
    shapefile: bool = False
    crs_sidecar: bool = False  # the driver keeps no CRS: write <name>.prj beside the file
    wgs84_only: bool = False  # the format allows no other CRS (GeoJSON, RFC 7946)

    def files(self, output: Path) -> list[Path]:
        """Every file an export to `output` puts in place (the output and its sidecars)."""
        sidecars = (".csvt", ".prj") if self.crs_sidecar else ()
        return [output, *(output.with_suffix(s) for s in sidecars)]


FORMATS: dict[str, OutputFormat] = {
    "shp": OutputFormat(
        "shp", "ESRI Shapefile (zip)", "ESRI Shapefile", ".zip",
        shapefile=True,
    ),
    "gpkg": OutputFormat("gpkg", "GeoPackage", "GPKG", ".gpkg"),
    "geojson": OutputFormat(
        "geojson", "GeoJSON", "GeoJSON", ".geojson",
        # RFC 7946: WGS 84 only, no `crs` member, 7 decimals (about 1 cm).
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "7", "WRITE_BBOX": "YES"},
        wgs84_only=True,
    ),
    "fgb": OutputFormat("fgb", "FlatGeobuf", "FlatGeobuf", ".fgb"),
    "csv": OutputFormat(
        "csv", "CSV with WKT geometry", "CSV", ".csv",
        layer_options={"GEOMETRY": "AS_WKT", "CREATE_CSVT": "YES"}, crs_sidecar=True,
    ),
}

_BY_SUFFIX = {".zip": "shp", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
              ".fgb": "fgb", ".csv": "csv"}


def output_format(path: Path, key: str | None = None) -> OutputFormat:
    """The format named by `key`, or by the output's suffix; refuses a mismatch or a guess."""
    suffix = path.suffix.lower()
    if key is None:
        if suffix == ".shp":
            raise CadastreError(
                f"{path.name}: a shapefile export is delivered as a zip",
                hint=f"Name the output {path.with_suffix('.zip').name} (or --format shp).",
            )
        if suffix not in _BY_SUFFIX:
            raise CadastreError(
                f"{path.name}: cannot tell the format from the suffix '{suffix}'",
                hint="Use --format shp|gpkg|geojson|fgb|csv or a .zip/.gpkg/.geojson/.fgb/.csv "
                "name.",
            )
        key = _BY_SUFFIX[suffix]
    chosen = FORMATS.get(key.lower())
    if chosen is None:
        raise CadastreError(
            f"--format {key}: unknown format", hint=f"Choose one of {', '.join(FORMATS)}."
        )
    if suffix != chosen.suffix and not (chosen.key == "geojson" and suffix == ".json"):
        raise CadastreError(
            f"{path.name}: a {chosen.label} export must end in {chosen.suffix}",
            hint=f"Name it {path.with_suffix(chosen.suffix).name}.",
        )
    return chosen
