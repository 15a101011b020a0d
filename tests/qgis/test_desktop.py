"""The real QGIS desktop under Xvfb with the plugin installed from its zip: it opens the
sample ward, and a screenshot (test-artifacts/qgis_desktop.png) shows the plugin's toolbar,
docks and the styled parcels."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.qgis.conftest import PASSWORD, ROOT, WARD, Login

ARTIFACTS = ROOT / "test-artifacts"
SCRIPT = Path(__file__).parent / "desktop" / "open_ward.py"
PROFILE_INI = """[PythonPlugins]
cadastre_officer=true

[locale]
overrideFlag=true
userLocale=vi

[qgis]
checkVersion=false
showTips322=false
"""


def require_desktop() -> None:
    """The desktop test needs what scripts/install --test installs; missing is a failure."""
    missing = [tool for tool in ("xvfb-run", "qgis") if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} not installed: run scripts/install --test"


def install_from_zip(profiles: Path) -> Path:
    """Build the zip with scripts/build-plugin and unzip it into a fresh profile."""
    dist = profiles / "dist"
    built = subprocess.run([str(ROOT / "scripts" / "build-plugin"), "--output", str(dist)],
                           capture_output=True, text=True, check=True)
    archive = Path(built.stdout.strip())
    profile = profiles / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(plugins)
    settings = profile / "QGIS"
    settings.mkdir()
    (settings / "QGIS3.ini").write_text(PROFILE_INI, encoding="utf-8")
    return plugins / "cadastre_officer"


@pytest.mark.slow
def test_qgis_desktop_opens_the_ward_with_the_plugin_installed_from_its_zip(
    officer: Login, tmp_path: Path
) -> None:
    require_desktop()
    installed = install_from_zip(tmp_path)
    assert (installed / "i18n" / "cadastre_officer_vi.qm").exists()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "qgis_desktop.png"
    shot.unlink(missing_ok=True)
    report = tmp_path / "report.json"
    db = urlparse(officer.url)  # the officer's own login, as in an office
    env = {**os.environ, "CADASTRE_REPORT": str(report), "CADASTRE_SHOT": str(shot),
           "CADASTRE_DB_HOST": db.hostname, "CADASTRE_DB_PORT": str(db.port),
           "CADASTRE_DB_NAME": db.path.lstrip("/"), "CADASTRE_DB_USER": db.username,
           "CADASTRE_DB_PASSWORD": PASSWORD,
           "CADASTRE_WARD": WARD, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path)}
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path",
         str(tmp_path), "--nologo", "--noversioncheck", "--code", str(SCRIPT)],
        env=env, timeout=240, capture_output=True, check=False)

    state = json.loads(report.read_text(encoding="utf-8"))
    assert "error" not in state, state.get("error")
    assert state["steps"] == ["opened", "screenshot"] and state["screenshot"]
    assert state["features"] > 100 and state["renderer"] == "categorizedSymbol"
    assert {"cadastre_connect", "cadastre_check", "cadastre_submit"} <= set(state["toolbar"])
    assert {"CadastreCheckDock", "CadastreParcelPanel"} <= set(state["docks"])
    assert state["issues"] >= 1
    assert state["scale"] <= 2000  # parcel numbers are labelled at this scale
    assert "Kiểm tra" in state["toolbar_text"]  # the Vietnamese interface
    assert shot.stat().st_size > 50_000
