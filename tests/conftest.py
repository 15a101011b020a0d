"""Shared fixtures: one PostgreSQL server per run, a migrated template, a fresh copy per test.

The server is the project-managed one (started here if it is not running), or the server
DATABASE_URL names. Each test that asks for `db_url` gets its own database cloned from the
migrated template with CREATE DATABASE ... TEMPLATE, so tests are isolated and fast. The
project server's URLs carry `passfile=` (CADASTRE_HOME/secrets/pgpass); a role a test creates
needs a password, given with `with_user(url, name, password)`.
"""

from __future__ import annotations

import os

# Headless Qt for pytest-qgis and the plugin tests; set before pytest-qgis starts QGIS.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions
import pytest
from hypothesis import settings as hypothesis_settings

from cadastre.db.connection import (
    connect,
    create_database,
    database_url,
    drop_database,
    ensure_database,
    uses_external_server,
    with_database,
    with_user,
)
from cadastre.db.migrate import migrate
from cadastre.db.roles import add_user
from cadastre.db.server import ProjectServer
from cadastre.register.binding import communes as binding_communes
from cadastre.register.binding import setup
from cadastre.settings import get_settings

# Property and fuzz tests draw the same examples on every run ("ci", the default), so a red
# build always means a change broke something; HYPOTHESIS_PROFILE=explore draws new ones.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of the register database on the run's server (started if needed, stopped after)."""
    settings = get_settings()
    if uses_external_server(settings):
        yield database_url(settings)
        return
    server = ProjectServer.from_settings(settings)
    started = server.start()
    ensure_database(server)
    yield server.url()
    if started:
        server.stop()


@pytest.fixture(scope="session")
def admin_url(server_url: str) -> str:
    """URL of the maintenance database, for CREATE/DROP DATABASE."""
    return with_database(server_url, "postgres")


@contextmanager
def template_database(
    server_url: str,
    admin_url: str,
    name: str,
    fill: Callable[[psycopg2.extensions.connection], object],
    base: str | None = None,
) -> Iterator[str]:
    """A database made once (from `base`, filled by `fill`) for tests to clone; dropped after."""
    drop_database(admin_url, name)
    create_database(admin_url, name, template=base)
    conn = connect(with_database(server_url, name))
    try:
        fill(conn)
        conn.commit()
    finally:
        conn.close()
    try:
        yield name
    finally:
        drop_database(admin_url, name)


@pytest.fixture(scope="session")
def template_name(server_url: str, admin_url: str) -> Iterator[str]:
    """A database migrated once per run, the template of every test database; on the project
    server the roles the migrations made then get their generated passwords (as `db start`)."""
    with template_database(server_url, admin_url, f"cadastre_template_{os.getpid()}",
                           migrate) as name:
        settings = get_settings()
        if not uses_external_server(settings):
            ProjectServer.from_settings(settings).set_role_passwords()
        yield name


# The sample communes every register test can use (Hà Nội, EPSG:5897).
TEST_COMMUNES = (("00070", "Phường Hoàn Kiếm"), ("00073", "Phường Cửa Nam"))


def _create_test_register(conn: psycopg2.extensions.connection) -> None:
    with conn.cursor() as cur:
        setup.init_register(cur, province_code="01")
        for code, commune in TEST_COMMUNES:
            binding_communes.add_commune(cur, code=code, name=commune)


@pytest.fixture(scope="session")
def register_template_name(server_url: str, admin_url: str, template_name: str) -> Iterator[str]:
    """A migrated database with the register created for Hà Nội and two communes."""
    with template_database(server_url, admin_url, f"cadastre_register_template_{os.getpid()}",
                           _create_test_register, base=template_name) as name:
        yield name


@pytest.fixture
def register_url(server_url: str, admin_url: str, register_template_name: str) -> Iterator[str]:
    """A fresh register of the test's own: Hà Nội (EPSG:5897), communes 00070 and 00073."""
    name = f"cadastre_test_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name, template=register_template_name)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


@pytest.fixture
def register(register_url: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection to the test's own register."""
    conn = connect(register_url)
    yield conn
    conn.close()


@pytest.fixture
def empty_db_url(server_url: str, admin_url: str) -> Iterator[str]:
    """A brand-new database with nothing in it (not even PostGIS)."""
    name = f"cadastre_empty_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


@pytest.fixture
def db_url(server_url: str, admin_url: str, template_name: str) -> Iterator[str]:
    """A fresh, fully migrated database of the test's own."""
    name = f"cadastre_test_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name, template=template_name)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


@pytest.fixture
def db(db_url: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection to the test's own migrated database."""
    conn = connect(db_url)
    yield conn
    conn.close()


@pytest.fixture
def make_user(register_url: str) -> Iterator:
    """Create login roles for a test (cluster-wide, so uniquely named and dropped after), each
    with its own password, which the URL returned carries."""
    created: list[str] = []

    def make(kind: str, communes: tuple[str, ...] = ()) -> str:
        name = f"t_{kind}_{uuid.uuid4().hex[:8]}"
        password = uuid.uuid4().hex
        conn = connect(register_url)
        try:
            add_user(conn, name, kind, list(communes), password=password)
        finally:
            conn.close()
        created.append(name)
        return with_user(register_url, name, password)

    yield make
    conn = connect(register_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for name in created:
                cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
    finally:
        conn.close()
