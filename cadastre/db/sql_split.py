"""Split a SQL script into statements, so a failure can be traced to its file line."""

from __future__ import annotations

import re
from dataclasses import dataclass

DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Statement:
    """One statement of a script and the 1-based line it starts on."""

    text: str
    line: int


def split_statements(script: str) -> list[Statement]:
    """Statements separated by top-level ';' (quotes, dollar quotes and comments respected)."""
    statements: list[Statement] = []
    start = 0
    i = 0
    length = len(script)
    while i < length:
        char = script[i]
        if char == ";":
            _append(statements, script, start, i + 1)
            start = i + 1
            i += 1
        else:
            i = _skip_token(script, i)
    _append(statements, script, start, length)
    return statements


def _skip_token(script: str, i: int) -> int:
    """Index just past the quoted string, comment or single character starting at i."""
    if script.startswith("--", i):
        end = script.find("\n", i)
        return len(script) if end < 0 else end + 1
    if script.startswith("/*", i):
        end = script.find("*/", i + 2)
        return len(script) if end < 0 else end + 2
    if script[i] in "'\"":
        return _skip_quoted(script, i, script[i])
    if script[i] == "$":
        match = DOLLAR_TAG.match(script, i)
        if match and not (i > 0 and (script[i - 1].isalnum() or script[i - 1] == "_")):
            end = script.find(match.group(0), match.end())
            return len(script) if end < 0 else end + len(match.group(0))
    return i + 1


def _skip_quoted(script: str, i: int, quote: str) -> int:
    j = i + 1
    while j < len(script):
        if script[j] == quote:
            if script.startswith(quote * 2, j):
                j += 2
                continue
            return j + 1
        j += 1
    return len(script)


def _append(statements: list[Statement], script: str, start: int, end: int) -> None:
    chunk = script[start:end]
    stripped = _strip_comments_and_space(chunk)
    if not stripped or stripped == ";":
        return
    first = start + _first_code_offset(chunk)
    statements.append(Statement(script[first:end].rstrip(), script.count("\n", 0, first) + 1))


def _first_code_offset(chunk: str) -> int:
    """Offset of the first character that is neither blank nor inside a comment."""
    i = 0
    while i < len(chunk):
        if chunk[i].isspace():
            i += 1
        elif chunk.startswith("--", i) or chunk.startswith("/*", i):
            i = _skip_token(chunk, i)
        else:
            return i
    return 0


def _strip_comments_and_space(chunk: str) -> str:
    text = re.sub(r"--[^\n]*", "", chunk)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S).strip()
