"""Load a generated ward (data_samples.generator) into the register through its own operations.

First registrations go through the bulk path (cadastre.register_staged: the same rules, set by
set); every later event (sale, inheritance, mortgage, split, merge, re-survey…) goes through
the SQL operation a land officer's client would call, with the register's clock set to the
dossier's decision date, so the sample obeys every invariant and its history is real history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import psycopg2
import psycopg2.extensions
from psycopg2.extras import execute_values

from cadastre.db.connection import user_error
from cadastre.db.copy import copy_rows
from cadastre.db.rows import one_row
from cadastre.errors import CadastreError
from cadastre.register.binding import (
    certificates,
    clock,
    communes,
    dossiers,
    imports,
    parcels,
    rights,
    setup,
)
from cadastre.register.binding.call import Cursor

if TYPE_CHECKING:  # the generator's records: read here, never built
    from shapely.geometry.base import BaseGeometry

    from data_samples.generator.model import Certificate, Dossier, Parcel, Ward

# The generator's land-use form codes (Vietnamese acronyms) → the register's.
FORMS = {
    "CNQ": "recognised",
    "GCT": "allocated_levy",
    "GKT": "allocated_no_levy",
    "THN": "leased_annual",
    "TMT": "leased_once",
}
TRANSFER_KINDS = {"sale", "gift", "inheritance"}
OFFICERS = ("Nguyễn Thị Lan", "Trần Minh Đức", "Lê Thu Hà", "Phạm Quốc Hùng")
SOURCE_SRID = 5897


@dataclass
class LoadReport:
    """What was loaded."""

    communes: int = 0
    sheets: int = 0
    parties: int = 0
    parcels: int = 0
    certificates: int = 0
    events: dict[str, int] = field(default_factory=dict)
    already_loaded: bool = False


@dataclass
class Ids:
    """Generator keys → register ids, filled as the load goes."""

    party: dict[str, int] = field(default_factory=dict)
    dossier: dict[str, int] = field(default_factory=dict)
    parcel: dict[str, int] = field(default_factory=dict)
    mortgage: dict[str, list[int]] = field(default_factory=dict)


def load_ward(
    conn: psycopg2.extensions.connection,
    ward: Ward,
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Load a generated ward; a ward already in the register is left as it is."""
    report = LoadReport()
    tick = progress or (lambda _phase, _n: None)
    try:
        if _already_loaded(conn, ward):
            report.already_loaded = True
            return report
        ids = Ids()
        with conn, conn.cursor() as cur:
            report.communes = _load_communes(cur, ward)
            report.sheets = _load_sheets(cur, ward)
            report.parties = _load_parties(cur, ward, ids)
            _load_dossiers(cur, ward, ids)
        tick("reference", report.parties)
        with conn, conn.cursor() as cur:
            report.parcels = _register_first(cur, ward, ids)
        tick("parcels", report.parcels)
        with conn, conn.cursor() as cur:
            report.certificates = _issue_certificates(cur, ward.certificates, ids)
        tick("certificates", report.certificates)
        for dossier in sorted(_events(ward), key=lambda d: (d.decided, d.key)):
            with conn, conn.cursor() as cur:
                clock.set_clock(cur, at=_noon(dossier.decided))
                _apply_event(cur, dossier, ids)
            report.events[dossier.kind] = report.events.get(dossier.kind, 0) + 1
            tick("events", 1)
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    return report


def _already_loaded(conn: psycopg2.extensions.connection, ward: Ward) -> bool:
    codes = [commune.code for commune in ward.communes]
    with conn, conn.cursor() as cur:
        setup.require_register(cur)
        cur.execute("SELECT count(*) FROM cadastre.admin_unit WHERE code = ANY(%s)", (codes,))
        present = one_row(cur)[0]
    if present and present < len(codes):
        raise CadastreError(
            "The register has some of the sample's communes but not all of them",
            hint="Load the sample into a fresh register.",
        )
    return bool(present)


def _noon(day: dt.date) -> dt.datetime:
    """A dossier's changes are recorded at noon (UTC) of its decision date."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _load_communes(cur: Cursor, ward: Ward) -> int:
    for commune in ward.communes:
        communes.add_commune(
            cur, code=commune.code, name=commune.name, boundary=_ewkt(commune.boundary)
        )
    return len(ward.communes)


def _load_sheets(cur: Cursor, ward: Ward) -> int:
    rows = (
        (s.commune_code, str(s.number), s.scale, f"SRID={SOURCE_SRID};{s.footprint.wkt}")
        for s in ward.sheets
    )
    return copy_rows(cur, "cadastre.map_sheet (commune_code, number, scale, footprint)", rows)


def _ewkt(geometry: BaseGeometry) -> str:
    """A generated geometry (shapely, in the sample's CRS) as the binding's EWKT."""
    return f"SRID={SOURCE_SRID};{geometry.wkt}"


def _reserve_ids(cur: Cursor, sequence_of: str, count: int) -> int:
    """First of `count` consecutive ids taken from a table's id sequence."""
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (sequence_of,))
    sequence = one_row(cur)[0]
    cur.execute("SELECT setval(%s, nextval(%s) + %s - 1)", (sequence, sequence, count))
    return one_row(cur)[0] - count + 1


def _load_parties(cur: Cursor, ward: Ward, ids: Ids) -> int:
    parties = list(ward.parties)
    first = _reserve_ids(cur, "cadastre.party", len(parties))
    for offset, party in enumerate(parties):
        ids.party[party.key] = first + offset
    known_since = "[2000-01-01 00:00:00+00,)"
    copy_rows(
        cur,
        "cadastre.party (id, kind, name, sys_period)",
        ((ids.party[p.key], p.kind, p.name, known_since) for p in parties),
    )
    copy_rows(
        cur,
        "cadastre.party_personal (party_id, id_number, birth_date, gender, address)",
        (
            (ids.party[p.key], p.id_number, p.birth_date, p.gender, p.address)
            for p in parties
            if p.kind == "individual"
        ),
    )
    copy_rows(
        cur,
        "cadastre.party_member (group_id, member_id, role)",
        (
            (ids.party[p.key], ids.party[m], _member_role(p.kind, i))
            for p in parties
            for i, m in enumerate(p.members)
        ),
    )
    return len(parties)


def _member_role(group_kind: str, index: int) -> str:
    if group_kind == "couple":
        return "spouse"
    return "head" if index == 0 else "member"


def _load_dossiers(cur: Cursor, ward: Ward, ids: Ids) -> None:
    dossiers = list(ward.dossiers)
    first = _reserve_ids(cur, "cadastre.dossier", len(dossiers))
    for offset, dossier in enumerate(dossiers):
        ids.dossier[dossier.key] = first + offset
    communes = {commune.code for commune in ward.communes}
    commune = next(iter(communes)) if len(communes) == 1 else None
    copy_rows(
        cur,
        "cadastre.dossier (id, number, kind, received_on, decided_on, status, officer, "
        "legal_basis, commune_code)",
        (
            (
                ids.dossier[d.key],
                d.number,
                d.kind,
                d.received,
                d.decided,
                "approved",
                OFFICERS[i % len(OFFICERS)],
                f"Hồ sơ {d.number}",
                commune,
            )
            for i, d in enumerate(dossiers)
        ),
    )


def land_uses_json(parcel: Parcel) -> str:
    """The register's land-use JSON for a generated parcel."""
    return json.dumps(
        [
            {
                "code": code,
                "area": area,
                "form": FORMS[parcel.land_use_form],
                "term_end": parcel.term_end.isoformat() if parcel.term_end else None,
            }
            for code, area in parcel.land_uses
        ]
    )


def holders_json(holders: Iterable[tuple[str, int, int]], ids: Ids) -> str:
    """The register's holders JSON for generated shares."""
    return json.dumps(
        [{"party_id": ids.party[key], "share": f"{num}/{den}"} for key, num, den in holders]
    )


def _register_first(cur: Cursor, ward: Ward, ids: Ids) -> int:
    rights = {right.parcel_key: right for right in ward.rights}
    registration = {
        key: d.key for d in ward.dossiers if d.kind == "first_registration" for key in d.parcel_keys
    }
    cur.execute("INSERT INTO cadastre.import_batch (source) VALUES ('sample ward') RETURNING id")
    batch = one_row(cur)[0]
    rows = (
        (
            batch,
            p.key,
            p.commune_code,
            str(p.sheet_number),
            p.parcel_number,
            f"SRID={SOURCE_SRID};{p.geometry.wkt}",
            p.registered_area,
            land_uses_json(p),
            p.address,
            holders_json(rights[p.key].holders, ids) if p.key in rights else None,
            ids.dossier[registration[p.key]],
        )
        for p in ward.parcels
    )
    count = copy_rows(
        cur,
        "cadastre.staged_parcel (batch_id, feature_ref, commune_code, "
        "sheet_number, parcel_number, geom, legal_area, land_uses, address, "
        "holders, dossier_id)",
        rows,
    )
    any_dossier = ids.dossier[next(iter(registration.values()))]
    summary = imports.register_staged(cur, batch_id=batch, dossier_id=any_dossier)
    if summary["outcomes"].get("imported", 0) != count:
        raise CadastreError(
            f"The sample did not register cleanly: {summary}",
            hint="The generator and the register's rules disagree; report it.",
        )
    cur.execute(
        "SELECT feature_ref, parcel_id FROM cadastre.staged_parcel WHERE batch_id = %s", (batch,)
    )
    ids.parcel.update(dict(cur.fetchall()))
    return count


def _issue_certificates(cur: Cursor, issued: list[Certificate], ids: Ids) -> int:
    """Certificates of first registration, recorded on their issue dates, set by set."""
    by_day: dict[dt.date, list[Certificate]] = {}
    for certificate in issued:
        by_day.setdefault(certificate.issued, []).append(certificate)
    for day, group in sorted(by_day.items()):
        clock.set_clock(cur, at=_noon(day))
        dossiers.begin_dossier_work(cur, dossier_id=ids.dossier[group[0].dossier_key])
        rows = execute_values(
            cur,
            "INSERT INTO cadastre.certificate (serial, book_number, issued_on, dossier_id) "
            "VALUES %s RETURNING id",
            [(c.serial, c.book_number, c.issued, ids.dossier[c.dossier_key]) for c in group],
            fetch=True,
            page_size=10_000,
        )
        certificate_ids = [row[0] for row in rows]
        execute_values(
            cur,
            "INSERT INTO cadastre.certificate_parcel VALUES %s",
            [
                (cid, ids.parcel[key])
                for cid, c in zip(certificate_ids, group, strict=True)
                for key in c.parcel_keys
            ],
            page_size=10_000,
        )
        execute_values(
            cur,
            "INSERT INTO cadastre.certificate_holder VALUES %s",
            [
                (cid, ids.party[key])
                for cid, c in zip(certificate_ids, group, strict=True)
                for key in c.holder_keys
            ],
            page_size=10_000,
        )
    return len(issued)


def _events(ward: Ward) -> list[Dossier]:
    return [d for d in ward.dossiers if d.kind != "first_registration"]


def _apply_event(cur: Cursor, dossier: Dossier, ids: Ids) -> None:
    dossier_id = ids.dossier[dossier.key]
    kind = dossier.kind
    if kind in TRANSFER_KINDS:
        for right in dossier.new_rights:
            rights.transfer_right(
                cur, dossier_id=dossier_id, parcel_id=ids.parcel[right.parcel_key],
                holders=holders_json(right.holders, ids),
            )
    elif kind == "mortgage":
        mortgage = dossier.mortgage
        if mortgage is None:
            raise CadastreError(f"Sample dossier {dossier.number}: a mortgage without its terms")
        for key in mortgage.parcel_keys:
            rrr_id = rights.register_restriction(
                cur, dossier_id=dossier_id, parcel_id=ids.parcel[key], kind="mortgage",
                party_id=ids.party[mortgage.creditor_key], amount=mortgage.amount_vnd,
            )
            ids.mortgage.setdefault(mortgage.key, []).append(rrr_id)
    elif kind == "mortgage_release":
        released = dossier.released_mortgage_key
        for rrr_id in ids.mortgage.pop(released, []) if released is not None else []:
            rights.release_restriction(cur, dossier_id=dossier_id, rrr_id=rrr_id)
    elif kind == "split":
        _apply_split(cur, dossier, dossier_id, ids)
    elif kind == "merge":
        merged = dossier.new_parcels[0]
        ids.parcel[merged.key] = parcels.merge_parcels(
            cur, dossier_id=dossier_id,
            parcel_ids=[ids.parcel[k] for k in dossier.retired_parcel_keys],
            number=merged.parcel_number, sheet=str(merged.sheet_number),
        )
    elif kind == "resurvey":
        for parcel in dossier.revised_parcels:
            parcels.correct_boundary(
                cur, dossier_id=dossier_id, parcel_id=ids.parcel[parcel.key],
                geom=_ewkt(parcel.geometry), legal_area=parcel.registered_area,
            )
    elif kind == "land_use_change":
        for parcel in dossier.revised_parcels:
            parcels.change_land_use(
                cur, dossier_id=dossier_id, parcel_id=ids.parcel[parcel.key],
                land_uses=land_uses_json(parcel),
            )
    else:
        raise CadastreError(f"Sample dossier {dossier.number}: unknown kind {kind}")
    _apply_certificates(cur, dossier, dossier_id, ids)


def _apply_split(cur: Cursor, dossier: Dossier, dossier_id: int, ids: Ids) -> None:
    children = dossier.new_parcels
    made = parcels.split_parcel(
        cur,
        dossier_id=dossier_id,
        parent_id=ids.parcel[dossier.retired_parcel_keys[0]],
        geoms=[_ewkt(c.geometry) for c in children],
        numbers=[c.parcel_number for c in children],
        land_uses=[land_uses_json(c) for c in children],
        legal_areas=[c.registered_area for c in children],
        sheets=[str(c.sheet_number) for c in children],
    )
    for child, parcel_id in zip(children, made, strict=True):
        ids.parcel[child.key] = parcel_id


def _apply_certificates(cur: Cursor, dossier: Dossier, dossier_id: int, ids: Ids) -> None:
    for serial in dossier.cancelled_serials:
        cur.execute("SELECT cancelled_on FROM cadastre.certificate WHERE serial = %s", (serial,))
        row = cur.fetchone()
        if row is not None and row[0] is None:
            certificates.cancel_certificate(cur, dossier_id=dossier_id, serial=serial)
    for certificate in dossier.certificates:
        certificates.issue_certificate(
            cur, dossier_id=dossier_id, serial=certificate.serial,
            book_number=certificate.book_number,
            parcel_ids=[ids.parcel[k] for k in certificate.parcel_keys],
            issued_on=certificate.issued,
        )
