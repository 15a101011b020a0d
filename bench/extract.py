"""python -m bench.extract: the extract (trích lục) PDF, measured beside its baseline in one run.

On the bench fabric (bench.fabric, 10k parcels by default), for SAMPLES current parcels drawn
at random (the same ones for every figure):

- the whole extract as the web view or the CLI makes it: cadastre.issue_extract (compose the
  content in PostGIS, hash it, record it) then cadastre.extract.render_extract (ReportLab),
  beside the baseline the issue asks for: the same map alone drawn with the same library (the
  parcel's and its neighbours' outlines from the same content in the same frame, no text, table
  or QR code);
- its two halves apart: composing the content (cadastre.extract_content) beside a raw query
  reading the same outlines from the same frame as GeoJSON, and drawing the PDF beside drawing
  the map alone.

Issuing records extracts: it runs inside a transaction rolled back at the end of each sample,
so the fabric keeps no trace. Results in bench/results/extract.{json,md}.
"""

from __future__ import annotations

import argparse
import io
import random
from typing import Any

import psycopg2.extensions
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bench.fabric import bench_database
from bench.measure import HEADER, Figure, Results, machine_description, summary, timings
from cadastre.db.connection import connect
from cadastre.extract import LAYOUT_VERSION, render_extract

SAMPLES = 200

# The same outlines in the same frame, read by one plain query (what the content adds to this
# is the vertices, edges, land uses, identity and the JSON around them).
RAW_SQL = """
    WITH p AS (SELECT geom FROM cadastre.parcel WHERE id = %(id)s),
    frame AS (SELECT ST_Expand(ST_Envelope(p.geom), 40) AS box FROM p)
    SELECT json_agg(ST_AsGeoJSON(ST_Intersection(q.geom, frame.box), 2))
    FROM cadastre.parcel AS q, frame
    WHERE q.status = 'current' AND q.geom && frame.box"""


def map_alone(content: dict[str, Any]) -> bytes:
    """The baseline drawing: the map of the content alone, outlines only, same library."""
    spec = content["map"]
    xmin, ymin = float(spec["frame"][0]), float(spec["frame"][1])
    scale = float(spec["scale"])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    x0, y0 = 15 * mm, 120 * mm

    def at(point: list[float]) -> tuple[float, float]:
        return (x0 + (point[0] - xmin) / scale * 1000 * mm,
                y0 + (point[1] - ymin) / scale * 1000 * mm)

    outlines = [n["outline"] for n in content["neighbours"]] + [content["outline"]]
    for multipolygon in outlines:
        for polygon in multipolygon:
            path = canvas.beginPath()
            for ring in polygon:
                path.moveTo(*at(ring[0]))
                for point in ring[1:]:
                    path.lineTo(*at(point))
                path.close()
            canvas.drawPath(path, stroke=1, fill=0)
    canvas.rect(x0, y0, spec["width_mm"] * mm, spec["height_mm"] * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def run(url: str, parcels: int, results: Results, samples: int = SAMPLES) -> None:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM cadastre.parcel WHERE status = 'current' ORDER BY id")
            ids = [row[0] for row in cur.fetchall()]
        conn.rollback()
        chosen = random.Random(20251).sample(ids, min(samples, len(ids)))
        contents = [_content(conn, parcel_id) for parcel_id in chosen]
        records = [_issue(conn, parcel_id) for parcel_id in chosen]
        size = f"{parcels:,}"

        queue = iter(chosen * 2)
        whole = timings(lambda: render_extract(_issue(conn, next(queue))), len(chosen))
        queue = iter(contents * 2)
        alone = timings(lambda: map_alone(next(queue)), len(contents))
        _add(results, "extract PDF: issue (PostGIS content, hash, record) + draw (ReportLab)",
             size, whole, "the same map alone, same library (outlines only)", alone,
             f"{len(chosen)} random current parcels; median neighbours in frame "
             f"{_median_neighbours(contents)}, PDF {_median_kb(records)} KB")

        queue = iter(chosen * 2)
        compose = timings(lambda: _content(conn, next(queue)), len(chosen))
        queue = iter(chosen * 2)
        raw = timings(lambda: _raw(conn, next(queue)), len(chosen))
        _add(results, "extract content (cadastre.extract_content)", size, compose,
             "raw query: the same outlines in a frame as GeoJSON", raw, "")

        queue = iter(records * 2)
        draw = timings(lambda: render_extract(next(queue)), len(records))
        _add(results, "extract drawing (render_extract: map, table, QR, fonts)", size, draw,
             "the same map alone, same library (outlines only)", alone, "")
    finally:
        conn.close()


def _content(conn: psycopg2.extensions.connection, parcel_id: int) -> dict[str, Any]:
    with conn.cursor() as cur:
        cur.execute("SELECT cadastre.extract_content(%s)", (parcel_id,))
        content: dict[str, Any] = cur.fetchone()[0]
    conn.rollback()
    return content


def _issue(conn: psycopg2.extensions.connection, parcel_id: int) -> dict[str, Any]:
    """Issue inside a transaction rolled back: the fabric keeps no extract."""
    with conn.cursor() as cur:
        cur.execute("SELECT cadastre.issue_extract(%s, 'bench', %s)", (parcel_id, LAYOUT_VERSION))
        record: dict[str, Any] = cur.fetchone()[0]
    conn.rollback()
    return record


def _raw(conn: psycopg2.extensions.connection, parcel_id: int) -> object:
    with conn.cursor() as cur:
        cur.execute(RAW_SQL, {"id": parcel_id})
        found = cur.fetchone()[0]
    conn.rollback()
    return found


def _add(results: Results, operation: str, size: str, samples: list[float], baseline: str,
         baseline_samples: list[float], note: str) -> None:
    median, p95, p99 = summary(samples)
    base_median, _, base_p99 = summary(baseline_samples)
    results.add(Figure(operation, size, median, p95, p99, baseline, base_median, base_p99,
                       note=note))


def _median_neighbours(contents: list[dict[str, Any]]) -> int:
    counts = sorted(len(c["neighbours"]) for c in contents)
    return counts[len(counts) // 2]


def _median_kb(records: list[dict[str, Any]]) -> float:
    sizes = sorted(len(render_extract(r)) for r in records[:20])
    return round(sizes[len(sizes) // 2] / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("--parcels", type=int, default=10_000, help="fabric size (10000)")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="parcels measured (200)")
    parser.add_argument("--seed", type=int, default=20251,
                        help="fabric seed (another seed builds a fabric of its own)")
    parser.add_argument("--name", default="extract", help="results file name in bench/results")
    args = parser.parse_args()
    results = Results(machine=machine_description())
    print(HEADER)
    print("|" + "---|" * 10)
    url, _ = bench_database(args.parcels, args.seed)
    run(url, args.parcels, results, args.samples)
    json_path, md_path = results.write(args.name)
    print(f"\nwritten: {json_path} and {md_path}")


if __name__ == "__main__":
    main()
