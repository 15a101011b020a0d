"""What an analyst asks to export: filters, date, CRS and optional attributes (pure)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from cadastre.errors import CadastreError

STATUSES = {"current": ["current"], "retired": ["retired"], "all": None}
DEFAULT_BATCH = 5000


@dataclass(frozen=True)
class ExportRequest:
    """An export's options; `check()` names the first bad one.

    bbox and polygon are in `area_crs` (default: the export's target CRS). as_of is a date: the
    register as it stood at the end of that day (UTC), rights in force on that legal date.
    with_personal_data adds holders' ID numbers (it implies with_holders) and needs a role
    allowed to read cadastre.party_personal.
    """

    format: str | None = None
    province: str | None = None
    communes: tuple[str, ...] = ()
    land_uses: tuple[str, ...] = ()
    status: str = "current"
    bbox: tuple[float, float, float, float] | None = None
    polygon: str | None = None
    area_crs: str | None = None
    as_of: dt.date | None = None
    crs: str | None = None  # None: tm3, except GeoJSON (always WGS 84, RFC 7946)
    with_holders: bool = False
    with_rights: bool = False
    with_personal_data: bool = False
    layer: str = "parcels"
    batch_size: int = DEFAULT_BATCH
    split_shapefile: bool = True

    def check(self) -> ExportRequest:
        """Refuse inconsistent options with a message naming the option."""
        if self.status not in STATUSES:
            raise CadastreError(f"--status {self.status}: unknown status",
                                hint="Use current, retired or all.")
        if self.bbox is not None:
            xmin, ymin, xmax, ymax = self.bbox
            if not all(math.isfinite(v) for v in self.bbox) or xmin >= xmax or ymin >= ymax:
                raise CadastreError(f"--bbox {self.bbox}: not a box",
                                    hint="Write xmin,ymin,xmax,ymax with xmin < xmax, ymin < ymax.")
        if self.bbox is not None and self.polygon is not None:
            raise CadastreError("--bbox and --polygon together",
                                hint="Give one area: a box or a polygon.")
        check_not_future(self.as_of, "--as-of")
        if self.batch_size < 1:
            raise CadastreError(f"batch size {self.batch_size}: must be at least 1")
        if not self.layer.replace("_", "").isalnum():
            raise CadastreError(f"layer name '{self.layer}': use letters, digits and _")
        return self

    @property
    def statuses(self) -> list[str] | None:
        return STATUSES[self.status]

    @property
    def holders(self) -> bool:
        return self.with_holders or self.with_personal_data


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'xmin,ymin,xmax,ymax' → four floats, naming the option when malformed."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise CadastreError(f"--bbox {text}: not four numbers",
                            hint="Write xmin,ymin,xmax,ymax.") from exc
    if len(values) != 4:
        raise CadastreError(f"--bbox {text}: not four numbers", hint="Write xmin,ymin,xmax,ymax.")
    return values


def utc_today() -> dt.date:
    """Today in UTC, the day the register's end-of-day instants are counted in."""
    return dt.datetime.now(dt.UTC).date()


def check_not_future(day: dt.date | None, option: str) -> None:
    """Refuse a date after today: the register cannot say how it will stand."""
    if day is not None and day > utc_today():
        raise CadastreError(f"{option} {day}: the date is in the future (today is "
                            f"{utc_today()} UTC)",
                            hint="Give today or an earlier date; leave it out for now.")
