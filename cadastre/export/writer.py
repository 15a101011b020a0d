"""Writing an export through GDAL (pyogrio), batch by batch, published only when complete.

Everything is written in a hidden work folder beside the output (same file system, so the
final `os.replace` is atomic); the folder is removed whatever happens, so an interrupted export
leaves nothing under the final name and an earlier file of that name stays intact until the
new one replaces it. Memory holds one batch at a time.
"""

from __future__ import annotations

import csv
import os
import shutil
import struct
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pyogrio.raw
import shapely

from cadastre.errors import CadastreError
from cadastre.export.crs import esri_wkt
from cadastre.export.fields import Field, LongText, mapping_rows
from cadastre.export.formats import SHAPEFILE_PART_LIMIT, OutputFormat

GEOMETRY_TYPE = "MultiPolygon"
_SHAPEFILE_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_SHP_HEADER = 100
_SHP_RECORD_FIXED = 8 + 4 + 32 + 4 + 4  # record header, type, box, numParts, numPoints


@contextmanager
def work_folder(output: Path) -> Iterator[Path]:
    """A hidden folder beside `output`, removed on leaving (success or not)."""
    folder = output.parent / f".{output.name}.partial-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class LayerSpec:
    """What every batch of one export is written with."""

    fields: Sequence[Field]
    srid: int
    layer: str
    shapefile_names: bool = False
    dates_as_text: bool = False  # CSV: ISO dates, typed Date in the .csvt

    @property
    def names(self) -> list[str]:
        return [f.short if self.shapefile_names else f.name for f in self.fields]


Masks = list[np.ndarray | None]


def _write(path: Path, geometry: np.ndarray, arrays: list[np.ndarray], masks: Masks,
           spec: LayerSpec, driver: str, options: dict[str, str], append: bool) -> None:
    # A shapefile's or CSV's one layer is named after its file: naming another would make
    # GDAL add a second file beside it on append.
    layer = spec.layer if driver == "GPKG" else path.stem
    pyogrio.raw.write(
        str(path), geometry, arrays, spec.names, field_mask=masks, layer=layer,
        driver=driver,
        geometry_type=GEOMETRY_TYPE, crs=f"EPSG:{spec.srid}", encoding="UTF-8",
        layer_options=options, append=append, promote_to_multi=True,
    )


class StagedWriter:
    """Batches into a GeoPackage without spatial index, then one GDAL translation (Arrow
    stream) into the final driver: for GeoPackage, GeoJSON, FlatGeobuf and CSV. A CSV gets
    a .csvt of column types and a .prj beside it (the CSV itself keeps no CRS)."""

    def __init__(self, folder: Path, stem: str, fmt: OutputFormat, spec: LayerSpec) -> None:
        self.folder, self.fmt, self.spec = folder, fmt, spec
        self.stage = folder / "stage.gpkg"
        self.target = folder / f"{stem}{fmt.suffix}"
        self.started = False

    def write(self, geometry: np.ndarray, arrays: list[np.ndarray], masks: Masks) -> None:
        _write(self.stage, geometry, arrays, masks, self.spec, "GPKG", {"SPATIAL_INDEX": "NO"},
               append=self.started)
        self.started = True

    def finish(self) -> list[Path]:
        with pyogrio.raw.open_arrow(str(self.stage), layer=self.spec.layer,
                                    batch_size=5000) as (meta, stream):
            pyogrio.raw.write_arrow(
                stream, str(self.target), layer=self.spec.layer, driver=self.fmt.driver,
                geometry_name=meta["geometry_name"] or "geom", geometry_type=GEOMETRY_TYPE,
                crs=meta["crs"], encoding="UTF-8", layer_options=self.fmt.layer_options,
            )
        files = [self.target]
        if self.fmt.crs_sidecar:
            prj = self.target.with_suffix(".prj")
            prj.write_text(esri_wkt(self.spec.srid), encoding="ascii")
            csvt = self.target.with_suffix(".csvt")
            if self.spec.dates_as_text and csvt.exists():
                _type_dates(csvt, self.spec.fields)
            files = [p for p in (csvt, prj) if p.exists()] + files
        return files


def _type_dates(csvt: Path, fields: Sequence[Field]) -> None:
    """Mark the date columns (written as ISO text) Date in a .csvt (WKT is the first column)."""
    types = csvt.read_text(encoding="ascii").strip().split(",")
    for i, f in enumerate(fields, start=1):
        if f.kind == "date" and i < len(types):
            types[i] = "Date"
    csvt.write_text(",".join(types) + "\n", encoding="ascii")


_EMPTY = {"int": "int64", "float": "float64", "date": "datetime64[D]"}


def create_shapefile(path: Path, spec: LayerSpec) -> None:
    """An empty shapefile whose numeric fields have the widths of the export's fields: GDAL
    would declare every integer N(18) and every real N(24,15) (ArcGIS reads both as Double),
    so the .dbf header is set before the first record is appended."""
    arrays = [np.zeros(0, dtype=_EMPTY.get(f.kind, f"U{f.width}")) for f in spec.fields]
    _write(path, np.zeros(0, dtype=object), arrays, [None] * len(arrays), spec,
           "ESRI Shapefile", {}, append=False)
    set_dbf_digits(path.with_suffix(".dbf"),
                   {f.short: f.digits for f in spec.fields if f.kind in ("int", "float")})


def set_dbf_digits(dbf: Path, digits: dict[str, tuple[int, int]]) -> None:
    """Set N(width, decimals) of named fields in the header of a .dbf that has no record."""
    header = bytearray(dbf.read_bytes())
    if struct.unpack("<I", header[4:8])[0] != 0:
        raise ValueError(f"{dbf.name} already has records")
    count = (struct.unpack("<H", header[8:10])[0] - 33) // 32
    for i in range(count):
        at = 32 + 32 * i
        name = bytes(header[at:at + 11]).split(b"\0", 1)[0].decode("ascii")
        if name in digits:
            header[at + 16], header[at + 17] = digits[name]
    record = 1 + sum(header[32 + 32 * i + 16] for i in range(count))
    header[10:12] = struct.pack("<H", record)
    dbf.write_bytes(header)


@dataclass
class _Part:
    path: Path
    shp_bytes: int = _SHP_HEADER
    dbf_record: int | None = None
    dbf_bytes: int = 0
    rows: int = 0


@dataclass
class ShapefileWriter:
    """Appends batches to shapefile parts, starting a new part before a .shp or .dbf reaches
    `part_limit` bytes (2 GB), or refusing when splitting is not allowed."""

    folder: Path
    stem: str
    fmt: OutputFormat
    spec: LayerSpec
    split: bool = True
    part_limit: int = SHAPEFILE_PART_LIMIT
    parts: list[_Part] = field(default_factory=list)
    written: int = 0

    def write(self, geometry: np.ndarray, arrays: list[np.ndarray], masks: Masks) -> None:
        if not self.parts:
            self._new_part()
        if not len(geometry):  # an empty export still has its files, made with the part
            return
        sizes = shp_record_sizes(geometry)
        start = 0
        while start < len(geometry):
            part = self.parts[-1]
            take = self._rows_that_fit(part, sizes[start:])
            if take == 0:
                if part.rows == 0:
                    raise CadastreError(
                        f"parcel {self.written + 1} alone does not fit in a shapefile "
                        f"({self.part_limit} bytes)", hint="Export to GeoPackage instead.")
                self._refuse_or_split()
                continue
            chunk = slice(start, start + take)
            self._append(part, geometry[chunk], [a[chunk] for a in arrays],
                         [None if m is None else m[chunk] for m in masks], sizes[chunk])
            start += take

    def _rows_that_fit(self, part: _Part, sizes: np.ndarray) -> int:
        """How many of the next records fit in the part without a file reaching the limit."""
        # Before the first write, the fields' own widths (then the header's).
        record = part.dbf_record or 1 + sum(f.dbf_width for f in self.spec.fields)
        dbf_now = part.dbf_bytes or 32 + 32 * len(self.spec.fields) + 2
        shp = part.shp_bytes + np.cumsum(sizes)
        dbf = dbf_now + np.arange(1, len(sizes) + 1) * record
        fits = (shp <= self.part_limit) & (dbf <= self.part_limit)
        return len(sizes) if fits.all() else int(np.argmin(fits))

    def _refuse_or_split(self) -> None:
        if not self.split:
            raise CadastreError(
                f"the shapefile would pass the 2 GB limit of its format after "
                f"{self.written} parcels",
                hint="Export to GeoPackage or FlatGeobuf, narrow the filters, or allow "
                "splitting into several shapefiles.",
            )
        self._new_part()

    def _new_part(self) -> _Part:
        number = len(self.parts) + 1
        name = self.stem if number == 1 else f"{self.stem}_{number}"
        part = _Part(self.folder / f"{name}.shp")
        create_shapefile(part.path, self.spec)
        self.parts.append(part)
        return part

    def _append(self, part: _Part, geometry: np.ndarray, arrays: list[np.ndarray],
                masks: Masks, sizes: np.ndarray) -> None:
        _write(part.path, geometry, arrays, masks, self.spec, self.fmt.driver,
               self.fmt.layer_options, append=True)
        part.rows += len(geometry)
        part.shp_bytes += int(sizes.sum())
        dbf = part.path.with_suffix(".dbf")
        part.dbf_bytes = dbf.stat().st_size
        part.dbf_record = dbf_record_length(dbf)
        self.written += len(geometry)
        if max(part.path.stat().st_size, part.dbf_bytes) > self.part_limit:
            raise CadastreError(f"{part.path.name}: passed {self.part_limit} bytes "
                                "(a shapefile's size was under-estimated)")

    def finish(self) -> list[Path]:
        files = []
        for part in self.parts:
            files += [part.path.with_suffix(s) for s in _SHAPEFILE_SIDECARS
                      if part.path.with_suffix(s).exists()]
        return files

    @property
    def part_count(self) -> int:
        return len(self.parts)


def shp_record_sizes(geometry: np.ndarray) -> np.ndarray:
    """Bytes each polygon takes in a .shp: fixed header, 4 per ring, 16 per vertex."""
    if not len(geometry):
        return np.zeros(0, dtype="int64")
    geoms = shapely.from_wkb(geometry)
    polygons, owner = shapely.get_parts(geoms, return_index=True)
    rings = np.bincount(owner, weights=1 + shapely.get_num_interior_rings(polygons),
                        minlength=len(geoms))
    points = shapely.get_num_coordinates(geoms)
    return (_SHP_RECORD_FIXED + 4 * rings + 16 * points).astype("int64")


def dbf_record_length(path: Path) -> int:
    """The record length a .dbf header declares."""
    with path.open("rb") as handle:
        header = handle.read(12)
    return struct.unpack("<H", header[10:12])[0]


def write_mapping_csv(path: Path, fields: Sequence[Field]) -> Path:
    """fields.csv: which shapefile field holds which attribute."""
    rows = mapping_rows(fields)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


class LongTextTable:
    """long_text.csv, written as the stream goes: the whole text of values cut to fit."""

    HEADER = ("parcel_id", "ref", "field", "shapefile_field", "text")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.fields: set[str] = set()
        self._handle: TextIO | None = None

    def add(self, items: Sequence[LongText]) -> None:
        if not items:
            return
        if self._handle is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(self.HEADER)
        for item in items:
            self._writer.writerow((item.parcel_id, item.ref, item.field, item.shapefile_field,
                                   item.text))
            self.fields.add(item.field)
        self.count += len(items)

    def close(self) -> Path | None:
        if self._handle is None:
            return None
        self._handle.close()
        return self.path


def zip_files(archive: Path, files: Sequence[Path]) -> Path:
    """A zip (deflated, zip64 when needed) of `files` under their own names."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for path in files:
            z.write(path, arcname=path.name)
    return archive


def publish(files: Sequence[Path], output: Path) -> list[Path]:
    """Move finished files into place: sidecars first, the file named `output` last.

    Each file keeps its suffix and takes the output's stem; `os.replace` is atomic, so the
    output name shows either the earlier file or the complete new one.
    """
    placed = []
    main = [f for f in files if f.suffix == output.suffix]
    for path in [f for f in files if f not in main] + main:
        target = output.with_suffix(path.suffix)
        os.replace(path, target)
        placed.append(target)
    return placed
