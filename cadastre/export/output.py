"""Where an export or a statistics table goes: checked before any work starts (pure, files only).

An output must be a file (not a folder) in a folder one can write in; an existing file is kept
unless the caller says to overwrite it, and a read-only (locked) file is never replaced. The
check tries for real (a probe file beside the output), because permission bits do not tell
everything (read-only mounts, /sys, ACLs); a folder or file whose bits say read-only is refused
even to root, who could write there anyway, since its owner marked it so.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cadastre.errors import CadastreError


def check_outputs(paths: Sequence[Path], overwrite: bool, option: str = "") -> None:
    """Refuse, with one message and a hint, outputs that cannot or must not be written."""
    what = f"{option} " if option else ""
    for path in paths:
        _check_folder(path, what)
        _check_target(path, what, overwrite)


def _check_folder(path: Path, what: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise CadastreError(f"{what}{path}: the folder {folder} does not exist",
                            hint="Create the folder first, or write somewhere else.")
    if not folder.stat().st_mode & 0o222:
        _cannot_write(path, what, "it is read-only")
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.probe-", dir=folder)
    except OSError as exc:
        _cannot_write(path, what, exc.strerror or str(exc))
    os.close(handle)
    os.unlink(probe)


def _cannot_write(path: Path, what: str, reason: str) -> None:
    raise CadastreError(f"{what}{path}: cannot write in the folder {path.parent} ({reason})",
                        hint="Choose a folder you can write in (e.g. your home folder).")


def _check_target(path: Path, what: str, overwrite: bool) -> None:
    if path.is_dir():
        raise CadastreError(f"{what}{path}: is a folder, not a file",
                            hint=f"Give a file name, e.g. {path / path.name}.")
    if not path.exists():
        return
    if not overwrite:
        raise CadastreError(f"{what}{path}: the file already exists",
                            hint="Add --overwrite to replace it, or choose another name.")
    if not stat.S_ISREG(path.stat().st_mode) or not _writable(path):
        raise CadastreError(f"{what}{path}: the file is read-only or locked",
                            hint="Close it in the program that holds it or make it writable "
                            "(chmod u+w), or choose another name.")


def _writable(path: Path) -> bool:
    if not path.stat().st_mode & 0o222:
        return False
    try:
        with path.open("ab"):
            return True
    except OSError:
        return False
