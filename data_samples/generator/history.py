"""Registered changes 2015–2025: short stories of dossiers on a few percent of the parcels.

Each story works on its own parcels (one lot, or a pair of neighbours) and is a sequence of
event kinds with increasing dates. All stories' steps are then executed in order of their
decision date against the live register state, which checks every dossier before applying
it, so each event is valid against everything registered before it.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import shapely

from .fabric import LOT, Fabric
from .model import Certificate, Dossier, Mortgage, Parcel, Right, Share
from .people import FAMILY_NAMES, PartyBook, PersonDraws, birth_dates
from .registration import Numbering, Registration
from .sheets import SheetIndex
from .state import RegisterState
from .topology import Ring, merge_rings, move_vertex, polygon_of, ring_of, split_ring, twice_area

EVENT_SHARE = 0.08
HISTORY_START = date(2015, 1, 5)
HISTORY_END = date(2025, 6, 30)
LAST_STORY_START = date(2024, 6, 30)
DECISION_BUSINESS_DAYS = (10, 30)
GAP_DAYS = (60, 900)
MIN_CHILD_AREA_M2 = 30.0
GARDEN_STORY_SHARE = 0.35
PRICE_MILLION_VND_PER_M2 = (80, 300)

TRANSFER_STORIES = (
    (("sale",), 0.22),
    (("sale", "sale"), 0.08),
    (("gift",), 0.10),
    (("inheritance",), 0.12),
    (("inheritance", "sale"), 0.05),
    (("mortgage", "mortgage_release"), 0.15),
    (("mortgage", "mortgage_release", "sale"), 0.06),
    (("sale", "mortgage"), 0.08),
    (("mortgage",), 0.06),
    (("sale", "mortgage", "mortgage_release"), 0.08),
)
GARDEN_STORIES = (
    (("land_use_change",), 0.6),
    (("land_use_change", "mortgage", "mortgage_release"), 0.2),
    (("land_use_change", "sale"), 0.2),
)
SPLIT_STORIES = (
    (("split",), 0.4),
    (("split", "sale"), 0.3),
    (("sale", "split", "gift"), 0.15),
    (("split", "mortgage"), 0.15),
)
RESURVEY_STORIES = ((("resurvey",), 0.7), (("resurvey", "sale"), 0.3))
HEIR_SHARES = (
    ((1, 2), (1, 2)),
    ((2, 3), (1, 3)),
    ((1, 3), (1, 3), (1, 3)),
    ((1, 2), (1, 4), (1, 4)),
)


@dataclass(slots=True)
class Story:
    """Event kinds to run on some parcels, and what earlier steps left for later ones."""

    steps: tuple[str, ...]
    parcels: list[str]
    split_at: tuple[tuple[int, int], tuple[int, int]] | None = None
    moved_vertex: tuple[tuple[int, int], tuple[int, int]] | None = None
    sell_to_neighbour: bool = False
    mortgage: str | None = None


@dataclass(slots=True, order=True)
class Step:
    """One scheduled step of a story."""

    decided: date
    received: date
    story: int
    index: int
    kind: str = field(compare=False)
    number: str = field(default="", compare=False)


def add_business_days(day: date, n: int) -> date:
    """The working day n working days after `day` (weekends skipped)."""
    weeks, rest = divmod(n, 5)
    day += timedelta(days=7 * weeks)
    while rest > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return next_business_day(day)


def next_business_day(day: date) -> date:
    """`day` itself if a working day, else the following Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def pick(rnd: random.Random, weighted: tuple) -> tuple[str, ...]:
    """A story template drawn by weight."""
    templates, weights = zip(*weighted, strict=True)
    return rnd.choices(templates, weights=weights)[0]


class PersonPool:
    """Persons drawn in bulk (unique CCCD), handed out one by one by gender."""

    def __init__(self, book: PartyBook, rng: np.random.Generator, size: int) -> None:
        self.book, self.rng, self.size = book, rng, size
        self._refill()

    def _refill(self) -> None:
        """Draw a new batch of adults born 1955–1998."""
        female = self.rng.random(self.size) < 0.5
        birth = birth_dates(self.rng, self.size, 1955, 1998)
        self.draws: PersonDraws = self.book.draw_persons(female, birth)
        self.free = {
            False: list(np.flatnonzero(~female)[::-1]),
            True: list(np.flatnonzero(female)[::-1]),
        }

    def person(self, female: bool, address: str, family: int | None = None) -> tuple[str, str]:
        """Create a new person of the given gender; return key and name."""
        if not self.free[female]:
            self._refill()
        return self.book.individual(self.draws, int(self.free[female].pop()), address, family)


def family_of(name: str, kind: str) -> int | None:
    """Family-name index of a holder's name (the head's for households and couples)."""
    words = name.split()
    pos = {"household": 2, "couple": 1}.get(kind, 0)
    try:
        return FAMILY_NAMES.index(words[pos])
    except (ValueError, IndexError):
        return None


class HistoryWriter:
    """Plans stories, schedules their steps and executes them against the register state."""

    def __init__(
        self,
        reg: Registration,
        fabric: Fabric,
        sheets: SheetIndex,
        book: PartyBook,
        numbering: Numbering,
        rng: np.random.Generator,
    ) -> None:
        self.reg, self.fabric, self.sheets = reg, fabric, sheets
        self.book, self.numbering = book, numbering
        self.rnd = random.Random(int(rng.integers(2**62)))
        self.rng = rng
        self.state = RegisterState(reg.parcels, reg.rights, reg.certificates)
        self.ward_of = {c.code: i for i, c in enumerate(reg.communes)}
        self.ward_name = {c.code: c.name for c in reg.communes}
        self.stories: list[Story] = []
        self.dossiers: list[Dossier] = []
        self.pool: PersonPool | None = None
        self.story: Story | None = None
        self._key = ""

    def run(self) -> list[Dossier]:
        """Plan, schedule and execute all stories; return the event dossiers in order."""
        self._plan()
        self.pool = PersonPool(self.book, self.rng, 4 * len(self.stories) + 16)
        for step in self._schedule():
            self.story = self.stories[step.story]
            getattr(self, f"_do_{step.kind}")(step)
        return self.dossiers

    def _plan(self) -> None:
        """Stories for planned splits, merges and re-surveys, gardens, then plain transfers."""
        fab, rnd = self.fabric, self.rnd
        parcels = self.reg.parcels
        involved: set[int] = set()
        for p, front, back in fab.splits:
            a, b = tuple(fab.points_mm[front].tolist()), tuple(fab.points_mm[back].tolist())
            halves = split_ring(ring_of(parcels[p].geometry), a, b)
            if min(twice_area(h) for h in halves) / 2e6 >= MIN_CHILD_AREA_M2:
                self.stories.append(
                    Story(pick(rnd, SPLIT_STORIES), [parcels[p].key], split_at=(a, b))
                )
                involved.add(p)
        for a, b in fab.merges:
            shared = self.reg.certificate_of[a] is self.reg.certificate_of[b]
            steps = rnd.choice((("merge",), ("merge", "mortgage"))) if shared else ("sale", "merge")
            self.stories.append(
                Story(steps, [parcels[a].key, parcels[b].key], sell_to_neighbour=not shared)
            )
            involved.update((a, b))
        for a, b, vertex, new in fab.resurveys:
            old = tuple(fab.points_mm[vertex].tolist())
            self.stories.append(
                Story(
                    pick(rnd, RESURVEY_STORIES),
                    [parcels[a].key, parcels[b].key],
                    moved_vertex=(old, new),
                )
            )
            involved.update((a, b))
        for p in np.flatnonzero(self.reg.garden).tolist():
            if rnd.random() < GARDEN_STORY_SHARE:
                self.stories.append(Story(pick(rnd, GARDEN_STORIES), [parcels[p].key]))
                involved.add(p)
        lots = np.flatnonzero(fab.category == LOT)
        wanted = round(EVENT_SHARE * lots.size) - len(involved)
        free = np.setdiff1d(lots, np.fromiter(involved, dtype=np.int64, count=len(involved)))
        chosen = np.sort(self.rng.choice(free, size=max(0, min(wanted, free.size)), replace=False))
        for p in chosen.tolist():
            self.stories.append(Story(pick(rnd, TRANSFER_STORIES), [parcels[p].key]))

    def _schedule(self) -> list[Step]:
        """Dates for every step; dossier numbers by receipt; steps in decision order."""
        steps: list[Step] = []
        span = (LAST_STORY_START - HISTORY_START).days
        for s, story in enumerate(self.stories):
            day = HISTORY_START + timedelta(days=self.rnd.randrange(span))
            for i, kind in enumerate(story.steps):
                received = next_business_day(day)
                if received > HISTORY_END:
                    break
                decided = add_business_days(received, self.rnd.randint(*DECISION_BUSINESS_DAYS))
                steps.append(Step(decided, received, s, i, kind))
                day = decided + timedelta(days=self.rnd.randint(*GAP_DAYS))
        for step in sorted(steps, key=lambda st: (st.received, st.story, st.index)):
            step.number = self.numbering.dossier_number(step.received)
        return sorted(steps)

    # --- helpers -------------------------------------------------------------------------

    def _dossier(self, step: Step, parcel_keys: tuple[str, ...], **payload) -> Dossier:
        """Build the step's dossier, check and apply it to the state, and keep it."""
        d = Dossier(
            self._key, step.number, step.kind, step.received, step.decided, parcel_keys, **payload
        )
        self.state.apply(d)
        self.dossiers.append(d)
        return d

    def _begin(self) -> str:
        """Reserve the key of the dossier being built."""
        self._key = self.numbering.key("D")
        return self._key

    def _right(self, parcel_key: str, holders: tuple[Share, ...], step: Step) -> Right:
        """A new land-use right registered by the current dossier."""
        return Right(
            self.numbering.key("R"), parcel_key, "land_use", holders, step.decided, self._key
        )

    def _certificate(
        self, parcel_keys: tuple[str, ...], holders: tuple[Share, ...], step: Step, commune: str
    ) -> Certificate:
        """A new certificate issued by the current dossier."""
        return Certificate(
            self.numbering.serial(step.decided),
            self.numbering.book_number(commune, organisation=False),
            step.decided,
            parcel_keys,
            tuple(h[0] for h in holders),
            self._key,
        )

    def _cancelled(self, parcel_keys) -> tuple[str, ...]:
        """Serials of the certificates currently covering the parcels."""
        certs = self.state.certificates
        return tuple(sorted({certs[k].serial for k in parcel_keys if k in certs}))

    def _address(self, parcel_key: str) -> str:
        """Postal address of a parcel, for persons who live there."""
        p = self.state.parcels[parcel_key]
        return f"{p.address}, {self.ward_name[p.commune_code]}, Thành phố Hà Nội"

    def _holder_family(self, parcel_key: str) -> int | None:
        """Family name of the first holder of a parcel."""
        party = self.book.get(self.state.rights[parcel_key].holders[0][0])
        return family_of(party.name, party.kind)

    def _buyers(self, address: str) -> tuple[Share, ...]:
        """A new couple (most often) or a single person buying a parcel."""
        if self.rnd.random() < 0.6:
            husband, h_name = self.pool.person(False, address)
            wife, w_name = self.pool.person(True, address)
            return ((self.book.couple(husband, wife, h_name, w_name), 1, 1),)
        key, _ = self.pool.person(self.rnd.random() < 0.5, address)
        return ((key, 1, 1),)

    def _one_parcel(self) -> str:
        """One of the story's current parcels."""
        return self.rnd.choice(self.story.parcels)

    def _sheet_and_number(self, commune: str, polygon: shapely.Polygon) -> tuple[int, int]:
        """Sheet containing the parcel's inner point, and the next free number there."""
        point = polygon.point_on_surface()
        ward = self.ward_of[commune]
        sheet = self.sheets.sheet_at(ward, point.x, point.y)
        return sheet, self.sheets.take_number(ward, sheet)

    def _transfer(self, step: Step, parcel_key: str, holders: tuple[Share, ...]) -> None:
        """Sale, gift or inheritance: new right and certificate for new holders."""
        self._begin()
        self._dossier(
            step,
            (parcel_key,),
            new_rights=(self._right(parcel_key, holders, step),),
            ended_right_keys=(self.state.rights[parcel_key].key,),
            certificates=(
                self._certificate(
                    (parcel_key,), holders, step, self.state.parcels[parcel_key].commune_code
                ),
            ),
            cancelled_serials=self._cancelled((parcel_key,)),
        )

    # --- event kinds ---------------------------------------------------------------------

    def _do_sale(self, step: Step) -> None:
        """Sale to new buyers, or to the neighbour's holders before a merge."""
        if self.story.sell_to_neighbour:
            buyer_parcel, parcel = self.story.parcels
            holders = self.state.rights[buyer_parcel].holders
        else:
            parcel = self._one_parcel()
            holders = self._buyers(self._address(parcel))
        self._transfer(step, parcel, holders)

    def _do_gift(self, step: Step) -> None:
        """Gift to a child of the holder, who takes the family name."""
        parcel = self._one_parcel()
        key, _ = self.pool.person(
            self.rnd.random() < 0.5, self._address(parcel), self._holder_family(parcel)
        )
        self._transfer(step, parcel, ((key, 1, 1),))

    def _do_inheritance(self, step: Step) -> None:
        """Inheritance by two or three heirs with exact shares."""
        parcel = self._one_parcel()
        shares = self.rnd.choice(HEIR_SHARES)
        family, address = self._holder_family(parcel), self._address(parcel)
        heirs = [self.pool.person(self.rnd.random() < 0.5, address, family)[0] for _ in shares]
        self._transfer(
            step, parcel, tuple((h, n, d) for h, (n, d) in zip(heirs, shares, strict=True))
        )

    def _do_mortgage(self, step: Step) -> None:
        """Mortgage in favour of a bank, for about half the parcel's value."""
        parcel = self._one_parcel()
        area = self.state.parcels[parcel].registered_area
        price = self.rnd.randint(*PRICE_MILLION_VND_PER_M2)
        amount = int(round(area * price * self.rnd.uniform(0.3, 0.6), -1)) * 1_000_000
        key = self._begin()
        mortgage = Mortgage(
            self.numbering.key("M"),
            (parcel,),
            self.rnd.choice(self.reg.banks),
            amount,
            step.decided,
            key,
        )
        self._dossier(step, (parcel,), mortgage=mortgage)
        self.story.mortgage = mortgage.key

    def _do_mortgage_release(self, step: Step) -> None:
        """Release of the story's active mortgage."""
        mortgage = self.state.mortgages[self.story.mortgage]
        self._begin()
        self._dossier(step, mortgage.parcel_keys, released_mortgage_key=mortgage.key)
        self.story.mortgage = None

    def _new_parcel(self, parent: Parcel, ring: Ring, tenths: int, land_uses, address: str):
        """A parcel created by a split or merge, numbered next on its sheet."""
        polygon = polygon_of(ring)
        sheet, number = self._sheet_and_number(parent.commune_code, polygon)
        return Parcel(
            self.numbering.key("P"),
            parent.commune_code,
            sheet,
            number,
            polygon,
            land_uses,
            tenths / 10,
            address,
            parent.land_use_form,
            parent.term_end,
        )

    def _do_split(self, step: Step) -> None:
        """Split along the planned line from the front to the back of the lot."""
        (key,) = self.story.parcels
        parent = self.state.parcels[key]
        halves = split_ring(ring_of(parent.geometry), *self.story.split_at)
        halves = sorted(halves, key=lambda r: (-max(y for _, y in r), min(x for x, _ in r)))
        code = parent.land_uses[0][0]
        self._begin()
        children = []
        for i, ring in enumerate(halves):
            tenths = round(twice_area(ring) / 2e5)
            house = parent.address.split(" ", 2)
            address = parent.address if i == 0 else f"{house[0]} {house[1]}A {house[2]}"
            children.append(self._new_parcel(parent, ring, tenths, ((code, tenths / 10),), address))
        holders = self.state.rights[key].holders
        self._dossier(
            step,
            (key,),
            new_parcels=tuple(children),
            retired_parcel_keys=(key,),
            new_rights=tuple(self._right(c.key, holders, step) for c in children),
            ended_right_keys=(self.state.rights[key].key,),
            certificates=tuple(
                self._certificate((c.key,), holders, step, c.commune_code) for c in children
            ),
            cancelled_serials=self._cancelled((key,)),
        )
        self.story.parcels = [c.key for c in children]

    def _do_merge(self, step: Step) -> None:
        """Merge two neighbours with the same holders into one parcel."""
        a, b = (self.state.parcels[k] for k in self.story.parcels)
        ring = merge_rings(ring_of(a.geometry), ring_of(b.geometry))
        uses: dict[str, int] = {}
        for code, area in a.land_uses + b.land_uses:
            uses[code] = uses.get(code, 0) + round(area * 10)
        tenths = round(a.registered_area * 10) + round(b.registered_area * 10)
        self._begin()
        merged = self._new_parcel(
            a, ring, tenths, tuple((c, t / 10) for c, t in uses.items()), a.address
        )
        holders = self.state.rights[a.key].holders
        keys = (a.key, b.key)
        self._dossier(
            step,
            keys,
            new_parcels=(merged,),
            retired_parcel_keys=keys,
            new_rights=(self._right(merged.key, holders, step),),
            ended_right_keys=tuple(self.state.rights[k].key for k in keys),
            certificates=(self._certificate((merged.key,), holders, step, merged.commune_code),),
            cancelled_serials=self._cancelled(keys),
        )
        self.story.parcels = [merged.key]

    def _do_resurvey(self, step: Step) -> None:
        """Move the boundary point the two neighbours share; both get new geometry."""
        old, new = self.story.moved_vertex
        revised = []
        for key in self.story.parcels:
            parcel = self.state.parcels[key]
            ring = move_vertex(ring_of(parcel.geometry), old, new)
            tenths = round(twice_area(ring) / 2e5)
            revised.append(
                dataclasses.replace(
                    parcel,
                    geometry=polygon_of(ring),
                    registered_area=tenths / 10,
                    land_uses=((parcel.land_uses[0][0], tenths / 10),),
                )
            )
        self._begin()
        self._dossier(step, tuple(self.story.parcels), revised_parcels=tuple(revised))

    def _do_land_use_change(self, step: Step) -> None:
        """Garden land (CLN) of a residential parcel converted to residential land (ODT)."""
        key = self._one_parcel()
        parcel = self.state.parcels[key]
        revised = dataclasses.replace(
            parcel, land_uses=(("ODT", parcel.registered_area),), land_use_form="GCT"
        )
        self._begin()
        self._dossier(step, (key,), revised_parcels=(revised,))


def write_history(
    reg: Registration,
    fabric: Fabric,
    sheets: SheetIndex,
    book: PartyBook,
    numbering: Numbering,
    rng: np.random.Generator,
) -> list[Dossier]:
    """Event dossiers 2015–2025 in decision order, each valid against the earlier ones."""
    return HistoryWriter(reg, fabric, sheets, book, numbering, rng).run()
