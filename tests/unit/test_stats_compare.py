"""Comparing two statistics tables and summing them over communes (pure)."""

from __future__ import annotations

from cadastre.export.stats import StatLine, compare, totals_by_code


def line(commune: str, code: str, area: float, parcels: int, order: int = 1) -> StatLine:
    return StatLine(commune, f"Xã {commune}", code, code, None, "NNP", 1, order, None, area,
                    parcels, 0)


def test_compare_takes_a_line_missing_at_one_date_as_zero() -> None:
    before = [line("00070", "LUC", 100.0, 1, 5)]
    after = [line("00070", "LUC", 40.0, 1, 5), line("00073", "ODT", 60.0, 2, 22)]
    changes = {(c.after.commune_code, c.after.code): c for c in compare(before, after)}
    assert changes[("00070", "LUC")].area_change == -60.0
    assert changes[("00070", "LUC")].parcels_change == 0
    assert changes[("00073", "ODT")].before.area == 0.0
    assert changes[("00073", "ODT")].area_change == 60.0
    assert changes[("00073", "ODT")].parcels_change == 2
    gone = compare(after, before)
    assert [(c.after.code, c.after.area) for c in gone if c.after.commune_code == "00073"] == [
        ("ODT", 0.0)]


def test_totals_by_code_sum_communes_and_keep_table_order() -> None:
    lines = [line("00070", "ODT", 60.0, 1, 22), line("00070", "LUC", 100.0, 1, 5),
             line("00073", "ODT", 40.0, 3, 22)]
    totals = totals_by_code(lines)
    assert [(t.code, t.area, t.parcels) for t in totals] == [("LUC", 100.0, 1),
                                                              ("ODT", 100.0, 4)]
