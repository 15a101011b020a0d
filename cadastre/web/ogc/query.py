"""The query parameters of /items, read and checked (pure: no database, no request object).

`datetime` follows the OGC API's rules (RFC 3339, `..` or nothing for an open end) with the
register's meaning: an instant is the register as it stood then (a date alone: at the end of
that day, UTC, as `cadastre export --as-of`); an interval is every version in force during
it. A bad parameter is an `OgcError` (400) naming it, in Vietnamese and English."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cadastre.web.ogc.crs import Crs, find

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
COMMON = frozenset({"f", "lang"})
CODE = re.compile(r"^[0-9A-Za-z]{1,8}$")
CURSOR = re.compile(r"^([0-9]{1,18})\.([0-9]{1,9})$")
STATUSES = {"current": ["current"], "retired": ["retired"], "all": None}


class OgcError(Exception):
    """A request the API refuses: status, OGC exception code, and the message in both
    languages."""

    def __init__(self, status: int, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.vi, self.en = status, code, vi, en


def invalid(name: str, vi: str, en: str) -> OgcError:
    """A 400 naming the parameter."""
    return OgcError(400, "InvalidParameterValue", f"Tham số `{name}`: {vi}",
                    f"Parameter `{name}`: {en}")


def reject_unknown(names: Iterable[str], allowed: Iterable[str]) -> None:
    """OGC API – Features /req/core/query-param-unknown: an unknown parameter is a 400."""
    known = set(allowed) | COMMON
    for name in names:
        if name not in known:
            listed = ", ".join(sorted(known))
            raise OgcError(400, "InvalidParameterValue",
                           f"Tham số `{name}` không được hỗ trợ (có: {listed})",
                           f"Parameter `{name}` is not supported (known: {listed})")


def one(params: dict[str, list[str]], name: str) -> str | None:
    """A parameter given at most once."""
    values = params.get(name, [])
    if len(values) > 1:
        raise invalid(name, "chỉ được cho một lần", "may be given only once")
    return values[0] if values else None


def read_limit(value: str | None) -> int:
    """`limit`: 1 to MAX_LIMIT, default DEFAULT_LIMIT."""
    if value is None:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise invalid("limit", f"phải là số nguyên từ 1 đến {MAX_LIMIT}",
                      f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def read_offset(value: str | None) -> int:
    """`offset` of the small collections: a whole number, default 0."""
    if value is None:
        return 0
    if not value.isdigit() or len(value) > 9:
        raise invalid("offset", "phải là số nguyên không âm", "must be a whole number ≥ 0")
    return int(value)


def read_cursor(value: str | None) -> tuple[int, int] | None:
    """`after` of the parcels' `next` link: the last (id, version) of the previous page."""
    if value is None:
        return None
    found = CURSOR.match(value)
    if not found:
        raise invalid("after", "không đúng dạng của liên kết `next`",
                      "is not a cursor of a `next` link (id.version)")
    return int(found.group(1)), int(found.group(2))


def read_crs(name: str, value: str | None, choices: list[Crs]) -> Crs:
    """`crs` or `bbox-crs`: one of the offered CRSs (Part 2 /req/crs/crs-action: else 400)."""
    found = find(value, choices)
    if found is None:
        listed = ", ".join(c.uri for c in choices)
        raise invalid(name, f"hệ tọa độ không được hỗ trợ (có: {listed})",
                      f"CRS not supported (offered: {listed})")
    return found


@dataclass(frozen=True)
class Box:
    """A bbox in PostGIS x, y order of `crs` (swapped back when the CRS is lat, lon)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: Crs


def read_bbox(value: str | None, crs: Crs) -> Box | None:
    """`bbox`: 4 (or 6, heights ignored) numbers, lower corner then upper, in `crs`'s axis
    order."""
    if value is None:
        return None
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise invalid("bbox", "cần 4 số cách nhau bởi dấu phẩy",
                      "needs 4 comma-separated numbers (lower corner, upper corner)")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    a1, a2, b1, b2 = numbers
    x1, y1, x2, y2 = (a2, a1, b2, b1) if crs.flip else (a1, a2, b1, b2)
    if x1 > x2 or y1 > y2:
        raise invalid("bbox", "góc dưới phải nhỏ hơn góc trên",
                      "the lower corner must come before the upper corner")
    if crs.srid == 4326 and not (-180 <= x1 <= 180 and -180 <= x2 <= 180
                                 and -90 <= y1 <= 90 and -90 <= y2 <= 90):
        raise invalid("bbox", "kinh độ/vĩ độ ngoài phạm vi", "longitude/latitude out of range")
    return Box(x1, y1, x2, y2, crs)


@dataclass(frozen=True)
class When:
    """What `datetime` asks: now (nothing given), an instant, or an interval (None: open)."""

    at: dt.datetime | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    interval: bool = False


DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _instant(text: str, end_of_day: bool) -> dt.datetime:
    text = text.strip()
    try:
        if DATE.match(text):
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min,
                                       tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid("datetime", "không phải ngày giờ RFC 3339 (vd. 2020-01-01 hoặc "
                      "2020-01-01T00:00:00Z)", "is not an RFC 3339 date or date-time "
                      "(e.g. 2020-01-01 or 2020-01-01T00:00:00Z)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def read_datetime(value: str | None, now: dt.datetime) -> When:
    """`datetime`: an instant (not after now: the register cannot tell how it will stand) or
    an interval `start/end` with `..` or nothing for an open end."""
    if value is None:
        return When()
    if "/" not in value:
        at = _instant(value, end_of_day=True)
        if at > now:
            raise invalid("datetime", "thời điểm ở tương lai: sổ địa chính chưa thể biết",
                          "an instant in the future: the register cannot tell how it will "
                          "stand then")
        return When(at=at)
    first, _, second = value.partition("/")
    start = None if first.strip() in ("", "..") else _instant(first, end_of_day=False)
    end = None if second.strip() in ("", "..") else _instant(second, end_of_day=True)
    if start is not None and end is not None and start > end:
        raise invalid("datetime", "đầu khoảng sau cuối khoảng",
                      "the interval starts after it ends")
    return When(start=start, end=end, interval=True)


def read_codes(name: str, values: list[str], upper: bool = False) -> list[str] | None:
    """A property filter with one or more codes (repeated, or comma-separated)."""
    codes = [c.strip() for v in values for c in v.split(",") if c.strip()]
    if not values:
        return None
    if not codes or any(not CODE.match(c) for c in codes):
        raise invalid(name, "mã không hợp lệ (chữ và số, tối đa 8 ký tự)",
                      "invalid code (letters and digits, at most 8)")
    return [c.upper() for c in codes] if upper else codes


def read_status(value: str | None) -> list[str] | None:
    """`status`: current (default), retired or all, as of the instant asked."""
    if value is None:
        return STATUSES["current"]
    if value not in STATUSES:
        raise invalid("status", "phải là current, retired hoặc all",
                      "must be current, retired or all")
    return STATUSES[value]
