"""The plugin's identity is read from metadata.txt, the file QGIS reads (pure: no QGIS)."""

from __future__ import annotations

import configparser
from pathlib import Path

from cadastre_officer import __about__

METADATA = Path(__file__).resolve().parents[3] / "qgis_plugin" / "cadastre_officer" / \
    "metadata.txt"


def test_the_plugins_name_version_and_addresses_come_from_its_metadata() -> None:
    metadata = configparser.ConfigParser()
    metadata.read(METADATA, encoding="utf-8")
    general = metadata["general"]

    assert __about__.__title__ == general["name"] == "Cadastre Officer"
    assert __about__.__title_clean__ == "CadastreOfficer"
    assert __about__.__version__ == general["version"]
    assert __about__.__version_info__[:2] == tuple(
        int(p) for p in general["version"].split(".")[:2])
    assert __about__.__uri_tracker__ == general["tracker"]
    assert __about__.__uri_repository__ == general["repository"]
    assert __about__.__qgis_minimum_version__ == general["qgisMinimumVersion"]
    assert __about__.__icon_path__.exists()
    assert "PostGIS" in __about__.__keywords__
