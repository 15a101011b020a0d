"""Extract records made by hand, as cadastre.issue_extract answers them, for the layout's
tests (no database): a concave parcel with a courtyard and neighbours, and one with so many
vertices that its table runs onto a second page."""

from __future__ import annotations

import math
from typing import Any

from cadastre.extract import LAYOUT_VERSION

CODE = "1A2B-3C4D-5E6F-7A8B"
HASH = "ab" * 32


def _vertices_and_edges(rings: list[list[tuple[float, float]]]) -> tuple[list, list]:
    vertices, edges, n = [], [], 1
    for ring in rings:
        count = len(ring)
        for i, (x, y) in enumerate(ring):
            vertices.append({"n": n + i, "x": x, "y": y})
            nx, ny = ring[(i + 1) % count]
            edges.append({"from": n + i, "to": n + (i + 1) % count,
                          "length": round(math.hypot(nx - x, ny - y), 2)})
        n += count
    return vertices, edges


def record(rings: list[list[tuple[float, float]]], *, scale: int = 500,
           number: int = 45) -> dict[str, Any]:
    """A record of parcel 00070/12/<number> with these rings (open: no closing point)."""
    vertices, edges = _vertices_and_edges(rings)
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half_w, half_h = 0.09 * scale, 0.06 * scale
    closed = [[list(p) for p in ring + ring[:1]] for ring in rings]
    east = max(xs)
    return {
        "code": CODE, "verify_url": f"http://127.0.0.1:8000/xac-minh/{CODE}",
        "layout": LAYOUT_VERSION,
        "issued_at": "2026-12-07T01:02:03Z", "register_date": "2026-12-07",
        "parcel_version": 2, "content_sha256": HASH, "parcel_current": True,
        "content": {
            "ref": f"00070/12/{number}", "sheet": "12", "number": number,
            "commune": {"code": "00070", "name": "Phường Hoàn Kiếm",
                        "province": "Thành phố Hà Nội"},
            "sheet_scale": 500, "address": "Số 3 phố Hàng Bạc, Phường Hoàn Kiếm",
            "legal_area": 471.0, "map_area": 471.0,
            "land_uses": [{"code": "ODT", "name": "Đất ở tại đô thị", "area": 300.0,
                           "form": "recognised", "form_vi": "Công nhận",
                           "form_en": "Recognised", "term_end": None},
                          {"code": "CLN", "name": "Đất trồng cây lâu năm", "area": 171.0,
                           "form": "recognised", "form_vi": "Công nhận",
                           "form_en": "Recognised", "term_end": "2043-01-01"}],
            "crs": {"srid": 5897, "name": "VN-2000 / TM-3 zone 482"},
            "version": 2, "recorded_since": "2021-03-01T00:00:00Z",
            "register_date": "2026-12-07",
            "map": {"scale": scale, "width_mm": 180, "height_mm": 120,
                    "frame": [cx - half_w, cy - half_h, cx + half_w, cy + half_h]},
            "outline": [closed],
            "label": [min(xs) + 6, min(ys) + 17],
            "vertices": vertices, "edges": edges,
            "neighbours": [
                {"ref": "00070/12/46", "sheet": "12", "number": 46, "adjacent": True,
                 "label": [east + 7, min(ys) + 5],
                 "outline": [[[[east, min(ys)], [east + 15, min(ys)], [east + 15, min(ys) + 10],
                               [east, min(ys) + 10], [east, min(ys)]]]]},
                {"ref": "00073/7/3", "sheet": "7", "number": 3, "adjacent": False,
                 "label": [min(xs) - 15, min(ys) + 5],
                 "outline": [[[[min(xs) - 20, min(ys)], [min(xs) - 10, min(ys)],
                               [min(xs) - 10, min(ys) + 10], [min(xs) - 20, min(ys) + 10],
                               [min(xs) - 20, min(ys)]]]]},
            ],
        },
    }


L_SHAPE = [[(586000.0, 2326000.0), (586030.0, 2326000.0), (586030.0, 2326010.0),
            (586012.0, 2326010.0), (586012.0, 2326025.0), (586000.0, 2326025.0)],
           [(586003.0, 2326003.0), (586003.0, 2326006.0), (586006.0, 2326006.0),
            (586006.0, 2326003.0)]]


def many_vertices(count: int = 60) -> list[list[tuple[float, float]]]:
    """A round parcel of `count` vertices, 40 m across (its table needs a second page)."""
    return [[(586020.0 + 20 * math.cos(2 * math.pi * i / count),
              2326020.0 + 20 * math.sin(2 * math.pi * i / count)) for i in range(count)]]
