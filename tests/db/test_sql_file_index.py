"""A function file's index (under its header, one line per function, pgMemento's style) names
every function the file defines, in order, with the argument and result types the database
has: a reader can trust it instead of scrolling the file."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg2.extensions

from cadastre.db.migrate import sql_root

FUNCTIONS = Path(str(sql_root())) / "functions"
INDEX_START = "-- Functions, in the order they are defined:"
CREATE = re.compile(r"^CREATE OR REPLACE FUNCTION (\w+\.\w+)\(", re.MULTILINE)


def index_entries(text: str) -> list[str]:
    """The index's entries, continuation lines joined."""
    lines = text.splitlines()
    start = lines.index(INDEX_START)
    entries: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("--       "):
            entries[-1] += " " + line[len("--       ") :]
        elif line.startswith("--   "):
            entries.append(line[len("--   ") :])
        else:
            break
    return entries


def short_result(result: str) -> str:
    """A TABLE(...) result by its column names only, as the index writes it."""
    table = re.fullmatch(r"TABLE\((.*)\)", result, re.DOTALL)
    if not table:
        return result
    columns = re.split(r",(?![^(]*\))", table[1])
    return "TABLE(" + ", ".join(column.strip().split(" ")[0] for column in columns) + ")"


def test_every_indexed_file_lists_its_functions_with_their_types(
    db: psycopg2.extensions.connection,
) -> None:
    indexed = [p for p in sorted(FUNCTIONS.glob("*.sql")) if INDEX_START in p.read_text()]
    assert len(indexed) >= 10
    with db.cursor() as cur:
        # Types are written as the operations' own search path shows them (cadastre.parcel,
        # geometry).
        cur.execute("SET search_path = public, pg_temp")
        for path in indexed:
            text = path.read_text(encoding="utf-8")
            entries = index_entries(text)
            signatures = [entry.split(" → ")[0] for entry in entries]
            # The functions the file creates, in order, are the functions it indexes.
            names = [signature.split("(")[0] for signature in signatures]
            assert names == CREATE.findall(text), path.name
            for entry, signature in zip(entries, signatures, strict=True):
                cur.execute(
                    "SELECT p.oid::regprocedure::text, pg_get_function_result(p.oid) "
                    "FROM pg_proc AS p WHERE p.oid = %s::regprocedure",
                    (signature,),
                )
                _, result = cur.fetchone()
                assert entry == f"{signature} → {short_result(result)}", path.name
