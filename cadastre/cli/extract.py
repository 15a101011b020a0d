"""`cadastre extract REF -o file.pdf`: the cadastral information extract (trích lục) of a
parcel, recorded in the register as the officer at the desk issues it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from cadastre.cli.common import console, current_parcel_id, work
from cadastre.errors import CadastreError
from cadastre.extract import LAYOUT_VERSION, issue_record, render_extract

REF_HELP = "COMMUNE/SHEET/NUMBER of a current parcel, e.g. 91001/1/5"


def _print_layout_version(value: bool) -> None:
    """--layout-version: what the plugin asks before recording an extract it will draw here."""
    if value:
        typer.echo(LAYOUT_VERSION)
        raise typer.Exit()


def extract(
    ref: str | None = typer.Argument(None, help=REF_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="The PDF to write"),
    issued_for: str | None = typer.Option(
        None, "--for", help="Whom it is issued for: the applicant's name or the application's "
        "receipt code (recorded, never shown on the verification page)"),
    from_record: Path | None = typer.Option(
        None, "--from-record", help="Draw an extract already issued, from the JSON record "
        "cadastre.issue_extract answered (no database: what the QGIS plugin calls)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output"),
    layout_version: bool = typer.Option(
        False, "--layout-version", is_eager=True, callback=_print_layout_version,
        help="Print the version of the layout this command draws, and exit"),
) -> None:
    """Issue the extract of parcel REF (COMMUNE/SHEET/NUMBER, e.g. 91001/1/5): a map at a
    standard scale with its neighbours, edge lengths, vertex coordinates in VN-2000 TM-3, area,
    land uses, verification code and QR code, written as a PDF. Recorded in the register as
    your role, for --for (docs/extract.md)."""
    if output.exists() and not overwrite:
        raise CadastreError(f"{output} already exists", hint="Add --overwrite to replace it.")
    if not output.parent.is_dir():
        raise CadastreError(f"No folder {output.parent} for {output.name}",
                            hint="Create the folder or choose another path.")
    if from_record is not None:
        if ref is not None:
            raise CadastreError("Give a parcel or --from-record, not both",
                                hint="--from-record draws an extract already issued.")
        record = _read_record(from_record)
        pdf = render_extract(record)
    else:
        if ref is None:
            raise CadastreError("Which parcel?", hint=f"Give {REF_HELP}.")
        if issued_for is None or not issued_for.strip():
            raise CadastreError("Say whom the extract is issued for",
                                hint="--for 'Nguyễn Văn A' or --for the application's receipt.")
        with work() as cur:
            parcel_id = current_parcel_id(cur, ref)
            record, pdf = issue_record(cur.connection, parcel_id, issued_for=issued_for)
    output.write_bytes(pdf)
    console.print(f"Extract {record['code']} of {record['content']['ref']} written to {output}")
    console.print(f"Content SHA-256: {record['content_sha256']}", highlight=False)
    console.print(f"Verify at: {record['verify_url']}", highlight=False)


def _read_record(path: Path) -> dict[str, Any]:
    """An issued extract's record from a JSON file, with a clear error if it is not one."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CadastreError(f"{path}: not a JSON record ({exc})",
                            hint="Pass the JSON cadastre.issue_extract answered.") from exc
    missing = [key for key in ("code", "verify_url", "content", "content_sha256", "layout",
                               "issued_at") if not isinstance(record, dict) or key not in record]
    if missing:
        raise CadastreError(f"{path}: not an extract record (missing {', '.join(missing)})",
                            hint="Pass the JSON cadastre.issue_extract answered.")
    return record
