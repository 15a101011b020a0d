"""`export_parcels`: the register at a date, filtered, streamed into a file through GDAL.

One read-only REPEATABLE READ transaction: a COUNT for the progress bar, then a server-side
cursor read in batches (memory holds one batch), each batch flattened (cadastre.export.fields)
and written (cadastre.export.writer) in a work folder beside the output, published by rename
only when complete. The CLI, the analyst API and the QGIS Processing algorithm all call this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psycopg2
import psycopg2.extensions
import psycopg2.extras
import pyogrio.raw
import pyproj
import shapely

from cadastre.db.connection import connect, user_error
from cadastre.db.rows import one_row
from cadastre.errors import CadastreError
from cadastre.export import fields as export_fields
from cadastre.export.crs import WGS84, target_srid
from cadastre.export.formats import SHAPEFILE_PART_LIMIT, OutputFormat, output_format
from cadastre.export.output import check_outputs
from cadastre.export.query import build_query
from cadastre.export.request import ExportRequest
from cadastre.export.writer import (
    LayerSpec,
    LongTextTable,
    ShapefileWriter,
    StagedWriter,
    publish,
    work_folder,
    write_mapping_csv,
    zip_files,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
"""Called after each batch with (parcels written so far, parcels in the export)."""


@dataclass
class ExportResult:
    """What an export produced."""

    path: Path
    format: str
    count: int
    crs: str
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Register:
    srid: int
    province: str
    central_meridian: float


def export_parcels(
    output: str | Path,
    request: ExportRequest | None = None,
    *,
    connection: psycopg2.extensions.connection | None = None,
    url: str | None = None,
    on_progress: Progress | None = None,
    shapefile_part_limit: int = SHAPEFILE_PART_LIMIT,
    overwrite: bool = False,
) -> ExportResult:
    """Export parcels to `output` (format from `request.format` or the suffix).

    Uses `connection` (left as it was found: the read is rolled back) or opens one to `url`
    (default: the register). Nothing appears under `output` unless the export completes; an
    existing file of that name is refused unless `overwrite`.
    """
    request = (request or ExportRequest()).check()
    output = Path(output)
    fmt = output_format(output, request.format)
    check_outputs(fmt.files(output), overwrite)
    conn = connection or connect(url)
    if conn.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
        raise CadastreError("export_parcels needs a connection with no transaction open")
    try:
        return _export(conn, output, fmt, request, on_progress, shapefile_part_limit)
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    except OSError as exc:
        raise CadastreError(f"{output}: could not write the export ({exc.strerror or exc})",
                            hint="Check the free space and the folder's permissions.") from exc
    finally:
        conn.rollback()
        if connection is None:
            conn.close()


def _export(conn: psycopg2.extensions.connection, output: Path, fmt: OutputFormat,
            request: ExportRequest, on_progress: Progress | None, part_limit: int,
            ) -> ExportResult:
    with conn.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        register = _register(cur)
        srid, notes = _target_srid(cur, request.crs, register, fmt)
        area_srid = _area_srid(cur, request, register, srid)
        _check_filters(cur, request, register)
        if request.with_personal_data:
            _require_personal_data_privilege(cur)
        query = build_query(request, srid, area_srid)
        cur.execute(query.count_sql, query.params)
        total = one_row(cur)[0]
    fields = export_fields.selected_fields(request.holders, request.with_rights,
                                           request.with_personal_data)
    spec = LayerSpec(fields, srid, request.layer, shapefile_names=fmt.shapefile,
                     dates_as_text=fmt.key == "csv")
    result = ExportResult(output, fmt.key, 0, f"EPSG:{srid}")
    with work_folder(output) as folder:
        writer = _writer(folder, output.stem, fmt, spec, request, part_limit)
        long_texts = LongTextTable(folder / "long_text.csv")
        try:
            result.count = _stream(conn, query, request.batch_size, writer, spec, long_texts,
                                   total, on_progress)
        finally:
            long_text_file = long_texts.close()
        files = writer.finish()
        if fmt.shapefile:
            files = _shapefile_package(folder, output, files, fields, long_text_file)
        result.files = [p.name for p in publish(files, output)]
        result.warnings = notes + _warnings(request, result, writer, long_texts)
    for warning in result.warnings:
        log.warning(warning)
    return result


def _register(cur: psycopg2.extensions.cursor) -> _Register:
    cur.execute("SELECT to_regclass('cadastre.register_setting') IS NOT NULL")
    if not one_row(cur)[0]:
        raise CadastreError("This database has no register schema",
                            hint="Run `cadastre db migrate` first.")
    cur.execute("SELECT c.srid, s.province_code, c.central_meridian "
                "FROM cadastre.register_setting AS s "
                "JOIN cadastre.province_crs AS c USING (province_code)")
    row = cur.fetchone()
    if row is None:
        raise CadastreError("This database has no register yet (no province chosen)",
                            hint="Create it with cadastre.init_register('<province code>').")
    return _Register(int(row[0]), row[1], float(row[2]))


def _known_srid(cur: psycopg2.extensions.cursor, srid: int, option: str) -> int:
    cur.execute("SELECT 1 FROM public.spatial_ref_sys WHERE srid = %s", (srid,))
    if cur.fetchone() is None:
        raise CadastreError(f"{option}: EPSG:{srid} is not a CRS the database knows",
                            hint="Use tm3, utm, wgs84 or an EPSG code in spatial_ref_sys.")
    return srid


def _target_srid(cur: psycopg2.extensions.cursor, crs: str | None, register: _Register,
                 fmt: OutputFormat) -> tuple[int, list[str]]:
    """The export's EPSG code, and a note when the format overrode the one asked for."""
    srid = target_srid(crs or "tm3", register.srid, register.central_meridian)
    if fmt.wgs84_only and srid != WGS84:
        notes = [f"{fmt.label} is always in WGS 84 (RFC 7946): --crs {crs} was not applied; "
                 "export to GeoPackage or FlatGeobuf for another CRS."] if crs else []
        return WGS84, notes
    return _known_srid(cur, srid, f"--crs {crs}"), []


def _area_srid(cur: psycopg2.extensions.cursor, request: ExportRequest, register: _Register,
               srid: int) -> int | None:
    if request.bbox is None and request.polygon is None:
        return None
    if request.area_crs is None:
        return srid
    area = target_srid(request.area_crs, register.srid, register.central_meridian)
    return _known_srid(cur, area, f"area CRS {request.area_crs}")


def _check_filters(cur: psycopg2.extensions.cursor, request: ExportRequest,
                   register: _Register) -> None:
    if request.province and request.province != register.province:
        raise CadastreError(
            f"--province {request.province}: this register serves province {register.province}",
            hint="Export from that province's register, or leave --province out.")
    if request.communes:
        cur.execute("SELECT code FROM cadastre.admin_unit WHERE level = 'commune' "
                    "AND code = ANY (%s)", (list(request.communes),))
        _refuse_unknown("--commune", request.communes, {r[0] for r in cur.fetchall()})
    if request.land_uses:
        codes = [c.upper() for c in request.land_uses]
        cur.execute("SELECT code FROM cadastre.land_use_code WHERE code = ANY (%s)", (codes,))
        _refuse_unknown("--land-use", codes, {r[0] for r in cur.fetchall()})
    if request.polygon is not None:
        cur.execute("SELECT ST_IsValid(ST_GeomFromText(%s)), "
                    "GeometryType(ST_GeomFromText(%s))", (request.polygon, request.polygon))
        valid, kind = one_row(cur)
        if not valid or kind not in ("POLYGON", "MULTIPOLYGON"):
            raise CadastreError(f"--polygon: not a valid polygon ({kind})",
                                hint="Give a valid POLYGON or MULTIPOLYGON.")


def _refuse_unknown(option: str, wanted: Any, known: set[str]) -> None:
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise CadastreError(f"{option} {', '.join(unknown)}: not in the register",
                            hint="Check the code (communes: 5 digits; land uses: TT 27/2018).")


def _require_personal_data_privilege(cur: psycopg2.extensions.cursor) -> None:
    cur.execute("SELECT current_user, "
                "has_table_privilege('cadastre.party_personal', 'SELECT')")
    role, allowed = one_row(cur)
    if not allowed:
        raise CadastreError(
            f"--with-personal-data: the database role '{role}' may not read personal data "
            "(cadastre.party_personal)",
            hint="Export without --with-personal-data, or connect as a role authorised to "
            "read personal data.")


def _writer(folder: Path, stem: str, fmt: OutputFormat, spec: LayerSpec,
            request: ExportRequest, part_limit: int) -> Any:
    if fmt.shapefile:
        return ShapefileWriter(folder, stem, fmt, spec, request.split_shapefile, part_limit)
    return StagedWriter(folder, stem, fmt, spec)


def _stream(conn: psycopg2.extensions.connection, query: Any, batch_size: int, writer: Any,
            spec: LayerSpec, long_texts: LongTextTable, total: int,
            on_progress: Progress | None) -> int:
    written = 0
    with conn.cursor(name="cadastre_export",
                     cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.itersize = batch_size
        cur.execute(query.sql, query.params)
        while True:
            rows = cur.fetchmany(batch_size)
            if not rows and written:
                break
            geometry = np.array([bytes(r.pop("geom_wkb")) for r in rows], dtype=object)
            records = [export_fields.record(r) for r in rows]
            arrays, masks, cut = export_fields.columns(records, spec.fields, spec.shapefile_names,
                                                       spec.dates_as_text)
            writer.write(geometry, arrays, masks)
            long_texts.add(cut)
            written += len(rows)
            if on_progress is not None:
                on_progress(written, total)
            if not rows:
                break
    return written


def _shapefile_package(folder: Path, output: Path, files: list[Path],
                       fields: list[export_fields.Field], long_text_file: Path | None,
                       ) -> list[Path]:
    extra = [write_mapping_csv(folder / "fields.csv", fields)]
    if long_text_file is not None:
        extra.append(long_text_file)
    return [zip_files(folder / f"{output.stem}.zip", files + extra)]


def _warnings(request: ExportRequest, result: ExportResult, writer: Any,
              long_texts: LongTextTable) -> list[str]:
    warnings = []
    if result.count == 0:
        warnings.append("No parcel matches the filters: the export has no features.")
    if long_texts.count:
        warnings.append(
            f"{long_texts.count} text values longer than a shapefile field (254 bytes) were "
            f"shortened ({', '.join(sorted(long_texts.fields))}); the whole text is in "
            "long_text.csv inside the zip.")
    if isinstance(writer, ShapefileWriter) and writer.part_count > 1:
        warnings.append(
            f"The shapefile was split into {writer.part_count} parts (each file under 2 GB): "
            f"{', '.join(p.path.name for p in writer.parts)}.")
    if request.with_personal_data:
        warnings.append("The export contains personal data (ID numbers): keep and share it "
                        "only as Decree 13/2023 allows.")
    return warnings


def read_area(path: Path) -> tuple[str, str | None]:
    """A polygon filter from a file: WKT text (.wkt, .txt) or any GDAL layer (its features'
    union, with the layer's CRS as EPSG:n when it has one)."""
    if not path.exists():
        raise CadastreError(f"--polygon {path}: no such file")
    if path.suffix.lower() in (".wkt", ".txt"):
        return path.read_text(encoding="utf-8").strip(), None
    meta, _, geometry, _ = pyogrio.raw.read(str(path), read_geometry=True)
    if geometry is None or not len(geometry):
        raise CadastreError(f"--polygon {path}: the file has no geometry")
    area = shapely.union_all(shapely.from_wkb(geometry))
    crs = None
    if meta.get("crs"):
        epsg = pyproj.CRS(meta["crs"]).to_epsg()
        if epsg is None:
            raise CadastreError(f"--polygon {path}: its CRS has no EPSG code",
                                hint="Save the area in an EPSG CRS or give --area-crs.")
        crs = f"EPSG:{epsg}"
    return shapely.to_wkt(area), crs
