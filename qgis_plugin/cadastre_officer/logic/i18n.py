"""Interface text without Qt: `tr` marks an English source string and returns it in the
interface language, through whatever translator the plugin installed (the Qt glue in
`i18n/__init__.py` installs Qt's); with none installed, the English itself.

One translation context ("CadastreOfficer") for the whole plugin keeps the .ts file simple.
`scripts/build-plugin` finds every `tr("…")` literal and checks it has a Vietnamese translation.
"""

from __future__ import annotations

from collections.abc import Callable

CONTEXT = "CadastreOfficer"

Translate = Callable[[str, str], str]


def _untranslated(_context: str, text: str) -> str:
    return text


_translate: Translate = _untranslated


def use_translator(translate: Translate | None) -> None:
    """Answer `tr` with `translate(context, text)` from now on (None: English again)."""
    global _translate
    _translate = translate or _untranslated


def tr(text: str) -> str:
    """The text in the interface language (English when there is no translation)."""
    return _translate(CONTEXT, text)


def is_vietnamese() -> bool:
    """True when the interface speaks Vietnamese (issue messages pick their language by this)."""
    return tr("English") == "Tiếng Việt"


def both(vi: str, en: str) -> str:
    """A message for the officer: Vietnamese first, the English beside it."""
    return f"{vi} — {en}"
