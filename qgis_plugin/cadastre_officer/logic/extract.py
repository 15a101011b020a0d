"""The parcel extract (trích lục) at the officer's desk, without QGIS: the SQL that records it
and the command that draws it.

The register records the extract (cadastre.issue_extract, as the officer's own login, through
QGIS's saved connection: no password leaves QGIS). The PDF is drawn by the `cadastre` command
(`cadastre extract --from-record`), which needs no database: the plugin is deployed alone and
cannot import the cadastre package, and one drawing (cadastre/extract/layout.py) must serve the
web, the CLI and the plugin, or the verification page could not redraw a copy to check it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from .sql import literal

CLI_VARIABLE = "CADASTRE_CLI"


def find_cli(environ: Mapping[str, str] = os.environ,
             which: Callable[[str], str | None] = shutil.which) -> str | None:
    """The `cadastre` command: $CADASTRE_CLI when set (and executable), else on the PATH."""
    configured = environ.get(CLI_VARIABLE)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return which("cadastre")


def layout_command(cli: str) -> list[str]:
    """Asks the command which layout it draws (the record must name it)."""
    return [cli, "extract", "--layout-version"]


def issue_sql(parcel_id: int, issued_for: str, layout: str) -> str:
    """The statement recording an extract of a parcel for a person; answers the record."""
    return (f"SELECT cadastre.issue_extract({int(parcel_id)}::bigint, {literal(issued_for)}, "
            f"{literal(layout)})::text")


def render_command(cli: str, record: Path, output: Path) -> list[str]:
    """The command drawing an issued record as a PDF (replacing the file the officer chose)."""
    return [cli, "extract", "--from-record", str(record), "-o", str(output), "--overwrite"]
