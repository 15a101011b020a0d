"""Fixtures of the web view's tests: the sample ward loaded once per run into a template
database, clones of it, the application on a clone (as the read-only web role), and facts of
the sample read as the superuser to compare answers with."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect, create_database, drop_database, with_database
from cadastre.register.pages import publish_pages
from cadastre.register.setup import init_register
from cadastre.samples.loader import load_ward
from cadastre.web.app import create_app
from cadastre.web.config import WebSettings
from data_samples.generator import generate
from tests.conftest import template_database

SAMPLE_PARCELS = 3000
SAMPLE_SEED = 20251


def _load_sample(conn) -> None:
    init_register(conn, "01")
    load_ward(conn, generate(SAMPLE_PARCELS, SAMPLE_SEED))
    publish_pages(conn)  # as `cadastre sample load` does: look-ups read the published pages


@pytest.fixture(scope="session")
def sample_template(server_url: str, admin_url: str, template_name: str) -> Iterator[str]:
    """A database holding the sample ward (the committed one), loaded once per run."""
    with template_database(server_url, admin_url, f"cadastre_web_sample_{os.getpid()}",
                           _load_sample, base=template_name) as name:
        yield name


def _clone(server_url: str, admin_url: str, template: str) -> str:
    name = f"cadastre_web_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name, template=template)
    return name


@pytest.fixture(scope="session")
def sample_url(server_url: str, admin_url: str, sample_template: str) -> Iterator[str]:
    """A copy of the sample ward shared by the tests that only read (superuser URL)."""
    name = _clone(server_url, admin_url, sample_template)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


@pytest.fixture
def fresh_sample_url(server_url: str, admin_url: str, sample_template: str) -> Iterator[str]:
    """A copy of the sample ward of the test's own, to change (superuser URL)."""
    name = _clone(server_url, admin_url, sample_template)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


def web_settings(url: str, **overrides: object) -> WebSettings:
    """Settings of an app on `url` (connecting as the web role), no rate limit by default."""
    values: dict[str, object] = {"database_url": url, "rate_limit": 0, "pool_size": 4}
    values.update(overrides)
    return WebSettings(**values)


@pytest.fixture(scope="session")
def client(sample_url: str) -> Iterator[TestClient]:
    """The web view on the shared sample copy."""
    with TestClient(create_app(web_settings(sample_url))) as test_client:
        yield test_client


@dataclass(frozen=True)
class SampleFacts:
    """Parcels of the sample in each situation the web view must show."""

    plain: str  # a current parcel with a certificate and no restriction
    mortgaged: str
    retired: str
    retired_children: tuple[str, ...]
    serial: str
    serial_parcels: tuple[str, ...]
    address: str
    address_ref: str


def _one(cur, query: str, params: tuple = ()) -> tuple:
    cur.execute(query, params)
    found = cur.fetchone()
    assert found is not None, query
    return found


REF = "p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number"


@pytest.fixture(scope="session")
def facts(sample_url: str) -> SampleFacts:
    """What the sample holds, read directly as the superuser."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            plain = _one(cur, f"""
                SELECT {REF} FROM cadastre.parcel AS p
                JOIN cadastre.certificate_parcel AS cp ON cp.parcel_id = p.id
                JOIN cadastre.certificate AS c ON c.id = cp.certificate_id
                WHERE p.status = 'current' AND c.cancelled_on IS NULL
                  AND NOT EXISTS (SELECT 1 FROM cadastre.rrr AS r WHERE r.parcel_id = p.id
                                  AND r.kind <> 'land_use_right' AND upper_inf(r.valid))
                ORDER BY p.id LIMIT 1""")[0]
            mortgaged = _one(cur, f"""
                SELECT {REF} FROM cadastre.parcel AS p JOIN cadastre.rrr AS r
                  ON r.parcel_id = p.id AND r.kind = 'mortgage' AND upper_inf(r.valid)
                WHERE p.status = 'current' ORDER BY p.id LIMIT 1""")[0]
            retired_id, retired = _one(cur, f"""
                SELECT p.id, {REF} FROM cadastre.parcel AS p
                WHERE p.status = 'retired'
                  AND EXISTS (SELECT 1 FROM cadastre.parcel_lineage WHERE parent_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM cadastre.parcel AS o WHERE o.status = 'current'
                      AND (o.commune_code, o.sheet_number, o.parcel_number)
                        = (p.commune_code, p.sheet_number, p.parcel_number))
                ORDER BY p.id LIMIT 1""")
            cur.execute(f"""
                SELECT {REF} FROM cadastre.parcel_lineage AS l
                JOIN cadastre.parcel AS p ON p.id = l.child_id WHERE l.parent_id = %s
                ORDER BY 1""", (retired_id,))
            children = tuple(row[0] for row in cur.fetchall())
            serial, parcels = _one(cur, f"""
                SELECT c.serial, array_agg({REF} ORDER BY {REF}) FROM cadastre.certificate AS c
                JOIN cadastre.certificate_parcel AS cp ON cp.certificate_id = c.id
                JOIN cadastre.parcel AS p ON p.id = cp.parcel_id
                WHERE c.cancelled_on IS NULL GROUP BY c.id ORDER BY c.id LIMIT 1""")
            address, address_ref = _one(cur, f"""
                SELECT p.address, {REF} FROM cadastre.parcel AS p
                WHERE p.status = 'current' AND p.address IS NOT NULL
                ORDER BY p.id LIMIT 1""")
    finally:
        conn.close()
    return SampleFacts(plain, mortgaged, retired, children, serial, tuple(parcels), address,
                       address_ref)


SAMPLE_COMMUNE = "91001"


def sample_dossier(cur, kind: str, on: str, approve: bool = True) -> int:
    """A dossier of the sample's commune, received (and approved) on `on`; its id."""
    from tests.db.register_helpers import approve as approve_dossier
    from tests.db.register_helpers import open_dossier

    dossier_id = open_dossier(cur, kind, on, commune=SAMPLE_COMMUNE)
    if approve:
        approve_dossier(cur, dossier_id, on)
    return dossier_id


@pytest.fixture(autouse=True)
def _forget_cookies(request: pytest.FixtureRequest) -> None:
    """Each test starts without the language cookie an earlier test may have left."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()


HOUSE = re.compile(r"^Số ([0-9]+) (.+)$")


@pytest.fixture(scope="module")
def street(sample_url: str) -> tuple[str, dict[int, list[str]]]:
    """The sample's street with the most numbered houses: its name and refs by house number."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT p.address, p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
                FROM cadastre.parcel AS p WHERE p.status = 'current' AND p.address ~ '^Số '""")
            rows = cur.fetchall()
    finally:
        conn.close()
    streets: dict[str, dict[int, list[str]]] = {}
    for address, ref in rows:
        found = HOUSE.match(address)
        if found and not re.search(r"[0-9]", found.group(2)):
            streets.setdefault(found.group(2), {}).setdefault(int(found.group(1)), []).append(ref)
    name = max(streets, key=lambda s: len(streets[s]))
    return name, streets[name]
