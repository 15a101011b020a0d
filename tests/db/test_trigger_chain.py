"""Every trigger has one home, sql/functions/100_triggers.sql, which lists table by table what
fires in which order; the database fires exactly that, and a refresh of the function files
leaves the triggers as they were. keep_history and start_version refuse to run attached any
other way than the one they are written for."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest

from cadastre.db.connection import connect
from cadastre.db.migrate import FUNCTIONS_KEY, migrate, sql_root

FUNCTIONS = Path(str(sql_root())) / "functions"
TRIGGERS_FILE = FUNCTIONS / "100_triggers.sql"

# PostgreSQL's phases for one event on one table, in the order they fire; within a phase, the
# triggers fire in the order of their names.
PHASES = (
    "before statement",
    "before row",
    "instead of row",
    "after row",
    "after statement",
    "at commit",
)
EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")

SECTION = re.compile(r"^-- (?P<table>\w+\.\w+) -+$")
CHAIN_LINE = re.compile(
    r"^--\s{3}(?P<event>INSERT|UPDATE|DELETE|TRUNCATE)?\s+"
    r"(?P<phase>" + "|".join(PHASES) + r")\s+(?P<names>\w+(?:, \w+)*,?)$"
)
CONTINUATION = re.compile(r"^--\s{20,}(?P<names>\w+(?:, \w+)*,?)$")

Chains = dict[tuple[str, str], list[tuple[str, str]]]


def documented_chains(text: str) -> Chains:
    """(table, event) -> [(phase, trigger)] in the order 100_triggers.sql lists them."""
    chains: Chains = {}
    table = event = phase = None
    in_list = False
    for line in text.splitlines():
        if section := SECTION.match(line):
            table, in_list = section["table"], False
        elif line == "-- fires:":
            in_list = True
        elif in_list and (match := CHAIN_LINE.match(line)):
            event = match["event"] or event
            phase = match["phase"]
            _add(chains, table, event, phase, match["names"])
        elif in_list and (match := CONTINUATION.match(line)):
            _add(chains, table, event, phase, match["names"])
        else:
            in_list = False
    return chains


def _add(
    chains: Chains, table: str | None, event: str | None, phase: str | None, names: str
) -> None:
    assert table and event and phase, f"a chain line outside a table section: {names}"
    chains.setdefault((table, event), []).extend(
        (phase, name.strip()) for name in names.split(",") if name.strip()
    )


def phase_of(tgtype: int, deferred: bool) -> str:
    """The phase a trigger fires in, from pg_trigger.tgtype (ROW 1, BEFORE 2, INSTEAD 64)."""
    level = "row" if tgtype & 1 else "statement"
    if tgtype & 64:
        return "instead of row"
    if tgtype & 2:
        return f"before {level}"
    return "at commit" if deferred else f"after {level}"


def fired_chains(conn: psycopg2.extensions.connection) -> Chains:
    """(table, event) -> [(phase, trigger)] in the order PostgreSQL fires them."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.relnamespace::regnamespace::text || '.' || c.relname, t.tgname, "
            "       t.tgtype, "
            "       t.tgdeferrable AND t.tginitdeferred "
            "FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal "
            "  AND c.relnamespace::regnamespace::text IN ('cadastre', 'public_register', 'online')"
        )
        rows = cur.fetchall()
    event_bits = {"INSERT": 4, "DELETE": 8, "UPDATE": 16, "TRUNCATE": 32}
    chains: Chains = {}
    for table, name, tgtype, deferred in rows:
        for event, bit in event_bits.items():
            if tgtype & bit:
                chains.setdefault((table, event), []).append((phase_of(tgtype, deferred), name))
    for chain in chains.values():
        # Byte order of the names, as PostgreSQL sorts them (all ASCII here).
        chain.sort(key=lambda item: (PHASES.index(item[0]), item[1].encode()))
    return chains


def trigger_definitions(conn: psycopg2.extensions.connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.oid::regclass::text, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled "
            "FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal ORDER BY 1, 2"
        )
        return cur.fetchall()


def test_every_table_fires_its_triggers_in_the_order_100_triggers_lists(
    db: psycopg2.extensions.connection,
) -> None:
    documented = documented_chains(TRIGGERS_FILE.read_text(encoding="utf-8"))
    fired = fired_chains(db)
    # A table or event that fires triggers 100_triggers.sql does not list, or the reverse.
    assert sorted(documented) == sorted(fired)
    for key, chain in fired.items():
        assert documented[key] == chain, f"{key[0]} on {key[1]}"


def test_an_update_of_a_parcel_runs_the_chain_the_file_documents(
    db: psycopg2.extensions.connection,
) -> None:
    documented = documented_chains(TRIGGERS_FILE.read_text(encoding="utf-8"))
    with db.cursor() as cur:
        cur.execute(
            "SELECT t.tgname FROM pg_trigger AS t "
            "WHERE t.tgrelid = 'cadastre.parcel'::regclass AND NOT t.tgisinternal "
            "  AND t.tgtype & 16 <> 0 AND t.tgtype & 2 <> 0 AND t.tgtype & 1 <> 0 "
            'ORDER BY t.tgname COLLATE "C"'
        )
        before_row = [name for (name,) in cur.fetchall()]
    listed = [
        name for phase, name in documented[("cadastre.parcel", "UPDATE")] if phase == "before row"
    ]
    assert listed == before_row
    # The history is kept last, after the stamp and the validation saw the final row; a
    # no-op update is dropped first.
    assert before_row[0] == "a_skip_unchanged" and before_row[-1] == "z_keep_history"


def test_the_data_model_shows_the_parcel_chain_100_triggers_lists() -> None:
    lines = TRIGGERS_FILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-- cadastre.parcel --"))
    fires = lines.index("-- fires:", start)
    chain = []
    for line in lines[fires + 1 :]:
        if not line.startswith("--"):
            break
        chain.append(line[2:])
    data_model = Path(__file__).parents[2] / "docs" / "data-model.md"
    assert "```\n" + "\n".join(chain) + "\n```" in data_model.read_text(encoding="utf-8")


def test_triggers_are_attached_only_in_100_triggers() -> None:
    attach = re.compile(
        r"^\s*CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER\s+(\w+)",
        re.IGNORECASE | re.MULTILINE,
    )
    elsewhere = {
        (path.name, match[3])
        for path in FUNCTIONS.glob("*.sql")
        if path.name != TRIGGERS_FILE.name
        for match in attach.finditer(path.read_text(encoding="utf-8"))
    }
    # The officer's QGIS layer keeps its INSTEAD OF trigger beside the view (listed in 100).
    assert elsewhere <= {("085_submit.sql", "refuse_write")}
    assert "EXECUTE format('CREATE OR REPLACE TRIGGER" not in "".join(
        path.read_text(encoding="utf-8") for path in FUNCTIONS.glob("*.sql")
    )


def test_refreshing_the_function_files_keeps_every_trigger_as_it_was(db_url: str) -> None:
    conn = connect(db_url)
    try:
        before = trigger_definitions(conn)
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE public.schema_migration SET checksum = 'stale' WHERE name = %s",
                (FUNCTIONS_KEY,),
            )
        conn.commit()
        report = migrate(conn)
        assert report.functions_applied
        assert trigger_definitions(conn) == before
    finally:
        conn.close()


SCRATCH = (
    "CREATE TEMP TABLE scratch (id integer, sys_period tstzrange, sys_txid bigint); "
    "INSERT INTO scratch VALUES (1, tstzrange(now(), NULL), 0)"
)


@pytest.mark.parametrize(
    ("function", "attachment", "statement"),
    [
        ("keep_history", "AFTER UPDATE ON scratch FOR EACH ROW", "UPDATE scratch SET id = 2"),
        (
            "keep_history",
            "BEFORE UPDATE ON scratch FOR EACH STATEMENT",
            "UPDATE scratch SET id = 2",
        ),
        (
            "keep_history",
            "BEFORE INSERT ON scratch FOR EACH ROW",
            "INSERT INTO scratch (id) VALUES (3)",
        ),
        (
            "start_version",
            "AFTER INSERT ON scratch FOR EACH ROW",
            "INSERT INTO scratch (id) VALUES (3)",
        ),
        (
            "start_version",
            "BEFORE INSERT ON scratch FOR EACH STATEMENT",
            "INSERT INTO scratch (id) VALUES (3)",
        ),
        ("start_version", "BEFORE UPDATE ON scratch FOR EACH ROW", "UPDATE scratch SET id = 2"),
    ],
)
def test_a_history_trigger_attached_the_wrong_way_refuses_to_run(
    db: psycopg2.extensions.connection,
    function: str,
    attachment: str,
    statement: str,
) -> None:
    with db.cursor() as cur:
        cur.execute(SCRATCH)
        cur.execute(
            f"CREATE TRIGGER misattached {attachment} EXECUTE FUNCTION cadastre.{function}()"
        )
        cur.execute("SAVEPOINT attempt")
        with pytest.raises(psycopg2.Error) as refused:
            cur.execute(statement)
        cur.execute("ROLLBACK TO SAVEPOINT attempt")
        cur.execute("SELECT id, upper_inf(sys_period) FROM scratch ORDER BY id")
        assert cur.fetchall() == [(1, True)]
    assert refused.value.pgcode == "39P01"  # trigger_protocol_violated
    message = refused.value.diag.message_primary
    assert f"cadastre.{function}() must fire BEFORE" in message
    assert "trigger misattached on" in message and "scratch" in message
    assert "100_triggers.sql" in refused.value.diag.message_hint


def test_start_version_attached_as_documented_starts_the_version(
    db: psycopg2.extensions.connection,
) -> None:
    with db.cursor() as cur:
        cur.execute(SCRATCH)
        cur.execute(
            "CREATE TRIGGER a_start_version BEFORE INSERT ON scratch FOR EACH ROW "
            "EXECUTE FUNCTION cadastre.start_version()"
        )
        cur.execute(
            "INSERT INTO scratch (id) VALUES (3) RETURNING lower(sys_period) = now(), "
            "upper_inf(sys_period), sys_txid = txid_current()"
        )
        assert cur.fetchone() == (True, True, True)
