"""Import a parcel file into the register: read → stage (COPY) → register_staged → report.

The rules run in the database (cadastre.register_staged): this module only moves records and
reports outcomes. Everything happens in one transaction; when nothing new is imported the
transaction is rolled back, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pyproj

from cadastre.db.connection import user_error
from cadastre.db.copy import copy_rows
from cadastre.db.rows import one_row
from cadastre.errors import CadastreError
from cadastre.io.reader import Source, SourceRecord, missing_crs_hint
from cadastre.register.binding import dossiers, imports

STAGE_COLUMNS = (
    "batch_id",
    "feature_ref",
    "commune_code",
    "sheet_number",
    "parcel_number",
    "geom",
    "legal_area",
    "land_uses",
    "address",
    "holders",
    "holder_name",
    "old_identifiers",
    "outcome",
    "reason",
    "detail",
)
STAGE_TARGET = f"cadastre.staged_parcel ({', '.join(STAGE_COLUMNS)})"
READ_PROBLEMS_THAT_QUARANTINE = {
    "null_geometry": "geometry_empty",
    "empty_geometry": "geometry_empty",
    "unreadable_geometry": "geometry_unreadable",
    "not_polygonal": "geometry_not_polygon",
    "missing_identity": "identity_missing",
    "unparsable_number": "attribute_unparsable",
    "missing_feature_id": "identity_missing",
    "undecodable_text": "text_undecodable",
}


@dataclass
class ImportReport:
    """What an import did, feature by feature and in total."""

    source: str
    features: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    new_codes: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def accounted(self) -> int:
        """Features with an outcome: must equal `features`."""
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class DossierSpec:
    """The dossier an import registers under: an existing approved one, or a new one."""

    dossier_id: int | None = None
    officer: str | None = None
    legal_basis: str | None = None

    def check(self) -> None:
        if self.dossier_id is None and not self.officer:
            raise CadastreError(
                "An import needs a dossier: give --dossier ID (approved) or "
                "--officer NAME to record one for this import",
                hint="Every change to the register is tied to a dossier.",
            )


def srid_of(crs_text: str) -> int:
    """The EPSG code of the source CRS (PostGIS reprojects by SRID)."""
    crs = pyproj.CRS.from_user_input(crs_text)
    code = crs.to_epsg(min_confidence=70)
    if code is None:
        raise CadastreError(
            f"The file's CRS has no EPSG code PostGIS can use: {crs.name}",
            hint="Name it explicitly with --crs EPSG:NNNN.",
        )
    return code


def register_crs_hint(conn: psycopg2.extensions.connection) -> str | None:
    """The no-CRS hint naming this register's own CRS and province (None before db init)."""
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT r.srid, r.province_code, p.province_name "
                        "FROM cadastre.register_setting AS r "
                        "JOIN cadastre.province_crs AS p USING (province_code)")
            row = cur.fetchone()
    except psycopg2.Error:
        row = None
    conn.rollback()
    return missing_crs_hint(*row) if row else None


def rule_names(conn: psycopg2.extensions.connection) -> dict[str, tuple[str, str]]:
    """Each rule's (and import reason's) name by its code: (Vietnamese, English), so the CLI
    words a rule by its code, Vietnamese first."""
    with conn.cursor() as cur:
        cur.execute("SELECT code, name_vi, name_en FROM cadastre.rule")
        names = {code: (name_vi, name_en) for code, name_vi, name_en in cur.fetchall()}
    conn.rollback()
    return names


def communes_without_boundary(cur: psycopg2.extensions.cursor, codes: Iterable[str]) -> list[str]:
    """Of these commune codes (or the communes in force that took them over), those whose
    boundary is not loaded: there the placement rule cannot run."""
    cur.execute(
        "SELECT DISTINCT u.code FROM unnest(%s::text[]) AS c(code) "
        "LEFT JOIN LATERAL (SELECT s.new_code FROM cadastre.commune_successors("
        "    c.code, cadastre.clock()::date) AS s) AS m ON true "
        "JOIN cadastre.admin_unit AS u ON u.code = coalesce(m.new_code, c.code) "
        "WHERE u.level = 'commune' AND u.boundary IS NULL ORDER BY u.code",
        (sorted(set(codes)),),
    )
    return [code for (code,) in cur.fetchall()]


def placement_skipped(codes: list[str]) -> list[str]:
    """The import's and the check's words, Vietnamese then English, for communes whose
    placement rule (a parcel lies within its commune) was skipped: no boundary is loaded."""
    if not codes:
        return []
    listed = ", ".join(codes)
    return [
        f"Chưa nạp ranh giới xã {listed}: đã bỏ qua quy tắc vị trí (thửa nằm trong xã của nó); "
        "nạp ranh giới bằng `cadastre commune import-boundaries FILE`.",
        f"No boundary loaded for commune {listed}: the placement rule (a parcel lies within its "
        "commune) was skipped there; load boundaries with "
        "`cadastre commune import-boundaries FILE`.",
    ]


MAX_AREA_M2 = 1e9  # 1,000 km²: no parcel is larger; such a value is a unit or typing error
WHOLE_NUMBER = re.compile(r"^\s*[0-9]{1,9}(\.0*)?\s*$")
UNNUMBERED = re.compile(r"^\s*0+(\.0*)?\s*$")
"""Parcel number 0: a parcel drawn but not numbered yet (its own reason, parcel_unnumbered)."""


@dataclass(frozen=True)
class StageVerdict:
    """What staging already knows about a record: a quarantine reason, or a note."""

    reason: str | None = None
    detail: str | None = None


def stage_rows(
    batch_id: int,
    records: Iterable[SourceRecord],
    srid: int,
    seen: set[str] | None = None,
    area_field: str = "registered_area",
) -> Iterable[tuple]:
    """Rows for staged_parcel; read problems become quarantine outcomes right away."""
    seen = set() if seen is None else seen
    for record in records:
        feature_ref = str(record.feature_id)
        verdict = judge_record(record, feature_ref in seen, area_field)
        if feature_ref in seen:
            feature_ref = f"{feature_ref} (FID {record.fid})"
        seen.add(feature_ref)
        area = record.registered_area
        area = area if area is not None and 0 < area < MAX_AREA_M2 else None
        yield (
            batch_id,
            feature_ref,
            record.commune_code,
            record.sheet_number,
            parse_parcel_number(record.parcel_number),
            f"SRID={srid};{record.geometry.hex()}" if record.geometry else None,
            area,
            json.dumps([{"code": code, "area": None} for code in record.land_use])
            if record.land_use
            else None,
            record.address,
            None,
            record.holder_name,
            _old_identifiers(record),
            "quarantined" if verdict.reason else None,
            verdict.reason,
            verdict.detail,
        )


def judge_record(
    record: SourceRecord, repeated_id: bool, area_field: str = "registered_area"
) -> StageVerdict:
    """Problems found before the database: read problems, repeated ids, absurd values."""
    problem = next((p for p in record.problems if p.code in READ_PROBLEMS_THAT_QUARANTINE), None)
    if problem:
        return StageVerdict(READ_PROBLEMS_THAT_QUARANTINE[problem.code], problem.message)
    if repeated_id:
        return StageVerdict(
            "duplicate_feature_id",
            f"feature id {record.feature_id} is repeated in the file (this is FID {record.fid})",
        )
    if record.parcel_number is not None and parse_parcel_number(record.parcel_number) is None:
        if UNNUMBERED.match(record.parcel_number):
            return StageVerdict(
                "parcel_unnumbered",
                f"unnumbered parcel: parcel number {record.parcel_number.strip()} "
                "(a parcel drawn but not yet numbered)",
            )
        return StageVerdict(
            "identity_missing", f"parcel number '{record.parcel_number}' is not a whole number"
        )
    area = record.registered_area
    if area is not None and area >= MAX_AREA_M2:
        return StageVerdict(
            "attribute_out_of_range",
            f"registered area (field {area_field}) {area:g} m² is not plausible",
        )
    if area is not None and area <= 0:
        return StageVerdict(
            None,
            f"registered area (field {area_field}) {area:g} m² ignored; legal area from geometry",
        )
    return StageVerdict()


def parse_parcel_number(value: str | None) -> int | None:
    """A parcel number: a whole number ('12', or '12.0' as shapefiles store numbers), else None."""
    if value is None or not WHOLE_NUMBER.match(value):
        return None
    number = int(float(value))
    return number if number > 0 else None


def import_source(
    conn: psycopg2.extensions.connection,
    source: Source,
    dossier: DossierSpec,
    repair: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every feature of a source; returns the report (the transaction is decided)."""
    dossier.check()
    started = time.monotonic()
    report = ImportReport(source=str(source.path))
    try:
        with conn.cursor() as cur:
            batch_id, report.features = stage_source(cur, source, repair, on_batch=on_batch)
            dossier_id = dossier.dossier_id or _open_import_dossier(cur, source, dossier, batch_id)
            codes_before = _imported_codes(cur)
            summary = imports.register_staged(
                cur, batch_id=batch_id, dossier_id=dossier_id, repair=repair
            )
            report.new_codes = sorted(_imported_codes(cur) - codes_before)
            report.rows = _outcome_rows(cur, batch_id)
    except psycopg2.Error as exc:
        conn.rollback()
        raise user_error(exc) from exc
    except BaseException:
        conn.rollback()
        raise
    report.outcomes = summary["outcomes"]
    report.reasons = summary["reasons"]
    changed = any(report.outcomes.get(o, 0) for o in ("imported", "repaired"))
    if changed or dossier.dossier_id is not None:
        conn.commit()
        report.committed = True
    else:
        conn.rollback()  # nothing new: leave no batch, no dossier behind
    report.seconds = time.monotonic() - started
    return report


def write_report_csv(report: ImportReport, path: Path) -> None:
    """Every feature's outcome as CSV (feature, outcome, reason, detail, parcel, location)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["feature", "outcome", "reason", "detail", "parcel", "location_wkt"]
        )
        writer.writeheader()
        writer.writerows(report.rows)


def stage_source(
    cur: psycopg2.extensions.cursor,
    source: Source,
    repair: bool = False,
    *,
    check_only: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Stage every feature of a source in a new batch: (batch id, features staged).

    The one staging of `cadastre import` and of its dry run `cadastre check FILE`: the same
    records, the same verdicts before the database, the same fields.
    """
    srid = srid_of(source.crs)
    batch_id = _open_batch(cur, source, repair, check_only)
    seen: set[str] = set()
    area_field = source.mapping.columns.get("registered_area", "registered_area")
    staged = 0
    for records in source.batches():
        staged += copy_rows(
            cur, STAGE_TARGET, stage_rows(batch_id, records, srid, seen, area_field)
        )
        if on_batch:
            on_batch(len(records))
    return batch_id, staged


def _open_batch(
    cur: psycopg2.extensions.cursor, source: Source, repair: bool, check_only: bool = False
) -> int:
    options = {"repair": repair, "encoding": source.encoding.effective}
    if check_only:
        options["check_only"] = True
    cur.execute(
        "INSERT INTO cadastre.import_batch (source, layer, source_crs, options) "
        "VALUES (%s, %s, %s, %s) RETURNING id",
        (
            str(source.path),
            source.layer,
            source.crs,
            json.dumps(options),
        ),
    )
    return one_row(cur)[0]


def _open_import_dossier(
    cur: psycopg2.extensions.cursor, source: Source, dossier: DossierSpec, batch_id: int
) -> int:
    """The import's own first-registration dossier: an administrator's act, marked as decided
    by the one who opened it (cadastre.open_import_dossier refuses anyone else)."""
    officer = dossier.officer
    if not officer:  # DossierSpec.check refuses this before anything is staged
        raise CadastreError("An import without --dossier needs --officer NAME for its dossier")
    today = dt.date.today()
    return dossiers.open_import_dossier(
        cur,
        number=f"NHAP-{today:%Y%m%d}-{batch_id}",
        received_on=today,
        officer=officer,
        legal_basis=dossier.legal_basis or f"Import of {source.path.name}",
        note=f"import batch {batch_id}",
    )


def _imported_codes(cur: psycopg2.extensions.cursor) -> set[str]:
    cur.execute("SELECT code FROM cadastre.land_use_code WHERE source = 'import'")
    return {code for (code,) in cur.fetchall()}


def _outcome_rows(cur: psycopg2.extensions.cursor, batch_id: int) -> list[dict]:
    cur.execute(
        "SELECT feature_ref, outcome, reason, detail, cadastre.parcel_ref(parcel_id), "
        "ST_AsText(location) FROM cadastre.staged_parcel WHERE batch_id = %s "
        "ORDER BY feature_ref",
        (batch_id,),
    )
    return [
        dict(
            zip(
                ("feature", "outcome", "reason", "detail", "parcel", "location_wkt"),
                row,
                strict=True,
            )
        )
        for row in cur.fetchall()
    ]


def _old_identifiers(record: SourceRecord) -> str | None:
    if not (record.old_sheet_number or record.old_parcel_number):
        return None
    return json.dumps(
        [
            {
                "commune_code": record.commune_code,
                "sheet_number": record.old_sheet_number,
                "parcel_number": record.old_parcel_number,
                "until": None,
            }
        ]
    )
