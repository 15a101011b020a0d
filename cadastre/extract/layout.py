"""The extract's PDF: a pure function from an issued extract (the record
`cadastre.issue_extract` answers) to the bytes of an A4 page, drawn with ReportLab.

No database and no geometry work here: the register composed the content (scale, map frame,
outlines, vertices, edge lengths, neighbours); this module only places it on paper. The output
is deterministic (ReportLab's invariant mode: no creation date, a fixed document id), so the
verification page can redraw an extract from its record and compare an uploaded copy byte for
byte. Each record names the layout that drew it (LAYOUT_VERSION): this module's own version,
to raise with any change to what it draws, with ReportLab's version and a digest of the font
files, since either changes the bytes too. A copy drawn by another layout is then checked by its
content hash rather than called tampered.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import reportlab
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cadastre.errors import CadastreError

LAYOUT = "1"  # raise with any change to what this module draws
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"))
FONTS = {"Sans": "DejaVuSans.ttf", "Sans-Bold": "DejaVuSans-Bold.ttf",
         "Mono": "DejaVuSansMono.ttf"}


def font_path(filename: str) -> Path | None:
    """Where a DejaVu font file is on this machine, if anywhere."""
    return next((d / filename for d in FONT_DIRS if (d / filename).is_file()), None)


def layout_version() -> str:
    """This drawing's version: LAYOUT, ReportLab's version, the fonts' digest ('1-5.1.0-ab12cd34');
    the same on two machines exactly when they draw the same bytes from the same record."""
    digest = hashlib.sha256()
    for filename in FONTS.values():
        path = font_path(filename)
        digest.update(path.read_bytes() if path else b"missing")
    return f"{LAYOUT}-{reportlab.Version}-{digest.hexdigest()[:8]}"


LAYOUT_VERSION = layout_version()
PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
GREY = Color(0.45, 0.45, 0.45)
PARCEL_FILL = Color(1.0, 0.93, 0.75)
ROW = 4.3 * mm
QR_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
FOOTER_TOP = MARGIN + 17 * mm  # the footer's rule; tables stop above it
Record = Mapping[str, Any]


def register_fonts() -> None:
    """Register DejaVu (Vietnamese glyphs) with ReportLab once; a clear error if it is missing."""
    for name, filename in FONTS.items():
        try:
            pdfmetrics.getFont(name)
            continue
        except KeyError:
            pass
        path = font_path(filename)
        if path is None:
            raise CadastreError(
                f"Font {filename} not found in {', '.join(str(d) for d in FONT_DIRS)}",
                hint="Install Debian's fonts-dejavu-core (scripts/install does).")
        pdfmetrics.registerFont(TTFont(name, str(path)))


def render_extract(record: Record) -> bytes:
    """The PDF of an issued extract: identity, map, vertex table, verification code and QR."""
    register_fonts()
    content = record["content"]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"Trích lục thửa đất {content['ref']} / Parcel extract")
    canvas.setAuthor("Cadastre")
    canvas.setSubject(f"{record['code']} sha256:{record['content_sha256']}")
    top = _header(canvas, record)
    top = _identity(canvas, content, top)
    map_bottom = _map(canvas, content, top - 3 * mm)
    rows = _table_rows(content)
    first = _rows_that_fit(map_bottom - 6 * mm, FOOTER_TOP)
    _table(canvas, content, rows[:first], map_bottom - 6 * mm)
    _qr(canvas, record, map_bottom - 6 * mm)
    _footer(canvas, record, page=1)
    remaining = rows[first:]
    page = 1
    while remaining:
        canvas.showPage()
        page += 1
        top = PAGE_H - MARGIN
        _text(canvas, MARGIN, top - 4 * mm,
              f"Trích lục thửa đất {content['ref']} (tiếp) / Parcel extract (continued) — "
              f"{record['code']}", "Sans-Bold", 10)
        fit = _rows_that_fit(top - 10 * mm, FOOTER_TOP)
        _table(canvas, content, remaining[:fit], top - 10 * mm)
        remaining = remaining[fit:]
        _footer(canvas, record, page=page)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# Parts of the page ------------------------------------------------------------------------------

def _header(canvas: Canvas, record: Record) -> float:
    content = record["content"]
    commune = content["commune"]
    y = PAGE_H - MARGIN
    _text(canvas, MARGIN, y - 3 * mm, (commune.get("province") or "").upper(), "Sans-Bold", 8)
    _text(canvas, MARGIN, y - 7 * mm, "Hệ thống thông tin đất đai / Land information system",
          "Sans", 7)
    right = PAGE_W - MARGIN
    _text(canvas, right, y - 3 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Sans-Bold", 8,
          align="right")
    _text(canvas, right, y - 7 * mm, "Độc lập – Tự do – Hạnh phúc", "Sans-Bold", 8,
          align="right")
    centre = PAGE_W / 2
    _text(canvas, centre, y - 17 * mm, "TRÍCH LỤC BẢN ĐỒ ĐỊA CHÍNH", "Sans-Bold", 15,
          align="centre")
    _text(canvas, centre, y - 22 * mm, "Cadastral map extract", "Sans", 10, align="centre")
    _text(canvas, centre, y - 27 * mm,
          f"Mã xác minh / Verification code: {record['code']}", "Sans-Bold", 9, align="centre")
    return y - 31 * mm


def _identity(canvas: Canvas, content: Mapping[str, Any], top: float) -> float:
    commune = content["commune"]
    lines = [
        ("Thửa đất số / Parcel no.", str(content["number"]),
         "Tờ bản đồ số / Map sheet no.", str(content["sheet"])),
        ("Xã, phường / Commune", f"{commune['name']} ({commune['code']})",
         "Số hiệu thửa / Parcel reference", content["ref"]),
        ("Diện tích / Area", f"{_number(content['legal_area'], 1)} m²",
         "Diện tích đo trên bản đồ / Map area", f"{_number(content['map_area'], 1)} m²"),
    ]
    y = top
    for left_label, left_value, right_label, right_value in lines:
        _labelled(canvas, MARGIN, y, left_label, left_value, 95 * mm)
        _labelled(canvas, MARGIN + 95 * mm, y, right_label, right_value, 85 * mm)
        y -= ROW
    _labelled(canvas, MARGIN, y, "Địa chỉ / Address", content.get("address") or "—", 180 * mm)
    y -= ROW
    uses = "; ".join(_land_use(use) for use in content["land_uses"]) or "—"
    _labelled(canvas, MARGIN, y, "Mục đích sử dụng / Land use", uses, 180 * mm)
    return y - 2 * mm


def _map(canvas: Canvas, content: Mapping[str, Any], top: float) -> float:
    """The map frame at the content's scale: neighbours thin with their numbers, the parcel
    bold and filled with its vertex numbers and edge lengths, scale bar, north arrow, frame
    corner coordinates. Returns the frame's bottom."""
    spec = content["map"]
    width, height = spec["width_mm"] * mm, spec["height_mm"] * mm
    x0, y0 = MARGIN, top - height
    xmin, ymin, xmax, ymax = (float(v) for v in spec["frame"])
    scale = float(spec["scale"])

    def at(point: Sequence[float]) -> tuple[float, float]:
        return (x0 + (float(point[0]) - xmin) / scale * 1000 * mm,
                y0 + (float(point[1]) - ymin) / scale * 1000 * mm)

    canvas.saveState()
    frame = canvas.beginPath()
    frame.rect(x0, y0, width, height)
    canvas.clipPath(frame, stroke=0)
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.35)
    for neighbour in content["neighbours"]:
        _polygons(canvas, neighbour["outline"], at, fill=False)
    _polygons(canvas, content["outline"], at, fill=True)
    canvas.setFillColor(GREY)
    for neighbour in content["neighbours"]:
        _text(canvas, *_shift(at(neighbour["label"]), 0, -1.2 * mm), str(neighbour["number"]),
              "Sans", 7, align="centre", colour=GREY)
    canvas.restoreState()
    _edge_lengths(canvas, content, at)
    _vertex_numbers(canvas, content, at)
    # The parcel's label as cadastral maps write it: its number over its area and land uses.
    label = at(content["label"])
    _text(canvas, label[0], label[1] + 0.3 * mm, str(content["number"]), "Sans-Bold", 10,
          align="centre")
    canvas.setLineWidth(0.4)
    canvas.line(label[0] - 6 * mm, label[1] - 0.6 * mm, label[0] + 6 * mm, label[1] - 0.6 * mm)
    codes = "+".join(use["code"] for use in content["land_uses"])
    _text(canvas, label[0], label[1] - 3.4 * mm, _number(content["legal_area"], 1), "Sans", 6.5,
          align="centre")
    _text(canvas, label[0], label[1] - 6.2 * mm, codes, "Sans", 6.5, align="centre")
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    canvas.rect(x0, y0, width, height, stroke=1, fill=0)
    # Frame corners in the register's CRS (VN convention: X north, Y east), inside the frame.
    _text(canvas, x0 + 1 * mm, y0 + height - 3 * mm,
          f"X {_number(ymax, 2)}  Y {_number(xmin, 2)}", "Sans", 6)
    _text(canvas, x0 + width - 1 * mm, y0 + 1.2 * mm,
          f"X {_number(ymin, 2)}  Y {_number(xmax, 2)}", "Sans", 6, align="right")
    _north_arrow(canvas, x0 + width - 8 * mm, y0 + height - 16 * mm)
    _scale_bar(canvas, x0 + 4 * mm, y0 + 4 * mm, scale)
    _text(canvas, x0 + width / 2, y0 - 3 * mm, f"Tỷ lệ / Scale 1:{int(scale)}", "Sans-Bold", 8,
          align="centre")
    return y0 - 3 * mm


def _polygons(canvas: Canvas, multipolygon: Sequence[Any], at: Any, *, fill: bool) -> None:
    for polygon in multipolygon:
        path = canvas.beginPath()
        for ring in polygon:
            first, *rest = ring
            path.moveTo(*at(first))
            for point in rest:
                path.lineTo(*at(point))
            path.close()
        if fill:
            canvas.setFillColor(PARCEL_FILL)
            canvas.setStrokeColor(black)
            canvas.setLineWidth(1.1)
            canvas.drawPath(path, stroke=1, fill=1, fillMode=0)  # even-odd: holes stay open
        else:
            canvas.drawPath(path, stroke=1, fill=0)


def _edge_lengths(canvas: Canvas, content: Mapping[str, Any], at: Any) -> None:
    """Each edge's length written along it, outside the parcel; edges shorter than 7 mm on
    paper are left to the table."""
    vertices = {v["n"]: (float(v["x"]), float(v["y"])) for v in content["vertices"]}
    centre = _centroid(content["vertices"])
    for edge in content["edges"]:
        (ax, ay), (bx, by) = at(vertices[edge["from"]]), at(vertices[edge["to"]])
        length = math.hypot(bx - ax, by - ay)
        if length < 7 * mm:
            continue
        angle = math.degrees(math.atan2(by - ay, bx - ax))
        if angle > 90 or angle < -90:
            angle += 180
        mx, my = (ax + bx) / 2, (ay + by) / 2
        cx, cy = at(centre)
        nx, ny = -(by - ay) / length, (bx - ax) / length  # a normal; turned away from the centre
        if (mx - cx) * nx + (my - cy) * ny < 0:
            nx, ny = -nx, -ny
        canvas.saveState()
        canvas.translate(mx + nx * 2.2 * mm, my + ny * 2.2 * mm)
        canvas.rotate(angle)
        _text(canvas, 0, -0.9 * mm, _number(edge["length"], 2), "Sans", 6.5, align="centre")
        canvas.restoreState()


def _vertex_numbers(canvas: Canvas, content: Mapping[str, Any], at: Any) -> None:
    cx, cy = at(_centroid(content["vertices"]))
    canvas.setFillColor(black)
    for vertex in content["vertices"]:
        px, py = at((vertex["x"], vertex["y"]))
        canvas.circle(px, py, 0.6 * mm, stroke=0, fill=1)
        dx, dy = px - cx, py - cy
        norm = math.hypot(dx, dy) or 1.0
        _text(canvas, px + dx / norm * 2.6 * mm, py + dy / norm * 2.6 * mm - 1 * mm,
              str(vertex["n"]), "Sans-Bold", 6.5, align="centre")


def _north_arrow(canvas: Canvas, x: float, y: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + 10 * mm)
    path.lineTo(x - 2.5 * mm, y)
    path.lineTo(x, y + 2.5 * mm)
    path.lineTo(x + 2.5 * mm, y)
    path.close()
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    _text(canvas, x, y + 11 * mm, "B / N", "Sans-Bold", 7, align="centre")


def _scale_bar(canvas: Canvas, x: float, y: float, scale: float) -> None:
    """A bar of a round ground length close to 30 mm on paper, in two halves."""
    ground = next(g for g in (2, 5, 10, 20, 50, 100, 200, 500)
                  if g / scale * 1000 >= 25 or g == 500)
    length = ground / scale * 1000 * mm
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.4)
    for i, colour in enumerate((black, white)):
        canvas.setFillColor(colour)
        canvas.rect(x + i * length / 2, y, length / 2, 1.5 * mm, stroke=1, fill=1)
    for i, mark in enumerate((0, ground / 2, ground)):
        _text(canvas, x + i * length / 2, y + 2.3 * mm, f"{mark:g}", "Sans", 6, align="centre")
    _text(canvas, x + length + 2 * mm, y + 0.2 * mm, "m", "Sans", 6)


def _table_rows(content: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """One row per vertex: its number, X (north) and Y (east), and the edge to the next."""
    edges = {edge["from"]: edge for edge in content["edges"]}
    rows: list[tuple[str, ...]] = []
    for vertex in content["vertices"]:
        edge = edges[vertex["n"]]
        rows.append((str(vertex["n"]), _number(vertex["y"], 2), _number(vertex["x"], 2),
                     f"{edge['from']} – {edge['to']}", _number(edge["length"], 2)))
    return rows


COLUMNS = (("Điểm", "Point", 14 * mm), ("X (m)", "north", 30 * mm),
           ("Y (m)", "east", 28 * mm), ("Cạnh", "Edge", 18 * mm),
           ("Dài (m)", "Length", 18 * mm))


def _rows_that_fit(top: float, bottom: float) -> int:
    return max(0, int((top - bottom - 2 * ROW - 6 * mm) // ROW))


def _table(canvas: Canvas, content: Mapping[str, Any], rows: Sequence[tuple[str, ...]],
           top: float) -> None:
    crs = content["crs"]
    _text(canvas, MARGIN, top - 3 * mm,
          f"Tọa độ đỉnh thửa / Vertex coordinates — {crs['name']} (EPSG:{crs['srid']}); "
          "X: hướng Bắc / north, Y: hướng Đông / east", "Sans", 6.5)
    y = top - 5 * mm
    x = MARGIN
    canvas.setLineWidth(0.3)
    canvas.setStrokeColor(black)
    width = sum(column[2] for column in COLUMNS)
    canvas.line(x, y, x + width, y)
    for title, subtitle, column_width in COLUMNS:
        _text(canvas, x + column_width - 1.5 * mm, y - 3.2 * mm, title, "Sans-Bold", 7,
              align="right")
        _text(canvas, x + column_width - 1.5 * mm, y - 6.4 * mm, subtitle, "Sans", 6,
              align="right", colour=GREY)
        x += column_width
    y -= 2 * ROW - 1 * mm
    canvas.line(MARGIN, y, MARGIN + width, y)
    for row in rows:
        x = MARGIN
        for value, (_title, _subtitle, column_width) in zip(row, COLUMNS, strict=True):
            _text(canvas, x + column_width - 1.5 * mm, y - 3.2 * mm, value, "Mono", 7.5,
                  align="right")
            x += column_width
        y -= ROW
    canvas.line(MARGIN, y, MARGIN + width, y)


def _qr(canvas: Canvas, record: Record, top: float) -> None:
    """The QR code of the verification URL, with the code and how to check the copy.

    Encoded by ReportLab's own QR encoder (that of reportlab.graphics.barcode.qr) and drawn as
    one path of dark runs: the widget draws each run as a validated shape object and encodes
    twice, which took two thirds of the page's drawing time."""
    size = 34 * mm
    x = PAGE_W - MARGIN - size
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(record["verify_url"])
    code.make()
    count = code.getModuleCount()
    module = size / (count + 2 * QR_QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        c = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = len(list(run))
            if dark:
                path.rect(x + (c + QR_QUIET_ZONE) * module,
                          top - (r + QR_QUIET_ZONE + 1) * module, length * module, module)
            c += length
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    lines = ["Quét để xác minh /", "Scan to verify", record["code"]]
    y = top - size - 3 * mm
    for line in lines:
        _text(canvas, x + size / 2, y, line, "Sans-Bold" if line == record["code"] else "Sans",
              7, align="centre")
        y -= 3.2 * mm


def _footer(canvas: Canvas, record: Record, page: int) -> None:
    content = record["content"]
    since = str(content["recorded_since"])[:10]
    lines = [
        f"Trích lục phản ánh sổ địa chính ngày / Reflects the register of "
        f"{content['register_date']}; thửa phiên bản / parcel version {content['version']}, "
        f"ghi từ / recorded since {since}.",
        f"Cấp lúc / Issued at {str(record['issued_at'])[:19].replace('T', ' ')} (UTC).",
        f"Mã băm nội dung (SHA-256) / Content hash: {record['content_sha256']}",
        f"Xác minh tại / Verify at: {record['verify_url']}",
    ]
    y = MARGIN + 12 * mm
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, FOOTER_TOP - 1.5 * mm, PAGE_W - MARGIN, FOOTER_TOP - 1.5 * mm)
    for line in lines:
        _text(canvas, MARGIN, y, line, "Mono" if "SHA-256" in line else "Sans", 6.5)
        y -= 3.3 * mm
    _text(canvas, PAGE_W - MARGIN, MARGIN - 2 * mm, f"Trang / Page {page}", "Sans", 6.5,
          align="right")


# Small helpers --------------------------------------------------------------------------------

def _text(canvas: Canvas, x: float, y: float, value: str, font: str, size: float, *,
          align: str = "left", colour: Color = black) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(colour)
    if align == "centre":
        canvas.drawCentredString(x, y, value)
    elif align == "right":
        canvas.drawRightString(x, y, value)
    else:
        canvas.drawString(x, y, value)


def _labelled(canvas: Canvas, x: float, y: float, label: str, value: str, width: float) -> None:
    """'Label: value' on one line, the value cut with an ellipsis to fit the width."""
    label = f"{label}: "
    label_width = pdfmetrics.stringWidth(label, "Sans", 8)
    _text(canvas, x, y - 3 * mm, label, "Sans", 8)
    room = width - label_width - 2 * mm
    while value and pdfmetrics.stringWidth(value, "Sans-Bold", 8.5) > room:
        value = value[:-2] + "…"
    _text(canvas, x + label_width, y - 3 * mm, value, "Sans-Bold", 8.5)


def _land_use(use: Mapping[str, Any]) -> str:
    area = f" {_number(use['area'], 1)} m²" if use.get("area") is not None else ""
    name = f"{use['name']} " if use.get("name") else ""
    return f"{name}({use['code']}){area}"


def _number(value: Any, decimals: int) -> str:
    """A number with a comma for thousands and a point for decimals (as surveyors' tables)."""
    return f"{float(value):,.{decimals}f}"


def _centroid(vertices: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """Mean of the vertices: where the parcel's number and the labels' directions start."""
    xs = [float(v["x"]) for v in vertices]
    ys = [float(v["y"]) for v in vertices]
    return (sum(xs) / len(xs), sum(ys) / len(ys))


def _shift(point: tuple[float, float], dx: float, dy: float) -> tuple[float, float]:
    return (point[0] + dx, point[1] + dy)
