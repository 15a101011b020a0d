"""The project server's generated passwords, kept in one libpq password file.

`CADASTRE_HOME/secrets/pgpass` (folder 0700, file 0600, owned by the OS user running the CLI)
holds a random password for each role the project manages: the superuser, the CLI's
`cadastre_operator` and the web view's `cadastre_web`. The URLs the code builds name it with
libpq's `passfile=` parameter, so psql, pg_dump, psycopg2 and asyncpg log in without anyone
typing a password. Passwords reach the server only as SCRAM verifiers, never in clear text
(the server logs DDL, ALTER ROLE included).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SCRAM_ITERATIONS = 4096


def read_passwords(passfile: Path) -> dict[str, str]:
    """Role → password from a pgpass file (the first entry of each role); {} if missing."""
    if not passfile.is_file():
        return {}
    found: dict[str, str] = {}
    for line in passfile.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = _split_pgpass(line)
        if len(fields) == 5:
            found.setdefault(fields[3], fields[4])
    return found


def ensure_passwords(passfile: Path, roles: tuple[str, ...], hosts: tuple[str, ...],
                     port: int | tuple[int, ...]) -> dict[str, str]:
    """Every role's password, generating the missing ones; (re)writes the file 0600 with a
    line per host and port (the primary's, and its replicas')."""
    passwords = read_passwords(passfile)
    missing = [role for role in roles if role not in passwords]
    for role in missing:
        passwords[role] = secrets.token_urlsafe(32)
    _make_private_dir(passfile.parent)
    ports = (port,) if isinstance(port, int) else port
    lines = [
        f"{_escape(host)}:{each}:*:{_escape(role)}:{_escape(password)}"
        for role, password in passwords.items()
        for each in ports
        for host in hosts
    ]
    text = "# written by `cadastre db start`: passwords of the project server's roles\n"
    text += "\n".join(lines) + "\n"
    if missing or not passfile.is_file() or passfile.read_text(encoding="utf-8") != text:
        _write_private(passfile, text)
    return passwords


def scram_verifier(password: str, salt: bytes | None = None,
                   iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (as `\\password` sends)."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
            f"{b64(stored_key).decode()}:{b64(server_key).decode()}")


def verifier_matches(verifier: str | None, password: str) -> bool:
    """True when a stored SCRAM verifier was made from `password`."""
    if not verifier or not verifier.startswith("SCRAM-SHA-256$"):
        return False
    try:
        head, keys = verifier.split("$", 1)[1].split("$")
        iterations, salt = head.split(":")
        expected = scram_verifier(password, base64.b64decode(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(expected.split("$", 2)[2], keys)


def _make_private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


def _write_private(path: Path, text: str) -> None:
    """Write `text` to a new file created 0600, then move it over `path`."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _split_pgpass(line: str) -> list[str]:
    fields, current, escaped = [], "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ":":
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]
