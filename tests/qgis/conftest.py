"""Fixtures for the QGIS plugin tests: a throw-away QGIS settings folder, the sample ward in a
register of each test's own, and PostgreSQL connections saved in QGIS that point at it.

The plugin works as real people do: `ward_connection` logs in as an officer of the ward (a
login role made by `cadastre.db.roles.add_user`, with a password), and an approver is another
login role with a connection of its own. Only `owner_connection` logs in as the register's
owner (the superuser), for tests of what an administrator sees.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from cadastre.db.connection import (
    connect,
    create_database,
    drop_database,
    with_database,
    with_user,
)
from cadastre.db.roles import add_user
from cadastre.samples.loader import load_ward
from data_samples.generator import generate
from tests.conftest import template_database

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_ROOT = ROOT / "qgis_plugin"
if str(PLUGIN_ROOT) not in sys.path:
    sys.path.insert(0, str(PLUGIN_ROOT))

WARD = "91001"
WARD_PARCELS = 300
WARD_SEED = 7
OTHER_COMMUNE = "00070"  # a commune of the register that is not the ward
PASSWORD = "t3st-Pass phrase"  # every test account's; the server may check it (scram)


@pytest.fixture(scope="session", autouse=True)
def qgis_settings_folder(tmp_path_factory: pytest.TempPathFactory, qgis_app) -> Path:
    """Point QGIS's settings at a temporary folder: the developer's profile is never touched."""
    from qgis.PyQt.QtCore import QSettings

    folder = tmp_path_factory.mktemp("qgis-settings")
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))
    return folder


@pytest.fixture(scope="session")
def ward_template(server_url: str, admin_url: str, register_template_name: str) -> Iterator[str]:
    """A register holding a small sample ward with its history, cloned by every test."""
    with template_database(server_url, admin_url, f"cadastre_ward_template_{os.getpid()}",
                           lambda conn: load_ward(conn, generate(WARD_PARCELS, WARD_SEED)),
                           base=register_template_name) as name:
        yield name


@pytest.fixture
def ward_url(server_url: str, admin_url: str, ward_template: str) -> Iterator[str]:
    """A register of the test's own holding the sample ward."""
    name = f"cadastre_test_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name, template=ward_template)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


def save_connection(url: str, name: str) -> str:
    """Save a PostgreSQL connection in QGIS's settings (test folder only), return its name."""
    from qgis.core import QgsProviderRegistry

    parts = urlparse(url)
    uri = (f"host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
           f"user={parts.username}")
    if parts.password:
        uri += " password='" + unquote(parts.password).replace("'", "\\'") + "'"
    passfile = parse_qs(parts.query).get("passfile")
    if passfile and not parts.password:  # the owner's: QGIS's libpq reads it from PGPASSFILE
        os.environ["PGPASSFILE"] = passfile[0]
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(
        uri, {"saveUsername": True, "savePassword": bool(parts.password)}), name)
    return name


def forget_connection(name: str) -> None:
    """Delete a saved QGIS connection."""
    from qgis.core import QgsProviderRegistry

    QgsProviderRegistry.instance().providerMetadata("postgres").deleteConnection(name)


@dataclass(frozen=True)
class Login:
    """A person's login role on the test's register: its name, a URL logging in as it (for
    psycopg2) and the saved QGIS connection that logs in as it."""

    name: str
    kind: str
    url: str
    connection: str


@contextmanager
def login_account(ward_url: str, kind: str, communes: list[str]) -> Iterator[Login]:
    """A login role of a kind (officer, approver…) with a password and its communes, made as
    `cadastre user add` makes it, with a saved QGIS connection; dropped afterwards."""
    name = f"t_{kind}_{uuid.uuid4().hex[:8]}"
    owner = connect(ward_url)
    try:
        add_user(owner, name, kind, communes, password=PASSWORD)
    finally:
        owner.close()
    url = with_user(ward_url, name, PASSWORD)
    connection = save_connection(url, f"cadastre-{name}")
    try:
        yield Login(name, kind, url, connection)
    finally:
        forget_connection(connection)
        drop_role(ward_url, name)


def drop_role(ward_url: str, name: str) -> None:
    """Drop a test's login role (roles are the cluster's, not the database's)."""
    owner = connect(ward_url)
    owner.autocommit = True
    try:
        with owner.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE IF EXISTS "{name}"')
    finally:
        owner.close()


@pytest.fixture
def officer(ward_url: str) -> Iterator[Login]:
    """An officer of the ward, with a connection of its own."""
    with login_account(ward_url, "officer", [WARD]) as login:
        yield login


@pytest.fixture
def second_officer(ward_url: str) -> Iterator[Login]:
    """Another officer of the ward."""
    with login_account(ward_url, "officer", [WARD]) as login:
        yield login


@pytest.fixture
def outside_officer(ward_url: str) -> Iterator[Login]:
    """An officer of another commune, not of the ward."""
    with login_account(ward_url, "officer", [OTHER_COMMUNE]) as login:
        yield login


@pytest.fixture
def approver(ward_url: str) -> Iterator[Login]:
    """An approver (head of office) of the ward: approves what the officers open."""
    with login_account(ward_url, "approver", [WARD]) as login:
        yield login


@pytest.fixture
def ward_connection(officer: Login) -> str:
    """The name of the saved QGIS connection of the ward's officer."""
    return officer.connection


@pytest.fixture
def owner_connection(ward_url: str) -> Iterator[str]:
    """A saved QGIS connection as the register's owner (administrator things only)."""
    name = save_connection(ward_url, f"cadastre-owner-{uuid.uuid4().hex[:6]}")
    yield name
    forget_connection(name)


@pytest.fixture
def project(qgis_new_project):
    """An empty QGIS project."""
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().clear()
