"""SQL text the plugin sends through QGIS's `executeSql`, which takes no parameters: literals
quoted here, and the guard every statement runs in.

The guard catches a refusal inside the statement itself and hands back its SQLSTATE and
diagnostics (QGIS passes on only an error's text), so the officer's sentence is chosen by code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# One statement guarded: its answer, or its refusal's SQLSTATE and diagnostics, as JSON in a
# transaction-local setting read back by the same call. Deferred rules run inside the guard.
GUARDED = """DO $cadastre$
DECLARE
    v_value text; v_state text; v_message text; v_detail text; v_hint text; v_context text;
    v_constraint text; v_table text; v_column text;
BEGIN
    {before}
    EXECUTE {sql} INTO v_value;
    SET CONSTRAINTS ALL IMMEDIATE;
    PERFORM set_config('cadastre_plugin.answer', jsonb_build_object('value', v_value)::text,
                       true);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
        v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT,
        v_context = PG_EXCEPTION_CONTEXT, v_constraint = CONSTRAINT_NAME,
        v_table = TABLE_NAME, v_column = COLUMN_NAME;
    PERFORM set_config('cadastre_plugin.answer', jsonb_build_object(
        'sqlstate', v_state, 'message', v_message, 'detail', nullif(v_detail, ''),
        'hint', nullif(v_hint, ''), 'context', nullif(v_context, ''),
        'constraint', nullif(v_constraint, ''), 'table', nullif(v_table, ''),
        'column', nullif(v_column, ''))::text, true);
END
$cadastre$; SELECT current_setting('cadastre_plugin.answer')"""


def literal(value: Any) -> str:
    """A SQL literal for a value (strings quoted by doubling quotes; lists as arrays)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(literal(item) for item in value) + "]::text[]" \
            if value else "'{}'::text[]"
    if isinstance(value, dict):
        return literal(json.dumps(value)) + "::jsonb"
    text = str(value)
    if "\x00" in text:
        raise ValueError("a text value may not contain a NUL character")
    return "'" + text.replace("'", "''") + "'"


def json_array(items: Iterable[dict[str, Any]]) -> str:
    """A JSON array literal cast to jsonb."""
    return literal(json.dumps(list(items), ensure_ascii=False)) + "::jsonb"


def guarded(sql: str, before: str = "") -> str:
    """`sql` (a statement returning one text value) run inside the guard, after the PL/pgSQL
    statements `before` (e.g. setting who is at the desk for the audit trail)."""
    return GUARDED.format(before=before, sql=literal(sql))


def answer(text: str) -> dict[str, Any]:
    """The guard's answer decoded: {"value": …} or the refusal's {"sqlstate", "message", …}."""
    found = json.loads(text)
    if not isinstance(found, dict):
        raise ValueError("the guard answered something other than a JSON object")
    return found
