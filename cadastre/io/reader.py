"""Read a parcel layer (Shapefile, GeoJSON, GeoPackage, ...) into normalized records.

The file-reading half of `cadastre import`: no database here. The reader names the layer's
CRS (never guesses one), decodes legacy Vietnamese text, applies a field mapping and yields
records in batches, each with the problems found while reading it. No feature is dropped.
Geometries stay WKB in the source CRS: reprojection happens in the database.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import pyproj
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from cadastre.errors import CadastreError
from cadastre.io.field_mapping import (
    IDENTITY_TARGETS,
    FieldMapping,
    ResolvedMapping,
    TransformError,
    load_mapping,
)
from cadastre.io.landuse_codes import parse_land_use
from cadastre.io.vn_encoding import decode_text, guess_encoding

DEFAULT_BATCH_SIZE = 1000
SAMPLE_FEATURES = 2000
"""Features whose text is looked at to detect the encoding (spread over the layer)."""

_BYTE_PRESERVING = "ISO-8859-1"  # read every text as one char per byte; decoding is ours
_SHAPEFILE = "ESRI Shapefile"
_POLYGONAL_TYPE_IDS = (3, 6)  # shapely: Polygon, MultiPolygon
# Drivers that open a file cheaply and seek to a feature: read them chunk by chunk. Others
# (GeoJSON, CSV, ...) parse the whole file on every open, so one read is cheaper.
_CHUNKED_DRIVERS = frozenset({_SHAPEFILE, "GPKG", "FlatGeobuf", "OpenFileGDB", "SQLite"})
_TEXT_TARGETS = ("holder_name", "address")
_OLD_IDENTITY_TARGETS = ("old_sheet_number", "old_parcel_number")

_CPG_ALIASES = {
    "UTF8": "utf-8",
    "UTF-8": "utf-8",
    "65001": "utf-8",
    "ANSI 1252": "cp1252",
    "88591": "latin-1",
    "TCVN3": "tcvn3",
    "TCVN": "tcvn3",
    "ABC": "tcvn3",
    "VNI": "vni",
    "VNI-WINDOWS": "vni",
}
_LEGACY_NAMES = {"tcvn3", "vni", "cp1258", "utf-8", "unicode"}


class SourceError(CadastreError):
    """The source file cannot be read as a parcel layer (the message names the file)."""


class MissingCrsError(SourceError):
    """The file declares no CRS and none was given: the import never guesses one."""


MISSING_CRS_HINT = (
    "name it: --crs EPSG:NNNN, or --province CODE for the province's VN-2000 TM-3 zone "
    "(the register's own CRS and province: `cadastre db status`)"
)


def missing_crs_hint(srid: int, province_code: str, province_name: str) -> str:
    """The no-CRS hint naming the register's own CRS and province (what a file of it is in)."""
    name = ""
    with contextlib.suppress(pyproj.exceptions.CRSError):
        name = f" ({pyproj.CRS.from_epsg(srid).name})"
    return (
        f"name it: --crs EPSG:{srid}{name}, the CRS of this register of {province_name}, "
        f"or --province {province_code} for its VN-2000 TM-3 zone"
    )


@dataclass(frozen=True)
class FeatureProblem:
    """A defect found while reading one feature; the feature is kept and the defect reported."""

    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """One feature, normalized: identity as text, area as float, land use as codes."""

    fid: int
    feature_id: str | int
    geometry: bytes | None
    commune_code: str | None
    sheet_number: str | None
    parcel_number: str | None
    land_use: tuple[str, ...]
    registered_area: float | None
    holder_name: str | None
    address: str | None
    old_sheet_number: str | None
    old_parcel_number: str | None
    attributes: dict[str, Any]
    problems: tuple[FeatureProblem, ...] = ()


@dataclass(frozen=True)
class FieldInfo:
    """A field of the layer: its (decoded) name and its numpy type."""

    name: str
    dtype: str


@dataclass(frozen=True)
class TextEncoding:
    """How the layer's text turns into Unicode.

    With `declared` ('utf-8': the container is UTF-8) the bytes are decoded with it first and
    `name` then says how to repair that text ('unicode': nothing to repair; 'tcvn3', 'vni',
    'cp1258', 'utf-8': legacy text that was stored as if it were Latin-1). Without `declared`,
    `name` decodes the raw bytes: 'tcvn3', 'vni', 'unicode' (UTF-8) or a Python codec.
    `origin` says who decided: 'given', 'cpg', 'driver' or 'detected'.
    """

    name: str
    declared: str | None
    origin: str
    detail: str = ""

    def decode(self, raw: str | None) -> str | None:
        """Decode one value read byte-preserving (one char per byte) into Unicode NFC."""
        if raw is None:
            return None
        if raw.isascii():
            return raw  # every supported encoding keeps ASCII as it is
        data = raw.encode("latin-1")
        if self.declared:
            return decode_text(data.decode(self.declared, errors="replace"), self.name)
        return decode_text(data, self.name)

    @property
    def effective(self) -> str:
        """The encoding the text really was in: 'tcvn3', 'vni', 'cp1258', 'utf-8', a codec."""
        if self.name == "unicode":
            return self.declared or "utf-8"
        return self.name

    def describe(self) -> str:
        """One line for reports: 'tcvn3 (detected; 100% of 40 non-ASCII words ...)'."""
        inside = (
            f", stored inside {self.declared} text"
            if self.declared and self.name != "unicode"
            else ""
        )
        detail = f"; {self.detail}" if self.detail else ""
        return f"{self.effective} ({self.origin}{inside}{detail})"


@dataclass(frozen=True)
class _LayerInfo:
    """What pyogrio says about the layer, read byte-preserving."""

    name: str
    driver: str
    feature_count: int
    geometry_type: str | None
    crs: str | None
    raw_fields: tuple[str, ...]
    dtypes: tuple[str, ...]
    random_access: bool


@dataclass
class Source:
    """An opened source layer: what it is, how it is read, and its records in batches."""

    path: Path
    layer: str
    driver: str
    feature_count: int
    geometry_type: str | None
    crs: str
    crs_origin: str
    fields: tuple[FieldInfo, ...]
    encoding: TextEncoding
    mapping: ResolvedMapping
    batch_size: int = DEFAULT_BATCH_SIZE
    notes: tuple[str, ...] = ()
    _info: _LayerInfo | None = field(default=None, repr=False)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The layer's field names, decoded."""
        return tuple(f.name for f in self.fields)

    def batches(self, batch_size: int | None = None) -> Iterator[list[SourceRecord]]:
        """Yield the records as lists of at most `batch_size`; each call reads the file anew."""
        size = batch_size or self.batch_size
        if size < 1:
            raise ValueError(f"batch size must be positive, got {size}")
        if self._info is None:
            raise RuntimeError("a Source must come from read_source() to be read")
        for fids, geometries, columns in _read_chunks(self.path, self._info, size):
            yield self._records(fids, geometries, columns)

    def records(self) -> Iterator[SourceRecord]:
        """Yield the records one by one (batched reads underneath)."""
        for batch in self.batches():
            yield from batch

    def describe(self) -> list[str]:
        """Human-readable lines for the import report."""
        lines = [
            f"file: {self.path}",
            f"layer: {self.layer} ({self.driver})",
            f"features: {self.feature_count}",
            f"geometry type: {self.geometry_type}",
            f"CRS: {self.crs} ({self.crs_origin})",
            f"text encoding: {self.encoding.describe()}",
            f"fields: {', '.join(f'{f.name} ({f.dtype})' for f in self.fields)}",
            *(f"mapping: {line}" for line in self.mapping.describe()),
        ]
        return lines + [f"note: {note}" for note in self.notes]

    def _records(
        self, fids: np.ndarray, geometries: np.ndarray | None, columns: Sequence[np.ndarray]
    ) -> list[SourceRecord]:
        """Normalize one chunk read from the file."""
        geometry_problems = _geometry_problems(geometries, len(fids))
        names = [f.name for f in self.fields]
        values = [
            self._column_values(column, f.dtype)
            for f, column in zip(self.fields, columns, strict=True)
        ]
        wkbs = [None] * len(fids) if geometries is None else geometries.tolist()
        records = []
        for index, fid in enumerate(fids.tolist()):
            row = {name: column[index] for name, column in zip(names, values, strict=True)}
            records.append(self._record(fid, wkbs[index], row, geometry_problems[index]))
        return records

    def _column_values(self, column: np.ndarray, dtype: str) -> list[Any]:
        """One field's values as plain Python: decoded text, numbers, ISO dates, None."""
        if column.dtype.kind == "M":
            return [None if np.isnat(v) else str(v) for v in column]
        if column.dtype.kind == "f":
            integral = dtype.startswith(("int", "uint"))
            return [_plain_float(v, integral) for v in column.tolist()]
        if column.dtype.kind != "O":
            return column.tolist()
        decode = self.encoding.decode
        return [decode(v) if isinstance(v, str) else _plain(v) for v in column]

    def _record(
        self,
        fid: int,
        wkb: bytes | None,
        row: dict[str, Any],
        geometry_problem: tuple[str, str] | None,
    ) -> SourceRecord:
        """Build one normalized record and the problems found in it."""
        builder = _RecordBuilder(self, fid, row)
        if geometry_problem is not None:
            code, what = geometry_problem
            builder.problem(code, f"{what}; the feature is kept without a usable geometry")
        return builder.build(wkb)


class _RecordBuilder:
    """Collects one feature's mapped values and problems."""

    def __init__(self, source: Source, fid: int, row: dict[str, Any]) -> None:
        self.source = source
        self.fid = fid
        self.row = row
        self.problems: list[FeatureProblem] = []
        self.feature_id: str | int = fid
        self.feature_id = self._feature_id()

    def label(self) -> str:
        """'x.shp, feature 12' (with the FID when the id field is used)."""
        suffix = f" (FID {self.fid})" if self.feature_id != self.fid else ""
        return f"{self.source.path.name}, feature {self.feature_id}{suffix}"

    def problem(self, code: str, message: str, field_name: str | None = None) -> None:
        """Record a problem for this feature."""
        self.problems.append(FeatureProblem(code, f"{self.label()}: {message}", field_name))

    def build(self, wkb: bytes | None) -> SourceRecord:
        """The record, with everything mapped and checked."""
        identity = {t: self._identifier(t, required=True) for t in IDENTITY_TARGETS}
        old = {t: self._identifier(t, required=False) for t in _OLD_IDENTITY_TARGETS}
        texts = {t: self._text(t) for t in _TEXT_TARGETS}
        land_use = parse_land_use(self._mapped("land_use"))
        area = self._area()
        self._report_undecodable_text()
        return SourceRecord(
            fid=self.fid,
            feature_id=self.feature_id,
            geometry=wkb,
            commune_code=identity["commune_code"],
            sheet_number=identity["sheet_number"],
            parcel_number=identity["parcel_number"],
            land_use=land_use,
            registered_area=area,
            holder_name=texts["holder_name"],
            address=texts["address"],
            old_sheet_number=old["old_sheet_number"],
            old_parcel_number=old["old_parcel_number"],
            attributes=self.row,
            problems=tuple(self.problems),
        )

    def _field_of(self, target: str) -> str | None:
        """The source field a target is read from (None for constants / unmapped)."""
        return self.source.mapping.columns.get(target)

    def _mapped(self, target: str) -> Any:
        """A target's value with transforms; a failed transform is reported and gives None."""
        try:
            return self.source.mapping.raw_value(target, self.row)
        except TransformError as error:
            field_name = self._field_of(target)
            self.problem(
                "unparsable_number",
                f"field {field_name!r} ({target}): {error}",
                field_name,
            )
            return None

    def _feature_id(self) -> str | int:
        """The id field's value, or the FID (a missing id is reported)."""
        column = self.source.mapping.columns.get("id_field")
        if column is None:
            return self.fid
        value = _identifier_text(self.row.get(column))
        if value is None:
            self.problem("missing_feature_id", f"id field {column!r} is empty", column)
            return self.fid
        return value

    def _identifier(self, target: str, *, required: bool) -> str | None:
        """An identity attribute as text; an empty required one is reported."""
        value = _identifier_text(self._mapped(target))
        if value is None and required:
            field_name = self._field_of(target)
            self.problem(
                "missing_identity",
                f"no {target} (field {field_name!r} is empty)",
                field_name,
            )
        return value

    def _text(self, target: str) -> str | None:
        """A free-text attribute, stripped; empty gives None."""
        value = self._mapped(target)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def _area(self) -> float | None:
        """The registered area in m², or None (an unparsable value is reported)."""
        value = self._mapped("registered_area")
        if value is None:
            return None
        try:
            return parse_number(value)
        except ValueError:
            field_name = self._field_of("registered_area")
            self.problem(
                "unparsable_number",
                f"field {field_name!r} (registered_area): {value!r} is not a number",
                field_name,
            )
            return None

    def _report_undecodable_text(self) -> None:
        """Report text fields whose bytes did not fit the encoding (U+FFFD appeared)."""
        for name, value in self.row.items():
            if isinstance(value, str) and "\ufffd" in value:
                self.problem(
                    "undecodable_text",
                    f"field {name!r}: some bytes are not valid "
                    f"{self.source.encoding.effective} (shown as U+FFFD)",
                    name,
                )


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

_UNIT_SUFFIX = re.compile(r"\s*(m2|m²|m\^2)$", re.IGNORECASE)


def parse_number(value: Any) -> float:
    """A number from a field value: 1234.5, '1234,5', '1.234,5', '1,234.5', '120 m2'.

    A lone comma is a decimal comma (Vietnamese usage); repeated separators group thousands.
    Raises ValueError when the value is not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(_normalized_number_text(str(value)))
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _normalized_number_text(text: str) -> str:
    """Rewrite a number written with local separators as '1234.5'."""
    text = _UNIT_SUFFIX.sub("", unicodedata.normalize("NFKC", text).strip())
    text = re.sub(r"[\s']", "", text)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        return text.replace(grouping, "").replace(decimal, ".")
    for separator in (",", "."):
        if text.count(separator) > 1:
            return text.replace(separator, "")
    return text.replace(",", ".")


def _identifier_text(value: Any) -> str | None:
    """An identifier as text: 12.0 -> '12', ' AB ' -> 'AB', empty -> None."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


def _plain_float(value: float, integral: bool) -> float | int | None:
    """A float from a numeric column: NaN (null) -> None; integer fields give ints back."""
    if math.isnan(value):
        return None
    return int(value) if integral and value.is_integer() else value


def _plain(value: Any) -> Any:
    """A numpy scalar as plain Python (NaN -> None, datetime64 -> ISO text)."""
    if value is None:
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------


def _geometry_problems(geometries: np.ndarray | None, count: int) -> list[tuple[str, str] | None]:
    """Per feature: None, or (code, message) for a null, unreadable, empty or non-polygon one."""
    if geometries is None:
        return [("null_geometry", "no geometry")] * count
    # NaN coordinates are a database rule's business (geometry_invalid, Invalid Coordinate):
    # shapely's RuntimeWarning about them must not reach the user.
    with np.errstate(invalid="ignore"):
        parsed = shapely.from_wkb(geometries, on_invalid="ignore")
        missing = shapely.is_missing(parsed).tolist()
        empty = shapely.is_empty(parsed).tolist()
        type_ids = shapely.get_type_id(parsed).tolist()
    problems: list[tuple[str, str] | None] = []
    for index, wkb in enumerate(geometries.tolist()):
        if wkb is None:
            problems.append(("null_geometry", "no geometry"))
        elif missing[index]:
            problems.append(("unreadable_geometry", "the geometry cannot be read"))
        elif empty[index]:
            problems.append(("empty_geometry", "the geometry is empty"))
        elif type_ids[index] not in _POLYGONAL_TYPE_IDS:
            kind = parsed[index].geom_type
            problems.append(("not_polygonal", f"the geometry is a {kind}, not a polygon"))
        else:
            problems.append(None)
    return problems


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


def _read(path: Path, info: _LayerInfo, **options: Any) -> tuple[Any, Any, Any, Any]:
    """pyogrio's raw read, byte-preserving, with the file named in any error."""
    try:
        return pyogrio.raw.read(
            str(path),
            layer=info.name,
            encoding=_BYTE_PRESERVING,
            **options,
        )
    except (DataSourceError, DataLayerError) as error:
        raise SourceError(f"'{path}' (layer '{info.name}'): cannot be read: {error}") from error


def _read_chunks(
    path: Path, info: _LayerInfo, size: int
) -> Iterator[tuple[np.ndarray, np.ndarray | None, Sequence[np.ndarray]]]:
    """Yield (fids, WKB geometries, field arrays) chunk by chunk.

    Drivers that seek cheaply are read `size` features at a time; others are read once and
    sliced (their drivers hold the whole layer in memory anyway).
    """
    if info.random_access:
        offset = 0
        while offset < info.feature_count:
            _meta, fids, geometries, columns = _read(
                path, info, skip_features=offset, max_features=size,
                return_fids=True, force_2d=True,
            )  # fmt: skip
            if len(fids) == 0:
                return
            yield fids, geometries, columns
            offset += len(fids)
        return
    _meta, fids, geometries, columns = _read(path, info, return_fids=True, force_2d=True)
    for start in range(0, len(fids), size):
        window = slice(start, start + size)
        yield (
            fids[window],
            None if geometries is None else geometries[window],
            [column[window] for column in columns],
        )


def _sample_text(path: Path, info: _LayerInfo) -> list[str]:
    """Distinct raw (byte-preserving) text values from features spread over the layer."""
    text_columns = [n for n, t in zip(info.raw_fields, info.dtypes, strict=True) if t == "object"]
    if not text_columns or info.feature_count == 0:
        return []
    windows = _sample_windows(info.feature_count, SAMPLE_FEATURES, info.random_access)
    values: dict[str, None] = {}
    for offset, count in windows:
        _meta, _fids, _geometries, columns = _read(
            path, info, columns=text_columns, read_geometry=False,
            skip_features=offset, max_features=count,
        )  # fmt: skip
        for column in columns:
            values.update((v, None) for v in column if isinstance(v, str) and not v.isascii())
    return list(values)


def _sample_windows(total: int, wanted: int, random_access: bool) -> list[tuple[int, int]]:
    """(offset, count) windows covering `wanted` features: start, middle thirds and end."""
    if total <= wanted or not random_access:
        return [(0, min(total, wanted))]
    part = wanted // 4
    starts = (0, total // 3, 2 * total // 3, total - part)
    return [(start, part) for start in starts]


def _layer_info(path: Path, layer: str | int | None) -> tuple[_LayerInfo, list[str]]:
    """Open the layer and describe it; notes say when a layer was chosen for the user."""
    notes: list[str] = []
    try:
        layers = [str(name) for name, _type in pyogrio.list_layers(str(path))]
    except DataSourceError as error:
        raise SourceError(f"'{path}': cannot be opened as a vector file: {error}") from error
    if not layers:
        raise SourceError(f"'{path}': contains no layer")
    name = _choose_layer(path, layers, layer)
    if layer is None and len(layers) > 1:
        notes.append(f"the file has {len(layers)} layers ({', '.join(layers)}); read {name!r}")
    try:
        meta = pyogrio.read_info(
            str(path), layer=name, encoding=_BYTE_PRESERVING, force_feature_count=True
        )
    except (DataSourceError, DataLayerError) as error:
        raise SourceError(f"'{path}' (layer '{name}'): cannot be read: {error}") from error
    info = _LayerInfo(
        name=name,
        driver=str(meta["driver"]),
        feature_count=int(meta["features"]),
        geometry_type=meta["geometry_type"],
        crs=meta["crs"],
        raw_fields=tuple(str(f) for f in meta["fields"]),
        dtypes=tuple(str(t) for t in meta["dtypes"]),
        random_access=str(meta["driver"]) in _CHUNKED_DRIVERS
        and bool(meta["capabilities"].get("fast_set_next_by_index", False)),
    )
    return info, notes


def _choose_layer(path: Path, layers: list[str], layer: str | int | None) -> str:
    """The layer name to read: the given name or index, or the first layer."""
    if layer is None:
        return layers[0]
    if isinstance(layer, int) and 0 <= layer < len(layers):
        return layers[layer]
    if isinstance(layer, str) and layer in layers:
        return layer
    raise SourceError(f"'{path}': no layer {layer!r}; layers: {', '.join(layers)}")


# ---------------------------------------------------------------------------------------------
# CRS
# ---------------------------------------------------------------------------------------------


def _crs_text(crs: pyproj.CRS) -> str:
    """An authority string ('EPSG:5897') when the CRS has a confident one, else its WKT."""
    authority = crs.to_authority(min_confidence=90)
    return f"{authority[0]}:{authority[1]}" if authority else crs.to_wkt()


def _parse_crs(value: str, what: str) -> pyproj.CRS:
    """Parse a CRS given by a user or a file, with a message naming where it came from."""
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as error:
        raise SourceError(f"{what}: not a coordinate reference system: {error}") from error


def _override_notes(file_crs: str | None, given: pyproj.CRS) -> list[str]:
    """A note when a given CRS replaces a different (or unreadable) one declared by the file."""
    if file_crs is None:
        return []
    try:
        declared = pyproj.CRS.from_user_input(file_crs)
    except pyproj.exceptions.CRSError:
        return [f"the file's CRS cannot be read by PROJ; using the given {_crs_text(given)}"]
    if declared.equals(given, ignore_axis_order=True):
        return []
    return [
        f"the file declares {_crs_text(declared)[:80]}; using the given "
        f"{_crs_text(given)[:80]} instead"
    ]


def _resolve_crs(
    path: Path, layer: str, file_crs: str | None, source_crs: str | None
) -> tuple[str, str, list[str]]:
    """(CRS text, origin, notes): the given CRS wins; without either, refuse to guess."""
    if source_crs is not None:
        given = _parse_crs(str(source_crs), f"the CRS given for '{path}' ({source_crs!r})")
        return _crs_text(given), "given", _override_notes(file_crs, given)
    if file_crs is None:
        raise MissingCrsError(
            f"'{path}' (layer '{layer}') has no coordinate reference system "
            f"(no .prj or CRS in the file), and the import never guesses one",
            hint=MISSING_CRS_HINT,
        )
    return _crs_text(_parse_crs(file_crs, f"'{path}' (layer '{layer}') CRS")), "file", []


# ---------------------------------------------------------------------------------------------
# Text encoding
# ---------------------------------------------------------------------------------------------


def _codec_name(label: str) -> str | None:
    """A Python codec or legacy-encoding name for a .cpg / user label, or None if unknown."""
    cleaned = label.strip().upper()
    if cleaned in _CPG_ALIASES:
        return _CPG_ALIASES[cleaned]
    if cleaned.lower() in _LEGACY_NAMES:
        return cleaned.lower()
    candidates = [cleaned, f"CP{cleaned}"]
    if match := re.fullmatch(r"(?:ISO[ _-]?)?8859[ _-]?(\d{1,2})", cleaned):
        candidates.insert(0, f"ISO8859-{match.group(1)}")
    if match := re.fullmatch(r"(?:ANSI|WINDOWS|CP)[ _-]?(\d{3,4})", cleaned):
        candidates.insert(0, f"CP{match.group(1)}")
    for candidate in candidates:
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


def _cpg_codec(path: Path) -> tuple[str | None, str | None]:
    """(codec, note) from a Shapefile's .cpg; the note explains an unusable .cpg."""
    cpg = next(
        (p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.is_file()), None
    )
    if cpg is None:
        return None, None
    label = cpg.read_bytes().decode("latin-1").strip()
    codec = _codec_name(label) if label else None
    if codec is None:
        return None, f"the .cpg names an unknown code page {label!r}; detecting the encoding"
    return codec, None


def _declared_codec(path: Path, driver: str, layer: str) -> tuple[str | None, str, str | None]:
    """(codec, origin, note): the .cpg for Shapefiles, UTF-8 for other OGR drivers."""
    if driver != _SHAPEFILE:
        return "utf-8", "driver", None
    if path.is_dir():
        path = path / f"{layer}.shp"
    elif path.suffix.lower() not in (".shp", ".dbf"):
        return None, "detected", None  # e.g. a zipped Shapefile: no .cpg to look at
    codec, note = _cpg_codec(path)
    return codec, "cpg", note


def _decodes_strictly(samples: Sequence[str], codec: str) -> list[str] | None:
    """The samples decoded with `codec`, or None when any does not decode."""
    try:
        return [s.encode("latin-1").decode(codec) for s in samples]
    except (UnicodeDecodeError, LookupError):
        return None


def _given_encoding(requested: str) -> TextEncoding:
    """The encoding a user named, validated."""
    name = _codec_name(requested)
    if name is None:
        raise SourceError(
            f"unknown text encoding {requested!r}; use tcvn3, vni, cp1258, utf-8 or a code page"
        )
    if name == "utf-8":
        name = "unicode"
    return TextEncoding(name=name, declared=None, origin="given")


def _choose_encoding(
    path: Path, info: _LayerInfo, samples: Sequence[str], requested: str | None
) -> tuple[TextEncoding, list[str]]:
    """Decide how the layer's text becomes Unicode: given, declared (.cpg, driver) or detected.

    A declaration is checked against the text: legacy text behind a UTF-8 or code-page
    declaration (a common result of conversions) is still detected and decoded.
    """
    if requested not in (None, "", "auto"):
        return _given_encoding(str(requested)), []
    notes: list[str] = []
    declared, origin, note = _declared_codec(path, info.driver, info.name)
    if note:
        notes.append(note)
    if declared in ("tcvn3", "vni"):
        return TextEncoding(name=declared, declared=None, origin=origin), notes
    if declared is not None and _decodes_strictly(samples, declared) is None:
        notes.append(f"the text is not valid {declared} as the {origin} says; detecting instead")
        declared = None
    if declared == "utf-8":
        guess = guess_encoding([s.encode("latin-1").decode("utf-8") for s in samples])
        decided_by = origin if guess.encoding == "unicode" else "detected"
        return TextEncoding(guess.encoding, "utf-8", decided_by, guess.evidence()), notes
    raw = [s.encode("latin-1") for s in samples]
    guess = guess_encoding(raw, baseline=declared)
    decided_by = origin if declared is not None and guess.encoding == declared else "detected"
    return TextEncoding(guess.encoding, None, decided_by, guess.evidence()), notes


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def read_source(
    path: str | Path,
    layer: str | int | None = None,
    mapping: str | Path | FieldMapping = "vn_standard",
    source_crs: str | None = None,
    encoding: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Source:
    """Open a parcel layer: check its CRS, detect its text encoding and bind the mapping.

    `mapping` is a preset name, a TOML path or a FieldMapping; `source_crs` overrides (or
    supplies) the file's CRS; `encoding` forces the text encoding ('tcvn3', 'vni', 'cp1258',
    'utf-8', a code page) instead of the .cpg and detection. Records come from
    `Source.batches()`.
    """
    path = Path(path)
    if not path.exists() and not str(path).startswith("/vsi"):
        raise SourceError(f"'{path}': no such file")
    info, notes = _layer_info(path, layer)
    if info.geometry_type is None:
        raise SourceError(f"'{path}' (layer '{info.name}'): has no geometry column")
    crs, crs_origin, crs_notes = _resolve_crs(path, info.name, info.crs, source_crs)
    text_encoding, encoding_notes = _choose_encoding(path, info, _sample_text(path, info), encoding)
    fields = tuple(
        FieldInfo(name=text_encoding.decode(raw) or raw, dtype=dtype)
        for raw, dtype in zip(info.raw_fields, info.dtypes, strict=True)
    )
    if info.feature_count == 0:
        raise SourceError(
            f"'{path}' (layer '{info.name}'): the file has no features",
            hint="Nothing to import or check: is it the right file (or layer, --layer)?",
        )
    resolved = load_mapping(mapping).resolve(
        [f.name for f in fields], layer=f"layer '{info.name}' of '{path}'"
    )
    if info.geometry_type and info.geometry_type.endswith("Z"):
        notes.append("Z coordinates are dropped (parcels are 2D)")
    return Source(
        path=path,
        layer=info.name,
        driver=info.driver,
        feature_count=info.feature_count,
        geometry_type=info.geometry_type,
        crs=crs,
        crs_origin=crs_origin,
        fields=fields,
        encoding=text_encoding,
        mapping=resolved,
        batch_size=batch_size,
        notes=tuple(notes + crs_notes + encoding_notes),
        _info=info,
    )


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "MISSING_CRS_HINT",
    "FeatureProblem",
    "FieldInfo",
    "MissingCrsError",
    "Source",
    "SourceError",
    "SourceRecord",
    "TextEncoding",
    "missing_crs_hint",
    "parse_number",
    "read_source",
]
