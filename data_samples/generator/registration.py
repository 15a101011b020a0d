"""First registration (2012–2014): land uses, holders, rights, certificates and dossiers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import shapely

from .addresses import capitalised, house_numbers, street_names
from .fabric import INSTITUTION_LOT, LOT, ROAD, Fabric
from .grid import PROVINCE_CODE, StreetGrid
from .model import Certificate, Commune, Dossier, LandUse, Parcel, Party, Right, Share
from .people import (
    CLINIC_NAMES,
    PAGODA_NAMES,
    SCHOOL_KINDS,
    SCHOOL_NAMES,
    PartyBook,
    birth_dates,
)
from .timing import timed

REGISTRATION_START = np.datetime64("2012-02-01")
REGISTRATION_DAYS = 1000
DECISION_BUSINESS_DAYS = (10, 30)
INSTITUTION_USES = ("TMD", "DGD", "DYT", "TON")
INSTITUTION_WEIGHTS = (0.45, 0.2, 0.15, 0.2)
HOUSEHOLD, COUPLE, INDIVIDUAL, CO_OWNERS = range(4)
HOLDER_WEIGHTS = (0.35, 0.35, 0.22, 0.08)
GARDEN_SHARE = 0.067
GARDEN_MIN_AREA_M2 = 80.0
AREA_DRIFT_SHARE = 0.12
SHARED_CERTIFICATE_SHARE = 0.5
LEASE_YEARS = 50
SERIES_BY_YEAR = {
    2012: "BK",
    2013: "BQ",
    2014: "BX",
    2015: "CA",
    2016: "CE",
    2017: "CK",
    2018: "CQ",
    2019: "CS",
    2020: "CV",
    2021: "DA",
    2022: "DB",
    2023: "DE",
    2024: "DK",
    2025: "DL",
}


def tolerance_m2(area: np.ndarray | float, scale: int = 500) -> np.ndarray | float:
    """Allowed difference between measured and registered area: 0.0004·M·√P."""
    return 0.0004 * scale * np.sqrt(area)


def business_days_after(
    start: np.ndarray, rng: np.random.Generator, lo: int, hi: int
) -> np.ndarray:
    """Dates `lo`–`hi` working days after each start (weekends skipped)."""
    offsets = rng.integers(lo, hi + 1, size=start.size)
    return np.busday_offset(start, offsets, roll="forward")


def years_later(day: date, years: int) -> date:
    """The same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def running_count(groups: np.ndarray) -> np.ndarray:
    """1-based position of each item among the items of its group, in array order."""
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    rank = np.arange(groups.size) - np.repeat(starts, np.diff(np.append(starts, groups.size)))
    out = np.empty(groups.size, dtype=np.int64)
    out[order] = rank + 1
    return out


class Numbering:
    """Keys, dossier numbers, certificate serials and book numbers, handed out in order."""

    def __init__(self) -> None:
        self._keys: dict[str, int] = defaultdict(int)
        self._dossiers: dict[int, int] = defaultdict(int)
        self._serials: dict[str, int] = defaultdict(int)
        self._book_groups: dict[str, int] = defaultdict(int)

    def continue_after(self, prefix: str, used: int) -> None:
        """Make the next key of a prefix follow `used` keys handed out elsewhere."""
        self._keys[prefix] = max(self._keys[prefix], used)

    def keys(self, prefix: str, count: int) -> list[str]:
        """The next `count` keys of a prefix."""
        start = self._keys[prefix]
        self._keys[prefix] = start + count
        return [f"{prefix}{n:07d}" for n in range(start + 1, start + count + 1)]

    def _take(self, counters: dict, groups: list) -> list[int]:
        """Next counter value for each item, counted per group in the given order."""
        values = running_count(np.asarray(groups)).tolist()
        base = {g: counters[g] for g in set(groups)}
        out = [base[g] + v for g, v in zip(groups, values, strict=True)]
        for g, count in Counter(groups).items():
            counters[g] += count
        return out

    def dossier_numbers(self, received: list[date]) -> list[str]:
        """Numbers of dossiers received in this order (see dossier_number)."""
        years = [d.year for d in received]
        return [
            f"{n}/{y}/ĐK" for n, y in zip(self._take(self._dossiers, years), years, strict=True)
        ]

    def serials(self, issued: list[date]) -> list[str]:
        """Serials of certificates issued in this order (see serial)."""
        series = [SERIES_BY_YEAR[d.year] for d in issued]
        return [
            f"{s}{n:06d}" for n, s in zip(self._take(self._serials, series), series, strict=True)
        ]

    def book_numbers(self, commune_codes: list[str], organisation: list[bool]) -> list[str]:
        """Book entry numbers of certificates recorded in this order (see book_number)."""
        prefixes = ["CT" if org else "CH" for org in organisation]
        groups = [f"{c}:{p}" for c, p in zip(commune_codes, prefixes, strict=True)]
        taken = self._take(self._book_groups, groups)
        return [f"{p}{n:05d}" for n, p in zip(taken, prefixes, strict=True)]

    def key(self, prefix: str) -> str:
        """Next stable key for parcels (P), rights (R), dossiers (D) or mortgages (M)."""
        self._keys[prefix] += 1
        return f"{prefix}{self._keys[prefix]:07d}"

    def dossier_number(self, received: date) -> str:
        """Dossier number "<sequence>/<year>/ĐK" counted per year of receipt."""
        self._dossiers[received.year] += 1
        return f"{self._dossiers[received.year]}/{received.year}/ĐK"

    def serial(self, issued: date) -> str:
        """Certificate serial: the year's two-letter series and six digits, e.g. CS012345."""
        series = SERIES_BY_YEAR[issued.year]
        self._serials[series] += 1
        return f"{series}{self._serials[series]:06d}"

    def book_number(self, commune_code: str, organisation: bool) -> str:
        """Book entry number: CT (organisations) or CH (others) and five digits per commune."""
        prefix = "CT" if organisation else "CH"
        self._book_groups[f"{commune_code}:{prefix}"] += 1
        return f"{prefix}{self._book_groups[f'{commune_code}:{prefix}']:05d}"


@dataclass(slots=True)
class Registration:
    """Everything registered first, plus lookups the history needs."""

    communes: list[Commune]
    parcels: list[Parcel]
    rights: list[Right]
    certificates: list[Certificate]
    dossiers: list[Dossier]
    certificate_of: list[Certificate | None]
    banks: list[str]
    garden: np.ndarray


def registered_tenths(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """Legal area in tenths of m²: the measured area, sometimes off within the tolerance."""
    drift = rng.uniform(-0.5, 0.5, size=area.size) * tolerance_m2(area)
    drift[rng.random(area.size) >= AREA_DRIFT_SHARE] = 0.0
    return np.round((area + drift) * 10).astype(np.int64)


def land_use_codes(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    """Main land-use code of each parcel: ODT lots, institutional codes, DGT roads."""
    inst = rng.choice(len(INSTITUTION_USES), size=category.size, p=INSTITUTION_WEIGHTS)
    codes = np.array(INSTITUTION_USES, dtype=object)[inst]
    codes[category == LOT] = "ODT"
    codes[category == ROAD] = "DGT"
    return codes


def garden_lots(
    rng: np.random.Generator, category: np.ndarray, area: np.ndarray, reserved: set[int]
) -> np.ndarray:
    """Residential lots that also hold perennial-crop land (ODT + CLN)."""
    mask = (category == LOT) & (area >= GARDEN_MIN_AREA_M2) & (rng.random(area.size) < GARDEN_SHARE)
    mask[list(reserved)] = False
    return mask


def land_uses_of(code: str, tenths: int, garden_odt_tenths: int | None) -> tuple[LandUse, ...]:
    """Land uses of a parcel: one purpose, or ODT plus the rest as CLN."""
    if garden_odt_tenths is None:
        return ((code, tenths / 10),)
    return (("ODT", garden_odt_tenths / 10), ("CLN", (tenths - garden_odt_tenths) / 10))


def addresses_of(fabric: Fabric, names: list[str]) -> list[str]:
    """House-number addresses of lots; the street's name for road pieces."""
    numbers = house_numbers(fabric.street, fabric.street_side, fabric.street_pos)
    out = []
    for cat, street, number in zip(
        fabric.category.tolist(), fabric.street.tolist(), numbers.tolist(), strict=True
    ):
        if cat == ROAD:
            out.append(capitalised(names[street]))
        else:
            out.append(f"Số {number} {names[street]}")
    return out


def registration_units(
    n: int, merges: list[tuple[int, int]], rng: np.random.Generator
) -> list[tuple[int, ...]]:
    """Parcels registered together: mostly one; some neighbour pairs on one certificate."""
    follower: dict[int, int] = {}
    for a, b in merges:
        if rng.random() < SHARED_CERTIFICATE_SHARE:
            follower[a] = b
    followers = set(follower.values())
    return [(i, follower[i]) if i in follower else (i,) for i in range(n) if i not in followers]


class HolderFactory:
    """Draws the persons and groups holding residential lots at first registration."""

    def __init__(self, book: PartyBook, rng: np.random.Generator) -> None:
        self.book = book
        self.rng = rng

    def holders(self, addresses: list[str]) -> list[tuple[Share, ...]]:
        """Holder sets for len(addresses) units, each living at its address."""
        u = len(addresses)
        rng = self.rng
        kind = rng.choice(4, size=u, p=HOLDER_WEIGHTS)
        spouse = rng.random(u) < 0.85
        children = rng.integers(0, 3, size=u)
        size = np.select(
            [kind == HOUSEHOLD, kind == COUPLE, kind == INDIVIDUAL],
            [1 + spouse + children, 2, 1],
            default=2,
        )
        unit = np.repeat(np.arange(u), size)
        role = np.arange(unit.size) - np.repeat(np.cumsum(size) - size, size)
        head_female = np.where(
            kind == INDIVIDUAL, rng.random(u) < 0.5, (kind == HOUSEHOLD) & (rng.random(u) < 0.25)
        )
        head_female |= (kind == CO_OWNERS) & (rng.random(u) < 0.5)
        head_year = rng.integers(1940, 1986, size=u)
        relation = np.minimum(role, 2)
        relation = np.where((kind[unit] == HOUSEHOLD) & ~spouse[unit] & (role >= 1), 2, relation)
        female, year = self._genders_and_years(kind, unit, relation, head_female, head_year)
        family = self._families(kind, unit, relation, head_female)
        draws = self.book.draw_persons(female, birth_dates(rng, unit.size, year, year))
        keys = self.book.individuals(draws, [addresses[i] for i in unit.tolist()], family)
        names = [p.name for p in self.book.parties[-len(keys) :]]
        return self._group(kind, size, keys, names, head_female)

    def _genders_and_years(self, kind, unit, role, head_female, head_year):
        """Gender and birth year of each person from its role: 0 head, 1 partner, 2 child."""
        rng = self.rng
        k, hf, hy = kind[unit], head_female[unit], head_year[unit]
        rand_f = rng.random(unit.size) < 0.5
        female = np.where(role == 0, hf, rand_f)
        female = np.where((role == 1) & (k == HOUSEHOLD), ~hf, female)
        female = np.where((role == 1) & (k == COUPLE), True, female)
        spouse_year = hy + rng.integers(-5, 6, size=unit.size)
        child_year = np.minimum(hy + rng.integers(20, 41, size=unit.size), 2008)
        sibling_year = hy + rng.integers(-8, 9, size=unit.size)
        year = np.where(role == 0, hy, np.where(role >= 2, child_year, spouse_year))
        year = np.where((role == 1) & (k == CO_OWNERS), sibling_year, year)
        return female, year

    def _families(self, kind, unit, role, head_female):
        """Family names: children and co-owning siblings share the head's family name."""
        fam = self.book.family_names(unit.size)
        head_pos = np.flatnonzero(role == 0)
        head_fam = fam[head_pos][unit]
        inherit = ((role >= 2) & ~head_female[unit]) | ((role == 1) & (kind[unit] == CO_OWNERS))
        return np.where(inherit, head_fam, fam)

    def _group(self, kind, size, keys, names, head_female) -> list[tuple[Share, ...]]:
        """Create households and couples; return each unit's holders with shares."""
        book = self.book
        household_keys = iter(book.keys("H", int((kind == HOUSEHOLD).sum())))
        couple_keys = iter(book.keys("C", int((kind == COUPLE).sum())))
        add = book.add
        out: list[tuple[Share, ...]] = []
        pos = 0
        halves = self.rng.random(kind.size) < 0.7
        for k, n, hf, half in zip(
            kind.tolist(), size.tolist(), head_female.tolist(), halves.tolist(), strict=True
        ):
            members = keys[pos : pos + n]
            if k == HOUSEHOLD:
                key = next(household_keys)
                title = "bà" if hf else "ông"
                add(Party(key, "household", f"Hộ {title} {names[pos]}", tuple(members)))
                out.append(((key, 1, 1),))
            elif k == COUPLE:
                key = next(couple_keys)
                name = f"Ông {names[pos]} và bà {names[pos + 1]}"
                add(Party(key, "couple", name, (members[0], members[1])))
                out.append(((key, 1, 1),))
            elif k == INDIVIDUAL:
                out.append(((members[0], 1, 1),))
            elif half:
                out.append(((members[0], 1, 2), (members[1], 1, 2)))
            else:
                out.append(((members[0], 1, 3), (members[1], 2, 3)))
            pos += n
        return out


def organisation_name(
    book: PartyBook, code: str, commune_name: str, rng: np.random.Generator
) -> str:
    """Name of the organisation using an institutional lot."""
    pick = int(rng.integers(1000))
    if code == "DGD":
        return f"{SCHOOL_KINDS[pick % len(SCHOOL_KINDS)]} {SCHOOL_NAMES[pick % len(SCHOOL_NAMES)]}"
    if code == "DYT":
        if pick % 3 == 0:
            return f"Trạm Y tế {commune_name}"
        return f"{CLINIC_NAMES[pick % len(CLINIC_NAMES)]} {commune_name}"
    if code == "TON":
        return f"Chùa {PAGODA_NAMES[pick % len(PAGODA_NAMES)]}"
    return book.company_name()


def land_use_form(code: str, alternative: bool) -> str:
    """Land-use form: homes recognised or allocated with levy, commerce leased, rest allocated."""
    if code == "TMD":
        return "TMT" if alternative else "THN"
    if code == "ODT":
        return "GCT" if alternative else "CNQ"
    return "GKT"


def unit_holders(
    fabric: Fabric,
    units: list[tuple[int, ...]],
    leader: np.ndarray,
    codes: list[str],
    addresses: list[str],
    communes: list[Commune],
    states: list[str],
    book: PartyBook,
    rng: np.random.Generator,
) -> list[tuple[Share, ...]]:
    """Holders of each unit: persons for lots, organisations, the State for roads."""
    category = fabric.category[leader].tolist()
    ward = fabric.ward[leader].tolist()
    lot_units = [i for i, c in enumerate(category) if c == LOT]
    suffix = [f", {c.name}, Thành phố Hà Nội" for c in communes]
    lot_holders = HolderFactory(book, rng).holders(
        [addresses[units[i][0]] + suffix[ward[i]] for i in lot_units]
    )
    holders: list[tuple[Share, ...]] = [()] * len(units)
    for i, h in zip(lot_units, lot_holders, strict=True):
        holders[i] = h
    for i, (cat, w) in enumerate(zip(category, ward, strict=True)):
        if cat == ROAD:
            holders[i] = ((states[w], 1, 1),)
        elif cat == INSTITUTION_LOT:
            name = organisation_name(book, codes[units[i][0]], communes[w].name, rng)
            holders[i] = ((book.organisation(name), 1, 1),)
    return holders


def registration_dates(
    units: list[tuple[int, ...]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Received and decided working days of each unit's first registration."""
    start = REGISTRATION_START + rng.integers(0, REGISTRATION_DAYS, size=len(units))
    received = np.busday_offset(start, 0, roll="forward")
    return received, business_days_after(received, rng, *DECISION_BUSINESS_DAYS)


def first_parcels(
    fabric: Fabric,
    polygons: np.ndarray,
    sheet: np.ndarray,
    number: np.ndarray,
    codes: list[str],
    tenths: np.ndarray,
    garden: np.ndarray,
    garden_odt: np.ndarray,
    addresses: list[str],
    communes: list[Commune],
    forms: list[str],
    decided_of_parcel: list[date],
) -> list[Parcel]:
    """Parcel records at first registration."""
    commune_of = [communes[w].code for w in fabric.ward.tolist()]
    garden_l = garden.tolist()
    odt_l = garden_odt.astype(np.int64).tolist()
    out = []
    for p, (geom, sh, no, code, t, form, addr) in enumerate(
        zip(
            polygons.tolist(),
            sheet.tolist(),
            number.tolist(),
            codes,
            tenths.tolist(),
            forms,
            addresses,
            strict=True,
        )
    ):
        term = years_later(decided_of_parcel[p], LEASE_YEARS) if form in ("THN", "TMT") else None
        uses = land_uses_of(code, t, odt_l[p] if garden_l[p] else None)
        out.append(
            Parcel(f"P{p + 1:07d}", commune_of[p], sh, no, geom, uses, t / 10, addr, form, term)
        )
    return out


def record_units(
    units: list[tuple[int, ...]],
    parcels: list[Parcel],
    holders: list[tuple[Share, ...]],
    received: np.ndarray,
    decided: np.ndarray,
    fabric: Fabric,
    communes: list[Commune],
    numbering: Numbering,
) -> tuple[list[Dossier], list[Right], list[Certificate], list[Certificate | None]]:
    """Dossier, rights and certificate of each unit; lists in decision order.

    Numbers are handed out in date order, but records are created in unit order, which
    follows memory order and is much faster for a million units than a shuffled walk.
    """
    count = len(units)
    received_d = received.astype(object).tolist()
    decided_d = decided.astype(object).tolist()
    leader_category = fabric.category[[u[0] for u in units]]
    by_receipt = np.lexsort((np.arange(count), received))
    by_decision = np.lexsort((np.arange(count), decided))
    certified = by_decision[leader_category[by_decision] != ROAD]
    numbers = in_order(
        count, by_receipt, numbering.dossier_numbers, [received_d[i] for i in by_receipt.tolist()]
    )
    keys = in_order(count, by_decision, lambda n: numbering.keys("D", n), count)
    serials = in_order(
        count, certified, numbering.serials, [decided_d[i] for i in certified.tolist()]
    )
    ward = fabric.ward.tolist()
    books = in_order(
        count,
        certified,
        lambda c: numbering.book_numbers(*c),
        (
            [communes[ward[units[i][0]]].code for i in certified.tolist()],
            [leader_category[i] == INSTITUTION_LOT for i in certified.tolist()],
        ),
    )
    rights: list[Right | None] = [None] * len(parcels)
    certificate_of: list[Certificate | None] = [None] * len(parcels)
    dossier_of: list[Dossier] = []
    issued: list[Certificate | None] = []
    for unit, dkey, number, got, day, who, serial, book in zip(
        units, keys, numbers, received_d, decided_d, holders, serials, books, strict=True
    ):
        parcel_keys = tuple(parcels[p].key for p in unit)
        dossier_of.append(Dossier(dkey, number, "first_registration", got, day, parcel_keys))
        for p, key in zip(unit, parcel_keys, strict=True):
            rights[p] = Right(f"R{p + 1:07d}", key, "land_use", who, day, dkey)
        cert = None
        if serial is not None:
            holder_keys = tuple(h[0] for h in who)
            cert = Certificate(serial, book, day, parcel_keys, holder_keys, dkey)
            for p in unit:
                certificate_of[p] = cert
        issued.append(cert)
    dossiers = [dossier_of[i] for i in by_decision.tolist()]
    certificates = [issued[i] for i in certified.tolist()]
    return dossiers, rights, certificates, certificate_of


def in_order(count: int, order: np.ndarray, make: Callable[[Any], list], argument: Any) -> list:
    """Values made for the items taken in `order`, placed back at each item's index."""
    out = np.full(count, None, dtype=object)
    out[order] = make(argument)
    return out.tolist()


def register_first(
    grid: StreetGrid,
    fabric: Fabric,
    polygons: np.ndarray,
    sheet: np.ndarray,
    number: np.ndarray,
    book: PartyBook,
    numbering: Numbering,
    rng: np.random.Generator,
) -> Registration:
    """Register every parcel once: holders, right, certificate and dossier per unit."""
    communes = [
        Commune(f.code, f.name, PROVINCE_CODE, b)
        for f, b in zip(grid.wards, fabric.boundary_polygons(), strict=True)
    ]
    states = [book.state(c.name) for c in communes]
    banks = book.banks()
    names = street_names(grid)
    n = fabric.size
    area = shapely.area(polygons)
    tenths = registered_tenths(rng, area)
    codes = land_use_codes(rng, fabric.category).tolist()
    reserved = {p for p, _, _ in fabric.splits} | {p for pair in fabric.merges for p in pair}
    reserved |= {p for a, b, _, _ in fabric.resurveys for p in (a, b)}
    garden = garden_lots(rng, fabric.category, area, reserved)
    garden_odt = np.minimum(np.round(rng.uniform(40, 120, size=n) * 10), tenths - 100)
    addresses = addresses_of(fabric, names)
    units = registration_units(n, fabric.merges, rng)
    leader = np.array([u[0] for u in units], dtype=np.int64)
    received, decided = registration_dates(units, rng)
    with timed("first registration: holders"):
        holders = unit_holders(fabric, units, leader, codes, addresses, communes, states, book, rng)
    alternative = (rng.random(len(units)) < 0.35).tolist()
    decided_d = decided.astype(object).tolist()
    unit_of = [0] * n
    for i, unit in enumerate(units):
        for p in unit:
            unit_of[p] = i
    forms = [land_use_form(codes[p], alternative[unit_of[p]]) for p in range(n)]
    with timed("first registration: parcels"):
        parcels = first_parcels(
            fabric,
            polygons,
            sheet,
            number,
            codes,
            tenths,
            garden,
            garden_odt,
            addresses,
            communes,
            forms,
            [decided_d[u] for u in unit_of],
        )
    with timed("first registration: dossiers, rights, certificates"):
        dossiers, rights, certificates, certificate_of = record_units(
            units, parcels, holders, received, decided, fabric, communes, numbering
        )
    numbering.continue_after("P", n)
    numbering.continue_after("R", n)
    return Registration(
        communes,
        parcels,
        rights,
        certificates,
        dossiers,
        certificate_of,
        banks,
        garden,
    )
