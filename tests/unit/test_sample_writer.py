"""The written sample opens in GIS tools and carries the whole data contract."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
import shapely

from data_samples.generator import generate, replay, write
from data_samples.generator.__main__ import main
from data_samples.generator.writer import land_uses_text

COMMITTED = Path(__file__).resolve().parents[2] / "data_samples" / "ward"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A small ward and the directory it was written to."""
    ward = generate(parcels=1200, seed=4)
    out = tmp_path_factory.mktemp("ward")
    write(ward, out)
    return ward, out


def read_jsonl(path: Path) -> list[dict]:
    """All records of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_land_uses_are_flattened_as_text():
    assert land_uses_text((("ODT", 60.0), ("CLN", 40.5))) == "ODT:60;CLN:40.5"
    assert land_uses_text((("DGT", 1234.0),)) == "DGT:1234"


def test_geopackage_layers_open_with_expected_counts(written):
    ward, out = written
    layers = dict(pyogrio.list_layers(out / "ward.gpkg"))
    assert set(layers) == {"communes", "sheets", "parcels", "parcels_current"}
    assert pyogrio.read_info(out / "ward.gpkg", layer="parcels")["features"] == len(ward.parcels)
    assert pyogrio.read_info(out / "ward.gpkg", layer="sheets")["features"] == len(ward.sheets)
    current = pyogrio.read_info(out / "ward.gpkg", layer="parcels_current")
    assert current["features"] == len(replay(ward).parcels)
    assert "5897" in pyogrio.read_info(out / "ward.gpkg", layer="parcels")["crs"]


def test_geopackage_parcels_round_trip(written):
    ward, out = written
    _meta, _index, geometry, fields = pyogrio.raw.read(out / "ward.gpkg", layer="parcels")
    names = _meta["fields"].tolist()
    keys = fields[names.index("key")].tolist()
    uses = fields[names.index("land_uses")].tolist()
    by_key = {p.key: p for p in ward.parcels}
    for key, wkb, text in zip(keys, geometry, uses, strict=True):
        assert shapely.from_wkb(wkb).equals_exact(by_key[key].geometry, 0.0)
        assert text == land_uses_text(by_key[key].land_uses)


def test_jsonl_files_hold_every_record(written):
    ward, out = written
    assert len(read_jsonl(out / "parties.jsonl")) == len(ward.parties)
    assert len(read_jsonl(out / "rights.jsonl")) == len(ward.rights)
    assert len(read_jsonl(out / "certificates.jsonl")) == len(ward.certificates)
    dossiers = read_jsonl(out / "dossiers.jsonl")
    assert [d["key"] for d in dossiers] == [d.key for d in ward.dossiers]
    keys = set(dossiers[0])
    assert all(set(d) == keys for d in dossiers)


def test_jsonl_new_parcels_carry_wkt_geometry(written):
    ward, out = written
    dossiers = read_jsonl(out / "dossiers.jsonl")
    splits = [d for d in dossiers if d["kind"] == "split"]
    expected = {p.key: p for d in ward.event_dossiers() for p in d.new_parcels}
    assert splits
    for d in splits:
        for child in d["new_parcels"]:
            geom = shapely.from_wkt(child["geometry"])
            assert geom.equals_exact(expected[child["key"]].geometry, 0.0)


def test_cli_prints_counts(tmp_path, capsys):
    assert main(["--parcels", "300", "--seed", "2", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "parcels" in printed and "generated in" in printed
    assert (tmp_path / "ward.gpkg").exists()


def test_committed_sample_is_what_the_generator_writes(tmp_path):
    assert COMMITTED.exists(), "the default sample (data_samples/ward) must be committed"
    write(generate(), tmp_path)
    for name in ("parties.jsonl", "rights.jsonl", "certificates.jsonl", "dossiers.jsonl"):
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name
    fresh = pyogrio.raw.read(tmp_path / "ward.gpkg", layer="parcels")
    committed = pyogrio.raw.read(COMMITTED / "ward.gpkg", layer="parcels")
    assert fresh[2].tolist() == committed[2].tolist()
