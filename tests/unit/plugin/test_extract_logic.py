"""The plugin's extract logic (pure: no QGIS): which `cadastre` command draws the PDF, the
statement that records the extract (quoted, never formatted raw) and the drawing command."""

from __future__ import annotations

from pathlib import Path

from cadastre_officer.logic.extract import find_cli, issue_sql, layout_command, render_command


def test_the_command_is_the_configured_one_else_the_one_on_the_path(tmp_path: Path) -> None:
    command = tmp_path / "cadastre"
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    not_executable = tmp_path / "plain"
    not_executable.write_text("")

    assert find_cli({"CADASTRE_CLI": str(command)}, lambda _: "/usr/bin/cadastre") == \
        str(command)
    assert find_cli({"CADASTRE_CLI": str(not_executable)}, lambda _: "/x") is None
    assert find_cli({"CADASTRE_CLI": str(tmp_path / "missing")}, lambda _: "/x") is None
    assert find_cli({}, lambda name: f"/opt/bin/{name}") == "/opt/bin/cadastre"
    assert find_cli({}, lambda _: None) is None


def test_the_issue_statement_quotes_what_the_officer_typed() -> None:
    sql = issue_sql(42, "O'Brien; DROP TABLE x", "1")

    assert sql == ("SELECT cadastre.issue_extract(42::bigint, 'O''Brien; DROP TABLE x', "
                   "'1')::text")
    assert issue_sql("7", "A", "1").startswith("SELECT cadastre.issue_extract(7::bigint")


def test_the_commands_ask_the_layout_and_draw_the_record(tmp_path: Path) -> None:
    assert layout_command("/c") == ["/c", "extract", "--layout-version"]
    assert render_command("/c", tmp_path / "r.json", tmp_path / "o.pdf") == [
        "/c", "extract", "--from-record", str(tmp_path / "r.json"), "-o",
        str(tmp_path / "o.pdf"), "--overwrite"]
