"""The officer's "Parcel extract (PDF)…" button, as a real officer of the ward: the extract of
the selected parcel is recorded as that officer for the person named and drawn as the PDF the
web's verification page confirms; without exactly one parcel selected, or without the
cadastre command, the officer is told why and nothing is recorded."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from cadastre.extract import Verdict, check_copy
from tests.extract.pdf_tools import pdf_text
from tests.qgis.conftest import WARD, Login
from tests.qgis.helpers import feature_of, inner_plot, query

CLI = str(Path(sys.executable).with_name("cadastre"))


@pytest.fixture
def plugin(qgis_iface, project):
    import cadastre_officer

    plugin = cadastre_officer.classFactory(qgis_iface)
    plugin.initGui()
    yield plugin
    if plugin.session is not None:
        plugin.session.close()
    plugin.unload()


def said(qgis_iface, level) -> list[str]:
    return qgis_iface.messageBar().messages[level]


def test_the_officer_issues_the_extract_of_the_selected_parcel(
    officer: Login, ward_url: str, plugin, qgis_iface, monkeypatch, tmp_path: Path
) -> None:
    from qgis.core import Qgis

    monkeypatch.setenv("CADASTRE_CLI", CLI)
    session = plugin.open_commune(officer.connection, WARD)
    assert plugin.actions["extract"].isEnabled() and plugin.actions["extract"].isVisible()
    plot, _ = inner_plot(ward_url, WARD)
    session.layers.parcels.selectByIds([feature_of(session.layers.parcels, plot).id()])
    output = tmp_path / "trich-luc.pdf"

    record = plugin.extract(issued_for="Phạm Thị Đến", path=str(output))

    assert record is not None
    ((code, by, issued_for, parcel_id),) = query(
        ward_url, "SELECT code, issued_by, issued_for, parcel_id FROM cadastre.extract")
    assert (code, by, issued_for, parcel_id) == (record["code"], officer.name, "Phạm Thị Đến",
                                                 plot)
    pdf = output.read_bytes()
    # The very file the verification page confirms (it redraws the record and compares).
    assert check_copy(record, hashlib.sha256(pdf).hexdigest()) is Verdict.FILE
    text = pdf_text(pdf, tmp_path)
    assert record["content"]["ref"] in text and code in text
    assert f"{record['content']['legal_area']:,.1f} m²" in text
    assert said(qgis_iface, Qgis.MessageLevel.Success)[-1].endswith(
        f"Extract {code} issued: {output}")


def test_without_one_selected_parcel_or_the_command_nothing_is_issued(
    officer: Login, ward_url: str, plugin, qgis_iface, monkeypatch, tmp_path: Path
) -> None:
    from qgis.core import Qgis

    session = plugin.open_commune(officer.connection, WARD)
    output = tmp_path / "x.pdf"
    monkeypatch.setenv("CADASTRE_CLI", CLI)

    assert plugin.extract(issued_for="A", path=str(output)) is None
    warned = said(qgis_iface, Qgis.MessageLevel.Warning)[-1]
    assert "Select exactly one parcel to extract." in warned

    plot, _ = inner_plot(ward_url, WARD)
    session.layers.parcels.selectByIds([feature_of(session.layers.parcels, plot).id()])
    assert plugin.extract(issued_for="  ", path=str(output)) is None
    assert "Say whom the extract is issued for." in said(qgis_iface,
                                                         Qgis.MessageLevel.Critical)[-1]
    monkeypatch.setenv("CADASTRE_CLI", str(tmp_path / "no-such-command"))
    assert plugin.extract(issued_for="A", path=str(output)) is None
    assert "The cadastre command that draws extracts was not found." in said(
        qgis_iface, Qgis.MessageLevel.Critical)[-1]
    assert query(ward_url, "SELECT count(*) FROM cadastre.extract") == [(0,)]
    assert not output.exists()


def test_an_analyst_sees_no_extract_button(ward_url: str, plugin) -> None:
    from tests.qgis.conftest import login_account

    with login_account(ward_url, "analyst", []) as analyst:
        plugin.open_commune(analyst.connection, WARD)
        assert not plugin.actions["extract"].isEnabled()
