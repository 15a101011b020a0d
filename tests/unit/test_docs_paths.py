"""docs/architecture.md cannot drift silently: every file, function, SQL object, trigger and
rule code it names in backticks exists, and its two flows are numbered paths, the split walked
in the order the code runs (plugin edits → binding → submit_edits → split_parcel → triggers)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
# Backticked text starting with one of these is a path in the repository.
TOP_FOLDERS = ("bench/", "cadastre/", "data_samples/", "docs/", "qgis_plugin/", "scripts/",
               "sql/", "tests/", "web/")
SQL_SCHEMAS = ("cadastre", "public_register", "online")
SPAN = re.compile(r"`([^`\n]+)`")
SQL_NAME = re.compile(rf"^({'|'.join(SQL_SCHEMAS)})\.([a-z_][a-z0-9_]*)")
PATH = re.compile(r"^[A-Za-z0-9_./-]+$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")  # with an underscore: a_stamp
PLACEHOLDER = re.compile(r"NNN|<|\*|\{")
FILE_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(?:py|sql|js|css|html|toml)$")  # `parcels.py`


def spans(text: str) -> list[str]:
    """The backticked spans of a Markdown text, fenced code blocks left out."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return SPAN.findall(prose)


@cache
def file_names() -> frozenset[str]:
    """The names of the project's files (in its top folders), for a bare `parcels.py`."""
    return frozenset(p.name for top in TOP_FOLDERS if (ROOT / top).is_dir()
                     for p in (ROOT / top).rglob("*") if "node_modules" not in p.parts)


@cache
def sql_text() -> str:
    """Every SQL file of the project, as one text."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "sql").rglob("*.sql")))


def sql_object_exists(schema: str, name: str) -> bool:
    """Whether the SQL files create this object (function, view, table, type …) or use it as
    a setting (`set_config('cadastre.app_user', …)`)."""
    qualified = re.escape(f"{schema}.{name}")
    created = re.compile(
        r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE|VIEW|MATERIALIZED\s+VIEW|TABLE|"
        r"TYPE|DOMAIN)\s+(?:IF\s+NOT\s+EXISTS\s+)?" + qualified + r"\b", re.I)
    setting = re.compile(r"'" + qualified + r"'")
    return bool(created.search(sql_text()) or setting.search(sql_text()))


def defines(path: Path, name: str) -> bool:
    """Whether a source file defines `name` (Python: `Class.method` too; SQL: a function,
    view or table)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".sql":
        return bool(re.search(r"CREATE\s+(?:OR\s+REPLACE\s+)?\w+\s+(?:\w+\.)?"
                              + re.escape(name) + r"\b", text))
    *owner, member = name.split(".")
    for cls in owner:
        if not re.search(rf"^\s*class\s+{re.escape(cls)}\b", text, re.M):
            return False
    return bool(re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(member)}\b"
                          rf"|^{re.escape(member)}\s*(?::|=)", text, re.M))


def problem(span: str, identifiers: bool = True) -> str | None:
    """What is wrong with one backticked span, or None (fine, or not a name we check). A bare
    identifier (`z_keep_history`, `edit_errors`) is checked where `identifiers` says so: in
    the flows, where such names are the code's, not a program's (`pg_ctl`)."""
    found = SQL_NAME.match(span)
    if found:
        schema, name = found.groups()
        return None if sql_object_exists(schema, name) else f"no SQL object {schema}.{name}"
    if span.startswith(TOP_FOLDERS):
        if PLACEHOLDER.search(span):
            return None  # a pattern such as sql/migrations/NNN_<what>.sql
        path_text, _, name = span.partition(":")
        if not PATH.match(path_text):
            return None  # a command line, not a path
        path = ROOT / path_text
        if not path.exists():
            return f"no file or folder {path_text}"
        if name and not defines(path, name):
            return f"{path_text} defines no {name}"
        return None
    if FILE_NAME.match(span) and span not in file_names():
        return f"no file named {span}"
    if identifiers and IDENTIFIER.match(span) and not re.search(rf"\b{span}\b", sql_text()):
        return f"{span} (a trigger, rule code or column) appears in no SQL file"
    return None


def problems(text: str, identifiers: bool = True) -> list[str]:
    """Every wrong name of a Markdown text."""
    return [f"`{s}`: {p}" for s in dict.fromkeys(spans(text))
            if (p := problem(s, identifiers))]


def section(text: str, heading: str) -> str:
    """The text of one `## ` section."""
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


FLOWS = ["Flow 1: an officer splits a parcel", "Flow 2: a citizen looks a parcel up"]


def test_every_file_function_and_sql_name_in_the_architecture_page_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    wrong = problems(text, identifiers=False)
    wrong += [p for flow in FLOWS for p in problems(section(text, flow)) if p not in wrong]
    assert not wrong, "docs/architecture.md names what does not exist:\n  " + "\n  ".join(wrong)


def test_the_checker_finds_a_missing_file_function_sql_object_and_trigger() -> None:
    """The check above can fail: each kind of wrong name is caught, and right ones pass."""
    text = ("`cadastre/no_such_module.py` `cadastre/web/register.py:PublicRegister.no_such` "
            "`cadastre.no_such_function` `public_register.no_such_view` `zz_no_such_trigger` "
            "`cadastre/web/register.py:PublicRegister.parcel` `cadastre.split_parcel` "
            "`sql/functions/085_submit.sql:cadastre.submit_edits` `z_keep_history` "
            "`cadastre.app_user` `sql/migrations/NNN_<what>.sql` `no_such_file.py` `parcels.py`")
    assert [p.split("`")[1] for p in problems(text)] == [
        "cadastre/no_such_module.py", "cadastre/web/register.py:PublicRegister.no_such",
        "cadastre.no_such_function", "public_register.no_such_view", "zz_no_such_trigger",
        "no_such_file.py"]


@pytest.mark.parametrize("flow", FLOWS)
def test_each_flow_is_one_numbered_path(flow: str) -> None:
    steps = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section(
        DOC.read_text(encoding="utf-8"), flow), re.M)]
    assert len(steps) >= 5 and steps == list(range(1, len(steps) + 1)), steps


def test_the_split_is_walked_in_the_order_the_code_runs() -> None:
    flow = spans(section(DOC.read_text(encoding="utf-8"), FLOWS[0]))
    order = ["qgis_plugin/cadastre_officer/logic/edits.py:build_edits",
             "cadastre/register/binding/edits.py:submit_edits", "cadastre.submit_edits",
             "cadastre.submit_split", "cadastre.split_parcel", "cadastre/cli/parcel.py:split",
             "sql/functions/100_triggers.sql", "cadastre.keep_history", "cadastre.seal_audit",
             "public_register.withdraw_pages"]
    missing = [name for name in order if name not in flow]
    assert not missing, f"Flow 1 no longer names {missing}"
    firsts = [flow.index(name) for name in order]
    assert firsts == sorted(firsts), [name for _, name in sorted(zip(firsts, order, strict=True))]
