"""The officer's "Parcel extract…" button: record the extract of the selected parcel for the
person at the desk (the register, as the officer's login) and draw it as a PDF (the `cadastre`
command; see logic/extract.py for why the drawing is not done here)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..core.register import Register, log
from ..logic.errors import InputError, RegisterError
from ..logic.extract import CLI_VARIABLE, find_cli, issue_sql, layout_command, render_command
from ..logic.i18n import both

TIMEOUT_S = 120


def issue_extract(register: Register, parcel_id: int, issued_for: str, output: Path,
                  cli: str | None = None) -> dict[str, Any]:
    """Record the extract of a current parcel for `issued_for` and write its PDF to `output`;
    returns the record (its code, content hash, verification URL)."""
    if not issued_for.strip():
        raise InputError(both("Hãy ghi trích lục cấp cho ai.",
                              "Say whom the extract is issued for."))
    command = cli or find_cli()
    if command is None:
        raise InputError(both(
            "Không tìm thấy lệnh cadastre để in trích lục.",
            "The cadastre command that draws extracts was not found."),
            hint=both(f"Cài gói cadastre trên máy này, hoặc đặt biến {CLI_VARIABLE}.",
                      f"Install the cadastre package on this computer, or set {CLI_VARIABLE}."))
    layout = _run(layout_command(command)).stdout.strip()
    record: dict[str, Any] = register.change(issue_sql(parcel_id, issued_for, layout))
    with tempfile.TemporaryDirectory(prefix="cadastre-extract-") as folder:
        source = Path(folder) / "record.json"
        source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        try:
            _run(render_command(command, source, output))
        except RegisterError as exc:
            exc.plain = both(
                f"Trích lục {record['code']} đã được ghi vào sổ nhưng chưa in được tệp PDF.",
                f"Extract {record['code']} is recorded but its PDF could not be written.")
            raise
    return record


def _run(command: list[str]) -> subprocess.CompletedProcess:
    """Run the cadastre command; its own error sentence (and hint) if it fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(both("Không chạy được lệnh cadastre.",
                              "The cadastre command could not run."), raw=str(exc)) from exc
    if done.returncode != 0:
        log(done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise InputError(lines[0] if lines else both("Lệnh cadastre thất bại.",
                                                     "The cadastre command failed."),
                         raw=done.stderr, hint="\n".join(lines[1:]) or None)
    return done
