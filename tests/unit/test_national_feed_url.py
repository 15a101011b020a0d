"""The province URL `cadastre national add-province` takes: its password from the URL or the
password file it names, a clear one-line refusal otherwise; and the subscription's password
file, private to the server's user."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cadastre.db.secrets import ensure_passwords
from cadastre.errors import CadastreError
from cadastre.national.provinces import database_for, publisher_params
from cadastre.national.publication import write_feed_passfile


def test_the_password_comes_from_the_password_file_the_url_names(tmp_path: Path) -> None:
    passfile = tmp_path / "pgpass"
    password = ensure_passwords(passfile, ("cadastre_publisher",), ("127.0.0.1",),
                                5432)["cadastre_publisher"]
    params = publisher_params(
        f"postgresql://cadastre_publisher@127.0.0.1:5432/cadastre_public?passfile={passfile}")
    assert params["password"] == password
    assert "passfile" not in params
    assert params["dbname"] == "cadastre_public" and params["connect_timeout"] == "10"


def test_a_password_in_the_url_is_kept() -> None:
    params = publisher_params("postgresql://cadastre_publisher:s3cret@10.0.0.5/cadastre_public")
    assert params["password"] == "s3cret" and params["host"] == "10.0.0.5"


def test_no_password_anywhere_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(CadastreError) as refused:
        publisher_params("postgresql://cadastre_publisher@127.0.0.1/cadastre_public")
    assert "No password for 'cadastre_publisher'" in refused.value.message
    assert "passfile" in (refused.value.hint or "")
    empty = tmp_path / "pgpass"
    empty.write_text("")
    with pytest.raises(CadastreError, match="nor in"):
        publisher_params(f"postgresql://cadastre_publisher@h/db?passfile={empty}")


def test_a_malformed_url_is_refused_without_echoing_its_password() -> None:
    with pytest.raises(CadastreError) as refused:
        publisher_params("password=hidden host=x port")
    assert "not a PostgreSQL URL" in refused.value.message
    assert "hidden" not in refused.value.message


def test_the_feed_password_file_is_private(tmp_path: Path) -> None:
    path = write_feed_passfile(tmp_path / "feeds", "p01", {
        "host": "127.0.0.1", "port": "5432", "user": "cadastre_publisher",
        "password": "a:b\\c"}, None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text() == "127.0.0.1:5432:*:cadastre_publisher:a\\:b\\\\c\n"


def test_a_province_has_its_own_database() -> None:
    assert database_for("01") == "p01" and database_for("48") == "p48"


@pytest.mark.parametrize("args", [("status",), ("add-province", "postgresql://x@h/db")])
def test_without_a_national_look_up_the_cli_says_how_to_make_one(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("CADASTRE_") and key != "DATABASE_URL"}
    env.update(CADASTRE_HOME=str(tmp_path), CADASTRE_NATIONAL_PORT="54999")
    done = subprocess.run([sys.executable, "-m", "cadastre", "national", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "There is no national look-up" in done.stderr
    assert "cadastre national create" in done.stderr and "Traceback" not in done.stderr
