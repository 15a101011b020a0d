"""An export as of a date is the register as it stood then: before a split the parent, after
it the children, each with the holders and restrictions in force on that date."""

from __future__ import annotations

import pyogrio.raw
import pytest

from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import (
    REF_CHILDREN,
    REF_PARENT,
    REF_RICE,
    REF_SHOP,
    build_small_register,
)
from tests.db.register_helpers import approved_dossier, change, release, rows


def d(text: str):
    import datetime as dt
    return dt.date.fromisoformat(text)


def exported(register_url: str, path, **options) -> dict[str, dict]:
    export_parcels(path, ExportRequest(**options), url=register_url)
    meta, _, _, values = pyogrio.raw.read(str(path))
    table = dict(zip(meta["fields"], values, strict=True))
    return {ref: {name: table[name][i] for name in table}
            for i, ref in enumerate(table["ref"])}


@pytest.fixture
def small(register):
    return build_small_register(register)


def test_export_before_a_split_has_the_parent_and_after_it_the_children(
    register_url, small, tmp_path
) -> None:
    before = exported(register_url, tmp_path / "before.gpkg", as_of=d("2020-05-03"))
    after = exported(register_url, tmp_path / "after.gpkg", as_of=d("2020-05-04"))
    assert set(before) == {REF_PARENT, REF_RICE, REF_SHOP}
    assert set(after) == {*REF_CHILDREN, REF_RICE, REF_SHOP}
    assert before[REF_PARENT]["parcel_id"] == small.parent
    assert before[REF_PARENT]["legal_area"] == pytest.approx(200.0)
    assert sum(after[ref]["legal_area"] for ref in REF_CHILDREN) == pytest.approx(200.0)


def test_export_before_the_first_registration_is_empty(register_url, small, tmp_path) -> None:
    assert exported(register_url, tmp_path / "early.gpkg", as_of=d("2011-12-31")) == {}
    assert set(exported(register_url, tmp_path / "one.gpkg", as_of=d("2012-03-01"))) == {
        REF_PARENT}


def test_retired_status_at_a_date_lists_the_parcels_retired_by_then(register_url, small,
                                                                    tmp_path) -> None:
    assert exported(register_url, tmp_path / "r1.gpkg", status="retired",
                    as_of=d("2019-01-01")) == {}
    retired = exported(register_url, tmp_path / "r2.gpkg", status="retired")
    assert set(retired) == {REF_PARENT}
    assert retired[REF_PARENT]["status"] == "retired"
    everything = exported(register_url, tmp_path / "all.gpkg", status="all")
    assert set(everything) == {REF_PARENT, *REF_CHILDREN, REF_RICE, REF_SHOP}


def test_holders_and_restrictions_are_those_in_force_on_the_date(register, register_url,
                                                                 small, tmp_path) -> None:
    (mortgage,) = [r["id"] for r in rows(
        register, "SELECT id FROM cadastre.rrr WHERE kind = 'mortgage'")]
    with change(register, "2022-06-01") as cur:
        dossier = approved_dossier(cur, "mortgage_release", "2022-06-01")
        release(cur, dossier, mortgage)
    options = {"with_holders": True, "with_rights": True}
    in_2012 = exported(register_url, tmp_path / "a.gpkg", as_of=d("2012-12-31"), **options)
    in_2015 = exported(register_url, tmp_path / "b.gpkg", as_of=d("2015-01-01"), **options)
    now = exported(register_url, tmp_path / "c.gpkg", **options)
    assert in_2012[REF_RICE]["restrictions"] is None
    assert in_2015[REF_RICE]["restrictions"] == "mortgage"
    assert now[REF_RICE]["restrictions"] is None
    assert in_2015[REF_PARENT]["holders"] == "Nguyễn Văn An (1/2); Trần Thị Bình (1/2)"
    assert in_2015[REF_PARENT]["holder_count"] == 2
    assert in_2015[REF_PARENT]["rights"] == "land_use_right"
    assert now[REF_CHILDREN[1]]["holders"] == "Nguyễn Văn An (1/2); Trần Thị Bình (1/2)"
