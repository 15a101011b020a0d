"""Fixtures of the online services' tests: a copy of the sample ward of the module's own (the
tests file applications), an upload folder, officers' accounts on that copy, and the
documents a citizen attaches."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cadastre.db.connection import connect, drop_database, with_database
from cadastre.db.roles import add_user
from tests.web.conftest import SAMPLE_COMMUNE, _clone

# A one-page PDF as a scanner writes it (header, one object, trailer), and an executable.
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
GOOD_ID = "079190012345"  # Hồ Chí Minh, a man born in 1990


@pytest.fixture(scope="module")
def online_url(server_url: str, admin_url: str, sample_template: str) -> Iterator[str]:
    """A copy of the sample ward for the module, with a second commune with no parcels (an
    officer of it must not see the sample's applications)."""
    name = _clone(server_url, admin_url, sample_template)
    url = with_database(server_url, name)
    conn = connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO cadastre.admin_unit (code, level, name, parent_code) "
                    "SELECT '91099', 'commune', 'Xã Khác', parent_code FROM cadastre.admin_unit "
                    "WHERE code = %s", (SAMPLE_COMMUNE,))
    conn.close()
    yield url
    drop_database(admin_url, name)


@pytest.fixture(scope="module")
def upload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("applications")


@pytest.fixture(scope="module")
def officers(online_url: str) -> Iterator[Callable[[str, tuple[str, ...]], tuple[str, str]]]:
    """make(kind, communes) → (name, password) of a new login role on the module's copy."""
    created: list[str] = []

    def make(kind: str, communes: tuple[str, ...]) -> tuple[str, str]:
        name, password = f"t_{kind}_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        conn = connect(online_url)
        try:
            add_user(conn, name, kind, list(communes), password=password)
        finally:
            conn.close()
        created.append(name)
        return name, password

    yield make
    conn = connect(online_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in created:
            cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
    conn.close()


def stored_files(folder: Path) -> list[Path]:
    """Documents on disk (the form key is not one)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "form-key")


def free_parcel_refs(url: str, count: int) -> list[str]:
    """Current parcels of the sample's commune with no dossier in progress and no restriction
    (a transfer can be registered on them), highest ids first."""
    conn = connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("""
            SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
            FROM cadastre.parcel AS p WHERE p.status = 'current' AND p.commune_code = %s
              AND NOT EXISTS (SELECT 1 FROM cadastre.dossier_parcel AS dp
                              JOIN cadastre.dossier AS d ON d.id = dp.dossier_id
                              WHERE dp.parcel_id = p.id AND d.status IN ('received', 'approved'))
              AND NOT EXISTS (SELECT 1 FROM cadastre.rrr AS r WHERE r.parcel_id = p.id
                              AND r.kind <> 'land_use_right' AND upper_inf(r.valid))
            ORDER BY p.id DESC LIMIT %s""", (SAMPLE_COMMUNE, count))
        refs = [r[0] for r in cur.fetchall()]
    conn.close()
    return refs
