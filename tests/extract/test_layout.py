"""The extract's PDF drawn from a record alone (no database): the text a reader and a search
need is in it (pdftotext), it embeds a font with the Vietnamese glyphs, a long vertex table
continues on a second page, the drawing is the same byte for byte each time, and a copy's
hash is judged against the record. Pages are rendered to PNG (pdftoppm) in test-artifacts/
for a person to look at."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

from cadastre.extract import LAYOUT_VERSION, Verdict, check_copy, render_extract, sha256_hex
from tests.extract.pdf_tools import pdf_text, render_png, scan_qr
from tests.extract.records import CODE, HASH, L_SHAPE, many_vertices, record


def test_the_pdf_says_parcel_area_land_uses_code_hash_and_where_to_verify(
    tmp_path: Path,
) -> None:
    pdf = render_extract(record(L_SHAPE))

    text = pdf_text(pdf, tmp_path)
    assert pdf.startswith(b"%PDF-")
    for expected in ("TRÍCH LỤC BẢN ĐỒ ĐỊA CHÍNH", "Cadastral map extract", "00070/12/45",
                     "Phường Hoàn Kiếm (00070)", "471.0 m²", "Đất ở tại đô thị (ODT) 300.0 m²",
                     "Đất trồng cây lâu năm (CLN) 171.0 m²", "Tỷ lệ / Scale 1:500",
                     CODE, HASH, f"http://127.0.0.1:8000/xac-minh/{CODE}", "2026-12-07",
                     "VN-2000 / TM-3 zone 482 (EPSG:5897)"):
        assert expected in text, expected
    # The vertex table: X is the northing, Y the easting (the Vietnamese convention), to the
    # centimetre; every vertex once, with the edge to the next one of its ring.
    rows = [" ".join(line.split()) for line in text.splitlines()]
    assert "1 2,326,000.00 586,000.00 1 – 2 30.00" in rows
    assert "5 2,326,025.00 586,012.00 5 – 6 12.00" in rows
    assert "9 2,326,006.00 586,006.00 9 – 10 3.00" in rows
    assert "6 – 1" in text and "10 – 7" in text  # each ring closes on its own first vertex
    pngs = render_png(pdf, "extract-l-shape")
    assert len(pngs) == 1 and pngs[0].stat().st_size > 20_000
    assert scan_qr(pngs[0]) == f"http://127.0.0.1:8000/xac-minh/{CODE}"



def test_the_pdf_embeds_the_dejavu_font_for_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "extract.pdf"
    path.write_bytes(render_extract(record(L_SHAPE)))

    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts
    rows = [line for line in fonts.splitlines() if "DejaVu" in line]
    assert rows and all(" yes " in row for row in rows)  # embedded (subset)


def test_a_long_vertex_table_continues_on_a_second_page(tmp_path: Path) -> None:
    pdf = render_extract(record(many_vertices(60), scale=500))

    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    assert "Trang / Page 2" in pages[1]
    assert "(tiếp) / Parcel extract (continued)" in pages[1]
    for n in (1, 30, 60):
        assert f"{n} – " in text
    assert "60 – 1" in pages[1]
    render_png(pdf, "extract-60-vertices")


def test_the_same_record_draws_the_same_bytes(tmp_path: Path) -> None:
    assert render_extract(record(L_SHAPE)) == render_extract(record(L_SHAPE))
    other = record(L_SHAPE)
    other["code"] = "0000-0000-0000-0000"
    assert render_extract(other) != render_extract(record(L_SHAPE))


def test_a_copy_is_judged_by_its_hash_a_tampered_one_differs() -> None:
    issued = record(L_SHAPE)
    pdf = render_extract(issued)

    assert check_copy(issued, sha256_hex(pdf)) is Verdict.FILE
    assert check_copy(issued, sha256_hex(pdf).upper() + "\n") is Verdict.FILE
    assert check_copy(issued, HASH) is Verdict.CONTENT
    # A forger redraws the extract with a larger area under the same code and hash …
    forged = copy.deepcopy(issued)
    forged["content"]["legal_area"] = 971.0
    assert check_copy(issued, sha256_hex(render_extract(forged))) is Verdict.DIFFERS
    # … or changes one byte of the file.
    flipped = pdf[:5000] + bytes([pdf[5000] ^ 1]) + pdf[5001:]
    assert check_copy(issued, sha256_hex(flipped)) is Verdict.DIFFERS
    assert check_copy(issued, sha256_hex(pdf + b"\n")) is Verdict.DIFFERS
    older = copy.deepcopy(issued)
    older["layout"] = "0"
    assert LAYOUT_VERSION != "0"
    assert check_copy(older, sha256_hex(pdf)) is Verdict.LAYOUT_CHANGED
    assert check_copy(older, HASH) is Verdict.CONTENT


def test_every_standard_scale_draws(tmp_path: Path) -> None:
    for scale in (200, 500, 1000, 2000, 5000, 10000):
        text = pdf_text(render_extract(record(L_SHAPE, scale=scale)), tmp_path)
        assert f"1:{scale}" in text
