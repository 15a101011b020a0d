"""Fixtures for the QGIS plugin tests: a throw-away QGIS settings folder, the sample ward in a
register of each test's own, and a PostgreSQL connection saved in QGIS that points at it.

The project server trusts loopback connections, so the saved connection has no password.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cadastre.db.connection import create_database, drop_database, with_database
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
    """Save a PostgreSQL connection in QGIS's settings (no password), return its name."""
    from qgis.core import QgsProviderRegistry

    parts = urlparse(url)
    uri = (f"host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
           f"user={parts.username}")
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(uri, {"saveUsername": True}), name)
    return name


@pytest.fixture
def ward_connection(ward_url: str) -> Iterator[str]:
    """The name of a saved QGIS connection to the test's ward register."""
    from qgis.core import QgsProviderRegistry

    name = save_connection(ward_url, f"cadastre-test-{uuid.uuid4().hex[:6]}")
    yield name
    QgsProviderRegistry.instance().providerMetadata("postgres").deleteConnection(name)


@pytest.fixture
def project(qgis_new_project):
    """An empty QGIS project."""
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().clear()
