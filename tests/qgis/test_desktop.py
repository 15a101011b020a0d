"""The real QGIS desktop under Xvfb with the plugin installed from its zip: it opens the
sample ward, and a screenshot (test-artifacts/qgis_desktop.png) shows the plugin's toolbar,
docks and the styled parcels."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cadastre.db.connection import connect
from cadastre.register.binding import dossiers
from cadastre.register.binding.call import one_value
from tests.qgis.conftest import PASSWORD, ROOT, WARD, Login
from tests.qgis.helpers import approve, inner_plot, query
from tests.qgis.test_outage import OwnRegister, own_register  # noqa: F401 (a fixture)

ARTIFACTS = ROOT / "test-artifacts"
SCRIPT = Path(__file__).parent / "desktop" / "open_ward.py"
DAY_SCRIPT = Path(__file__).parent / "desktop" / "officer_day.py"
PROFILE_INI = """[PythonPlugins]
cadastre_officer=true

[locale]
overrideFlag=true
userLocale={locale}

[qgis]
checkVersion=false
showTips322=false
"""


def require_desktop() -> None:
    """The desktop test needs what scripts/install --test installs; missing is a failure."""
    missing = [tool for tool in ("xvfb-run", "qgis") if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} not installed: run scripts/install --test"


def install_from_zip(profiles: Path, locale: str = "vi") -> Path:
    """Build the zip with scripts/build-plugin and unzip it into a fresh profile whose QGIS
    speaks `locale`."""
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
    (settings / "QGIS3.ini").write_text(PROFILE_INI.format(locale=locale), encoding="utf-8")
    return plugins / "cadastre_officer"


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_qgis_desktop_opens_the_ward_with_the_plugin_installed_from_its_zip(
    officer: Login, tmp_path: Path, locale: str
) -> None:
    require_desktop()
    installed = install_from_zip(tmp_path, locale)
    assert (installed / "i18n" / "cadastre_officer_vi.qm").exists()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / ("qgis_desktop.png" if locale == "vi" else f"qgis_desktop_{locale}.png")
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
    if locale == "vi":
        assert "Kiểm tra" in state["toolbar_text"]  # the Vietnamese interface
    else:
        assert "Check" in state["toolbar_text"] and "Kiểm tra" not in state["toolbar_text"]
    assert shot.stat().st_size > 50_000


def server_command(own: OwnRegister, verb: str) -> str:
    """The command (JSON argv) that stops or starts the test's own server."""
    code = ("from pathlib import Path; from cadastre.db.server import ProjectServer; "
            "from cadastre.settings import Settings; "
            f"ProjectServer.from_settings(Settings(home=Path({str(own.server.home)!r}), "
            f"port={own.server.port})).{verb}()")
    return json.dumps([sys.executable, "-c", code])


def opened_dossier(own: OwnRegister) -> dict:
    """A correction dossier the officer opened and the approver approved."""
    conn = connect(own.officer_url)
    try:
        with conn, conn.cursor() as cur:
            dossier_id = dossiers.open_dossier(
                cur, number="HS-DESK-1", kind="correction",
                received_on=one_value(cur, "SELECT current_date", {}), officer="Phạm Thu Trang",
                legal_basis="Đơn đính chính", commune_code=WARD,
            )
    finally:
        conn.close()
    approve(own.approver_url, dossier_id)
    return {"id": dossier_id, "number": "HS-DESK-1", "kind": "correction",
            "status": "approved"}


@pytest.mark.slow
def test_qgis_desktop_split_then_adjust_refused_merge_and_an_outage_with_retry(
    own_register: OwnRegister, tmp_path: Path  # noqa: F811 (the fixture imported above)
) -> None:
    require_desktop()
    install_from_zip(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "qgis_refused_merge.png"
    shot.unlink(missing_ok=True)
    report = tmp_path / "report.json"
    plot, neighbour = inner_plot(own_register.url, WARD)
    dossier = opened_dossier(own_register)
    db = urlparse(own_register.officer_url)
    env = {**os.environ, "CADASTRE_REPORT": str(report), "CADASTRE_MERGE_SHOT": str(shot),
           "CADASTRE_DB_HOST": db.hostname, "CADASTRE_DB_PORT": str(db.port),
           "CADASTRE_DB_NAME": db.path.lstrip("/"), "CADASTRE_DB_USER": db.username,
           "CADASTRE_DB_PASSWORD": PASSWORD, "CADASTRE_WARD": WARD,
           "CADASTRE_PLOT": str(plot), "CADASTRE_NEIGHBOUR": str(neighbour),
           "CADASTRE_DOSSIER": json.dumps(dossier), "CADASTRE_ROOT": str(ROOT),
           "CADASTRE_STOP": server_command(own_register, "stop"),
           "CADASTRE_START": server_command(own_register, "start"),
           "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path)}
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path",
         str(tmp_path), "--nologo", "--noversioncheck", "--code", str(DAY_SCRIPT)],
        env=env, timeout=300, capture_output=True, check=False)

    state = json.loads(report.read_text(encoding="utf-8"))
    assert "error" not in state, state.get("error")
    assert state["steps"] == ["opened", "split", "merge", "outage", "retry"]
    # Split, then a piece pushed into the neighbour: still a split, only the overlap is wrong.
    assert state["split"] == 0 and state["split_of"] == [plot, plot]
    assert "overlap" in {rule for rule, _ in state["split_issues"]}
    assert not [m for _, m in state["split_issues"] if m and "đã được dùng" in m]
    # The refused merge, in Vietnamese first; a person looks at the screenshot.
    assert state["merge_dock"].split(" — ")[0].strip()
    assert not state["merge_dock"].startswith(("Merge", "The "))
    assert "Không có lỗi" not in state["merge_dock"]  # a refusal is never "no issue"
    assert state["merge_screenshot"] and shot.stat().st_size > 50_000
    # The outage: said in both languages, the edit kept, submitted after the restart.
    for text in (state["outage_dock"], state["outage_panel"]):
        assert "Không kết nối được tới cơ sở dữ liệu sổ địa chính" in text
        assert "The register database cannot be reached" in text
    assert state["kept"]
    assert not [rule for rule, severity in state["retry_issues"] if severity == "error"]
    assert "HS-DESK-1" in state["retry_dock"]
    assert query(own_register.url, "SELECT legal_area::float FROM cadastre.parcel "
                                   "WHERE id = %s", plot) == [(state["new_area"],)]
