"""Every rule code the register raises in a check_violation is worded for the officer: the
plugin chooses its sentence by that code, so a code without wording would reach the officer
as the register's English."""

from __future__ import annotations

import re
from pathlib import Path

from cadastre_officer.logic.refusals import NAMED_REFUSALS

SQL = Path(__file__).resolve().parents[3] / "sql" / "functions"
RAISED = re.compile(r"ERRCODE = 'check_violation', CONSTRAINT = '(\w+)'")
# Refusals an officer cannot meet through the plugin: they guard the register's own code
# (identity columns, a layer save QGIS reports as text only).
NOT_MET_IN_QGIS = {"dossier_identity", "right_identity", "layer_save"}


def raised_codes() -> set[str]:
    """The rule codes the register's functions raise with check_violation."""
    return {code for path in SQL.glob("*.sql") for code in RAISED.findall(path.read_text())}


def test_every_check_violation_the_register_names_is_worded_for_the_officer() -> None:
    worded = {rule for state, rule in NAMED_REFUSALS if state == "23514"}

    missing = raised_codes() - NOT_MET_IN_QGIS - worded - {"edit_errors"}

    assert not missing, f"rule codes without the officer's wording: {sorted(missing)}"


def test_the_sql_side_still_names_the_rules_the_plugin_words() -> None:
    worded = {rule for state, rule in NAMED_REFUSALS if state == "23514"}

    assert worded <= raised_codes(), f"worded but never raised: {sorted(worded - raised_codes())}"
