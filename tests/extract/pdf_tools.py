"""Reading an extract PDF as a person would, with Debian's tools (scripts/install --test):
its text (pdftotext), its pages as PNG for a person to look at (pdftoppm, in test-artifacts/)
and the QR code on a page (zbarimg)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cadastre.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The PDF's text, laid out as on the page (pages separated by form feeds)."""
    path = folder / "extract.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def render_png(pdf: bytes, name: str) -> list[Path]:
    """Each page as ARTIFACTS/<name>-<page>.png (150 dpi), the PDF beside them."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(source), str(ARTIFACTS / name)],
                   check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def scan_qr(png: Path) -> str:
    """The text of the QR code on a page."""
    found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                           text=True, check=True).stdout
    return found.strip()
