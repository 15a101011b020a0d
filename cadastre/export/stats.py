"""Land statistics: area and parcel counts by land-use code and commune at a date, in the
grouping of the national land-statistics tables, and what changed between two dates.

The totals come from cadastre.land_statistics (the tree is land_use_code.parent_code); this
module reads them, compares two dates (pure) and writes CSV with the stdlib csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg2.extensions

from cadastre.errors import CadastreError
from cadastre.export.query import end_of_day

TOTAL = "*"
"""The code of each commune's total line (every purpose of every current parcel)."""


@dataclass(frozen=True)
class StatLine:
    """One line of the statistics table: a code (or the total) in a commune."""

    commune_code: str
    commune_name: str
    code: str
    name: str
    parent_code: str | None
    group_code: str | None
    depth: int
    sort_order: int | None
    fill_color: str | None
    area: float
    parcels: int
    parcels_area_unknown: int


@dataclass(frozen=True)
class StatChange:
    """A line compared between two dates."""

    before: StatLine
    after: StatLine

    @property
    def area_change(self) -> float:
        return self.after.area - self.before.area

    @property
    def parcels_change(self) -> int:
        return self.after.parcels - self.before.parcels


def _stat_line(row: tuple) -> StatLine:
    """A StatLine from a row of cadastre.land_statistics."""
    (commune_code, commune_name, code, name, parent_code, group_code, depth, sort_order,
     fill_color, area, parcels, parcels_area_unknown) = row
    return StatLine(commune_code, commune_name, code, name, parent_code, group_code, depth,
                    sort_order, fill_color, float(area), int(parcels), int(parcels_area_unknown))


def land_statistics(conn: psycopg2.extensions.connection, as_of: dt.date | None = None,
                    communes: Sequence[str] = ()) -> list[StatLine]:
    """The statistics table at the end of `as_of` (default: now) for the communes (default:
    every commune with parcels)."""
    with conn.cursor() as cur:
        if communes:
            cur.execute("SELECT code FROM cadastre.admin_unit WHERE level = 'commune' "
                        "AND code = ANY (%s)", (list(communes),))
            known = {r[0] for r in cur.fetchall()}
            unknown = [c for c in communes if c not in known]
            if unknown:
                conn.rollback()
                raise CadastreError(f"--commune {', '.join(unknown)}: not in the register")
        cur.execute("SELECT * FROM cadastre.land_statistics(%s, %s)",
                    (end_of_day(as_of) if as_of else None, list(communes) or None))
        lines = [_stat_line(row) for row in cur.fetchall()]
    conn.rollback()
    return lines


def _key(line: StatLine) -> tuple[str, str]:
    return line.commune_code, line.code


def _zero(like: StatLine) -> StatLine:
    return StatLine(like.commune_code, like.commune_name, like.code, like.name,
                    like.parent_code, like.group_code, like.depth, like.sort_order,
                    like.fill_color, 0.0, 0, 0)


def compare(before: Sequence[StatLine], after: Sequence[StatLine]) -> list[StatChange]:
    """Each (commune, code) line at both dates; a line missing at one date counts as zero."""
    old = {_key(line): line for line in before}
    new = {_key(line): line for line in after}
    keys = list(old) + [k for k in new if k not in old]
    changes = [StatChange(old.get(k) or _zero(new[k]), new.get(k) or _zero(old[k]))
               for k in keys]
    return sorted(changes, key=lambda c: (c.after.commune_code, _order(c.after)))


def _order(line: StatLine) -> tuple[int, str]:
    return (line.sort_order if line.sort_order is not None else 10**6, line.code)


def totals_by_code(lines: Sequence[StatLine]) -> list[StatLine]:
    """The lines summed over communes (for a chart of the whole selection)."""
    merged: dict[str, StatLine] = {}
    for line in lines:
        seen = merged.get(line.code)
        if seen is None:
            merged[line.code] = StatLine("*", "", line.code, line.name, line.parent_code,
                                         line.group_code, line.depth, line.sort_order,
                                         line.fill_color, line.area, line.parcels,
                                         line.parcels_area_unknown)
        else:
            merged[line.code] = StatLine(
                "*", "", seen.code, seen.name, seen.parent_code, seen.group_code, seen.depth,
                seen.sort_order, seen.fill_color, seen.area + line.area,
                seen.parcels + line.parcels, seen.parcels_area_unknown + line.parcels_area_unknown)
    return sorted(merged.values(), key=_order)


_COLUMNS = ("commune_code", "commune_name", "code", "name", "group_code", "parent_code",
            "depth", "area_m2", "area_ha", "parcels", "parcels_area_unknown")


def _row(line: StatLine) -> list[object]:
    return [line.commune_code, line.commune_name, line.code, line.name, line.group_code or "",
            line.parent_code or "", line.depth, f"{line.area:.1f}", f"{line.area / 1e4:.4f}",
            line.parcels, line.parcels_area_unknown]


def write_statistics_csv(path: Path, lines: Sequence[StatLine]) -> Path:
    """One row per commune and code, in the order of the national tables."""
    return _write_csv(path, _COLUMNS, [_row(line) for line in lines])


_CHANGE_COLUMNS = ("commune_code", "commune_name", "code", "name", "group_code", "depth",
                   "area_m2_before", "area_m2_after", "area_change_m2", "parcels_before",
                   "parcels_after", "parcels_change")


def write_comparison_csv(path: Path, changes: Sequence[StatChange]) -> Path:
    """One row per commune and code with both dates and the difference."""
    rows = [[c.after.commune_code, c.after.commune_name, c.after.code, c.after.name,
             c.after.group_code or "", c.after.depth, f"{c.before.area:.1f}",
             f"{c.after.area:.1f}", f"{c.area_change:+.1f}", c.before.parcels,
             c.after.parcels, f"{c.parcels_change:+d}"] for c in changes]
    return _write_csv(path, _CHANGE_COLUMNS, rows)


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
