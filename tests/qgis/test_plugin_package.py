"""The plugin as a package: metadata, the Vietnamese translation compiled into the zip, and the
plugin's own start-up in QGIS. (Its pure logic is tested without QGIS in tests/unit/plugin.)"""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import zipfile
from importlib.machinery import SourceFileLoader
from pathlib import Path

from tests.qgis.conftest import PLUGIN_ROOT, ROOT


def test_metadata_names_the_plugin_its_minimum_qgis_and_where_to_report() -> None:
    metadata = configparser.ConfigParser()
    metadata.read(PLUGIN_ROOT / "cadastre_officer" / "metadata.txt", encoding="utf-8")
    general = metadata["general"]

    assert general["qgisMinimumVersion"] == "3.22"
    for key in ("name", "description", "about", "version", "author", "email", "homepage",
                "tracker", "repository", "tags"):
        assert general[key].strip(), key
    assert general["hasProcessingProvider"] == "yes"
    assert (PLUGIN_ROOT / "cadastre_officer" / general["icon"]).exists()


def test_the_zip_carries_the_compiled_vietnamese_translation(tmp_path: Path) -> None:
    from qgis.PyQt.QtCore import QTranslator

    built = subprocess.run([str(ROOT / "scripts" / "build-plugin"), "--output", str(tmp_path)],
                           capture_output=True, text=True, check=True)
    archive = Path(built.stdout.strip())
    assert archive.name == "cadastre_officer-0.1.0.zip"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        bundle.extractall(tmp_path)
    assert "cadastre_officer/metadata.txt" in names
    assert not [n for n in names if "__pycache__" in n]
    translator = QTranslator()
    assert translator.load(str(tmp_path / "cadastre_officer/i18n/cadastre_officer_vi.qm"))
    assert translator.translate("CadastreOfficer", "Submit") == "Gửi"
    assert translator.translate("CadastreOfficer", "Check") == "Kiểm tra"


def test_every_interface_string_has_a_vietnamese_translation() -> None:
    loader = SourceFileLoader("build_plugin", str(ROOT / "scripts" / "build-plugin"))
    spec = importlib.util.spec_from_loader("build_plugin", loader)
    build = importlib.util.module_from_spec(spec)
    loader.exec_module(build)

    strings = build.interface_strings()

    assert len(strings) > 100
    assert build.untranslated(strings) == []


def test_the_plugin_starts_in_qgis_with_its_toolbar_docks_and_provider(qgis_iface) -> None:
    import cadastre_officer
    from qgis.core import QgsApplication

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().algorithmById("cadastre:check_commune")
        assert QgsApplication.processingRegistry().algorithmById("cadastre:export_parcels")
        assert set(plugin.actions) == {
            "connect", "dossier", "split", "merge", "correction", "check", "submit",
            "close_after", "approve", "save_edits", "restore_edits", "reload", "identify",
            "extract"}
        assert plugin.actions["connect"].isEnabled()
        assert plugin.actions["close_after"].isCheckable()
        assert plugin.actions["close_after"].isChecked()  # a submitted dossier closes
        assert not plugin.actions["approve"].isVisible()  # until an approver connects
        assert not plugin.actions["submit"].isEnabled()  # nothing to submit before connecting
        assert plugin.check_dock.objectName() == "CadastreCheckDock"
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("cadastre") is None
