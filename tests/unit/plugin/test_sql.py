"""SQL text for QGIS's executeSql, which takes no parameters: literals quoted, and every
statement run inside the guard that hands back a refusal's SQLSTATE (pure: no QGIS)."""

from __future__ import annotations

import pytest
from cadastre_officer.logic.sql import answer, guarded, json_array, literal


def test_sql_literals_are_quoted() -> None:
    assert literal("Đường Lê Lợi's") == "'Đường Lê Lợi''s'"
    assert literal(None) == "NULL" and literal(12) == "12"
    assert literal(["a", "b'"]) == "ARRAY['a', 'b''']::text[]"
    assert literal([]) == "'{}'::text[]"
    assert literal(True) == "true" and literal({"a": 1}) == """'{"a": 1}'::jsonb"""


def test_a_nul_character_is_refused_in_a_literal() -> None:
    with pytest.raises(ValueError, match="NUL"):
        literal("a\x00b")


def test_edits_travel_as_one_jsonb_array_literal() -> None:
    assert json_array([{"parcel_id": None, "sheet_number": "1'2"}]) == \
        """'[{"parcel_id": null, "sheet_number": "1''2"}]'::jsonb"""


def test_the_guarded_statement_is_quoted_whole_and_runs_after_what_comes_before() -> None:
    sql = guarded("SELECT 'it''s'", before="PERFORM 1;")

    assert "EXECUTE 'SELECT ''it''''s''' INTO v_value;" in sql
    assert sql.index("PERFORM 1;") < sql.index("EXECUTE")
    assert "GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE" in sql
    assert "v_constraint = CONSTRAINT_NAME" in sql  # the rule the plugin chooses by


def test_the_guards_answer_is_a_json_object() -> None:
    assert answer('{"value": "[1]"}') == {"value": "[1]"}
    assert answer('{"sqlstate": "42501", "message": "no"}')["sqlstate"] == "42501"
    with pytest.raises(ValueError):
        answer("[1]")
