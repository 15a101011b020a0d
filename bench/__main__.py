"""python -m bench [--parcels N ...]: build (or reuse) fabrics and print every figure."""

from __future__ import annotations

import argparse

from bench import checks, export, importing, ogc, register, web
from bench.fabric import bench_database
from bench.measure import HEADER, Figure, Results, machine_description


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--parcels",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="fabric sizes to measure (default: 10000 100000)",
    )
    parser.add_argument("--name", default="latest", help="results file name in bench/results")
    parser.add_argument(
        "--only",
        choices=["register", "import", "checks", "web", "export", "ogc"],
        default=None,
        help="run one group of figures",
    )
    parser.add_argument(
        "--import-sizes",
        type=int,
        nargs="*",
        default=None,
        help="sizes at which to run the import benchmark (default: all)",
    )
    args = parser.parse_args()
    results = Results(machine=machine_description())
    print(HEADER)
    print("|" + "---|" * 10)
    for parcels in args.parcels:
        if args.only == "import":
            continue
        url, load_seconds = bench_database(parcels)
        if load_seconds is not None:
            results.add(
                Figure(
                    "generate + load fabric with history (sample loader)",
                    f"{parcels:,}",
                    load_seconds * 1000,
                    None,
                    None,
                    "(no raw baseline here; see the import benchmark)",
                    float("nan"),
                    note="measured once when the fabric is built",
                )
            )
        if args.only in (None, "register"):
            register.run(url, parcels, results)
        if args.only in (None, "checks"):
            checks.run(url, parcels, results)
        if args.only in (None, "web"):
            web.run(url, parcels, results)
        if args.only in (None, "export"):
            export.run(url, parcels, results)
        if args.only in (None, "ogc"):
            ogc.run(url, parcels, results)
    # The imports last: each writes a fresh database as large as its fabric, which would push
    # the fabrics out of the cache and disturb the latencies measured after it.
    for parcels in args.parcels:
        import_here = args.import_sizes is None or parcels in args.import_sizes
        if args.only in (None, "import") and import_here:
            importing.run(parcels, results)
    json_path, md_path = results.write(args.name)
    print(f"\nwritten: {json_path} and {md_path}")


if __name__ == "__main__":
    main()
