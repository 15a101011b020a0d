"""Command line: generate a ward and write it, printing counts and timings."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter

from .core import DEFAULT_PARCELS, DEFAULT_SEED, generate
from .writer import write


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options of the generator command."""
    parser = argparse.ArgumentParser(
        prog="python -m data_samples.generator",
        description="Generate a synthetic Hanoi ward fabric with parties, rights and history.",
    )
    parser.add_argument(
        "--parcels",
        type=int,
        default=DEFAULT_PARCELS,
        help="about how many parcels (one ward per started 10,000)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--out",
        default=None,
        help="directory for ward.gpkg and the JSON Lines files (omit: no files)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes building the fabric (default: one per core)",
    )
    parser.add_argument("--verbose", action="store_true", help="log the time of each phase")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate, optionally write, and report counts and times."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.verbose:
        logging.getLogger("data_samples").setLevel(logging.INFO)
    start = time.perf_counter()
    ward = generate(args.parcels, args.seed, workers=args.workers)
    generated = time.perf_counter() - start
    kinds = Counter(d.kind for d in ward.dossiers)
    print(f"communes      {len(ward.communes):>10,}")
    print(f"sheets        {len(ward.sheets):>10,}")
    print(f"parcels       {len(ward.parcels):>10,}")
    print(f"parties       {len(ward.parties):>10,}")
    print(f"rights        {len(ward.rights):>10,}")
    print(f"certificates  {len(ward.certificates):>10,}")
    print(f"dossiers      {len(ward.dossiers):>10,}")
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:<20}{count:>10,}")
    print(f"generated in  {generated:>10.1f} s")
    if args.out:
        start = time.perf_counter()
        paths = write(ward, args.out)
        print(f"written in    {time.perf_counter() - start:>10.1f} s to {args.out}")
        for path in paths:
            print(f"  {path.name:<20}{path.stat().st_size:>12,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
