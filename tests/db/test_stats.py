"""Land statistics: areas and parcel counts by land-use code per commune at a date, totalled
up the national tree, and the change between two dates."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest

from cadastre.errors import CadastreError
from cadastre.export.chart import GAIN, LOSS, plot_comparison, plot_statistics
from cadastre.export.stats import (
    TOTAL,
    compare,
    land_statistics,
    totals_by_code,
    write_statistics_csv,
)
from cadastre.settings import PROJECT_ROOT
from tests.db.export_helpers import build_small_register
from tests.db.register_helpers import approved_dossier, change, change_land_use, land_uses


def table(lines) -> dict[tuple[str, str], tuple[float, int]]:
    return {(line.commune_code, line.code): (line.area, line.parcels) for line in lines}


@pytest.fixture
def small(register):
    return build_small_register(register)


def test_statistics_total_each_code_under_its_headings_per_commune(register, small) -> None:
    stats = table(land_statistics(register))
    assert stats[("00070", "ODT")] == (120.0, 1)
    assert stats[("00070", "OCT")] == (120.0, 1)
    assert stats[("00070", "CLN")] == (80.0, 1)
    assert stats[("00070", "LUC")] == (100.0, 1)
    assert stats[("00070", "LUA")] == (100.0, 1)
    assert stats[("00070", "CHN")] == (100.0, 1)
    assert stats[("00070", "SXN")] == (180.0, 2)
    assert stats[("00070", "NNP")] == (180.0, 2)
    assert stats[("00070", "PNN")] == (120.0, 1)
    assert stats[("00070", "CSD")] == (0.0, 0)
    assert stats[("00070", TOTAL)] == (300.0, 3)
    assert stats[("00073", "TMD")] == (144.0, 1)
    assert stats[("00073", "CSK")] == (144.0, 1)
    assert stats[("00073", "CDG")] == (144.0, 1)
    assert stats[("00073", TOTAL)] == (144.0, 1)


def test_a_parcel_with_two_purposes_counts_once_under_their_common_heading(register,
                                                                          small) -> None:
    stats = table(land_statistics(register, dt.date(2015, 1, 1), ["00070"]))
    assert stats[("00070", "ODT")] == (120.0, 1)
    assert stats[("00070", "CLN")] == (80.0, 1)
    assert stats[("00070", TOTAL)] == (300.0, 2)  # parcels 45 (ODT+CLN) and 46
    assert ("00073", TOTAL) not in stats


def test_every_national_code_is_listed_in_table_order(register, small) -> None:
    lines = [line for line in land_statistics(register) if line.commune_code == "00070"]
    codes = [line.code for line in lines]
    assert codes[0] == TOTAL
    assert codes.index("NNP") < codes.index("SXN") < codes.index("LUC") < codes.index("PNN")
    assert codes.index("PNN") < codes.index("ODT") < codes.index("CSD")
    assert len([c for c in codes if c != TOTAL]) == 70
    depth = {line.code: line.depth for line in lines}
    assert (depth["NNP"], depth["SXN"], depth["CHN"], depth["LUA"], depth["LUC"]) == (
        1, 2, 3, 4, 5)


def test_comparison_between_two_dates_shows_what_changed(register, small) -> None:
    with change(register, "2023-01-10") as cur:
        dossier = approved_dossier(cur, "land_use_change", "2023-01-10")
        change_land_use(cur, dossier, small.rice, land_uses(("ODT", 100.0)))
    before = land_statistics(register, dt.date(2022, 12, 31))
    after = land_statistics(register, dt.date(2023, 1, 10))
    changes = {(c.after.commune_code, c.after.code): c for c in compare(before, after)}
    assert changes[("00070", "LUC")].area_change == -100.0
    assert changes[("00070", "LUC")].parcels_change == -1
    assert changes[("00070", "ODT")].area_change == 100.0
    assert changes[("00070", "ODT")].parcels_change == 1
    assert changes[("00070", "NNP")].area_change == -100.0
    assert changes[("00070", TOTAL)].area_change == 0.0
    assert changes[("00073", "TMD")].area_change == 0.0


def test_unknown_commune_is_refused_by_name(register, small) -> None:
    with pytest.raises(CadastreError, match="--commune 12345"):
        land_statistics(register, None, ["12345"])


def test_csv_and_charts_are_written(register, small, tmp_path) -> None:
    lines = land_statistics(register)
    path = write_statistics_csv(tmp_path / "stats.csv", lines)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("commune_code,commune_name,code,name")
    assert "00070,Phường Hoàn Kiếm,ODT,Đất ở tại đô thị,PNN,OCT,3,120.0,0.0120,1,0" in text
    png = plot_statistics(totals_by_code(lines), tmp_path / "stats.png", "Thống kê")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_comparison(totals_by_code(lines), totals_by_code(lines), tmp_path / "c.svg",
                          "Biến động", ("2020", "2024"))
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.svg", "stats.csv", "stats.png"]
    with pytest.raises(CadastreError, match=r"png or \.svg"):
        plot_statistics(lines, tmp_path / "x.jpg", "x")


ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def svg_texts(path) -> list[str]:
    """The text of an SVG chart, in drawing order (matplotlib keeps text as text)."""
    root = ElementTree.parse(path).getroot()
    return [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]


SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_shows_the_land_use_tree_with_names(register, small) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    totals = totals_by_code(land_statistics(register))
    path = plot_statistics(totals, ARTIFACTS / "stats_chart.svg", "Thống kê đất đai")
    plot_statistics(totals, ARTIFACTS / "stats_chart.png", "Thống kê đất đai")
    texts = svg_texts(path)
    headings = [t for t in texts if t.startswith(("NNP Nhóm", "PNN Nhóm"))]
    assert headings == ["NNP Nhóm đất nông nghiệp: 180 m² (40.5 %)",
                        "PNN Nhóm đất phi nông nghiệp: 264 m² (59.5 %)"]
    rows = [t for t in texts if t[:3] in {"SXN", "CHN", "LUA", "LUC", "CLN", "OCT", "ODT"}]
    assert rows == ["SXN Đất sản xuất nông nghiệp", "CHN Đất trồng cây hàng năm",
                    "LUA Đất trồng lúa", "LUC Đất chuyên trồng lúa nước",
                    "CLN Đất trồng cây lâu năm", "OCT Đất ở", "ODT Đất ở tại đô thị"]


def test_the_comparison_chart_draws_gains_and_losses_per_code(register, small) -> None:
    with change(register, "2023-01-10") as cur:
        dossier = approved_dossier(cur, "land_use_change", "2023-01-10")
        change_land_use(cur, dossier, small.rice, land_uses(("ODT", 100.0)))
    before = totals_by_code(land_statistics(register, dt.date(2022, 12, 31)))
    after = totals_by_code(land_statistics(register, dt.date(2023, 1, 10)))
    ARTIFACTS.mkdir(exist_ok=True)
    path = plot_comparison(before, after, ARTIFACTS / "stats_change_chart.svg", "Biến động",
                           ("2022-12-31", "2023-01-10"))
    plot_comparison(before, after, ARTIFACTS / "stats_change_chart.png", "Biến động",
                    ("2022-12-31", "2023-01-10"))
    texts = svg_texts(path)
    assert "LUC Đất chuyên trồng lúa nước" in texts and "ODT Đất ở tại đô thị" in texts
    assert "CLN Đất trồng cây lâu năm" not in texts  # unchanged codes are left out
    assert texts.count("−100 m²") >= 4  # LUC, LUA, CHN, SXN lost 100 m²
    assert texts.count("+100 m²") >= 2  # ODT and OCT gained them
    assert "NNP Nhóm đất nông nghiệp: 180 m² → 80 m² (−100 m²)" in texts
    svg = path.read_text(encoding="utf-8")
    assert GAIN in svg and LOSS in svg
