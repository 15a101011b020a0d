"""The plugin's logic/ folder stays pure: no module imports qgis or PyQt, so these tests (and
mypy) run without QGIS; and its text speaks English until a translator is installed."""

from __future__ import annotations

import ast
from pathlib import Path

from cadastre_officer.logic import i18n

LOGIC = Path(__file__).resolve().parents[3] / "qgis_plugin" / "cadastre_officer" / "logic"


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports (absolute names; relative ones as written)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def test_no_logic_module_imports_qgis_or_qt() -> None:
    modules = sorted(LOGIC.glob("*.py"))
    assert len(modules) > 5

    offending = {path.name: sorted(name for name in imported_modules(path)
                                   if name.split(".")[0] in {"qgis", "PyQt5", "PyQt6", "sip"})
                 for path in modules}

    assert {name: found for name, found in offending.items() if found} == {}


def test_text_is_english_until_a_translator_is_installed() -> None:
    assert i18n.tr("Submit") == "Submit" and not i18n.is_vietnamese()
    i18n.use_translator(lambda context, text: {"Submit": "Gửi", "English": "Tiếng Việt"}.get(
        text, text) if context == i18n.CONTEXT else text)
    try:
        assert i18n.tr("Submit") == "Gửi" and i18n.is_vietnamese()
    finally:
        i18n.use_translator(None)
    assert i18n.tr("Submit") == "Submit"
