"""The pieces of the online services that need no server: the forms' CSRF tokens and the
document stream (whatever the chunking, the same bytes, hash and type reach the disk; a
refusal leaves nothing behind)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadastre.applications import csrf
from cadastre.applications.uploads import Limits, UploadRefused, receive_form, sniff

BOUNDARY = "----cadastre-test-boundary"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n" + b"x" * 3000


def body(fields: list[tuple[str, str]], files: list[tuple[str, bytes]]) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields]
    parts += [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; '
              f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
              + content + b"\r\n" for name, content in files]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


async def chunked(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


LIMITS = Limits(4096, 3)


def receive(data: bytes, folder: Path, size: int = 65536, token_ok=lambda t: t == "ok",
            limits: Limits = LIMITS):
    return asyncio.run(receive_form(chunked(data, size), f"multipart/form-data; "
                                    f"boundary={BOUNDARY}", len(data), folder, limits, token_ok))


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_token_belongs_to_its_cookie_and_key_only(tmp_path: Path) -> None:
    key = csrf.load_key(tmp_path)
    assert csrf.load_key(tmp_path) == key  # kept: every worker and restart shares it
    assert (tmp_path / csrf.KEY_FILE).stat().st_mode & 0o077 == 0
    cookie = csrf.new_cookie()
    token = csrf.token_for(key, cookie)
    assert csrf.valid(key, cookie, token)
    assert not csrf.valid(key, csrf.new_cookie(), token)  # another browser's cookie
    assert not csrf.valid(b"another key" * 4, cookie, token)
    assert not csrf.valid(key, cookie, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not csrf.valid(key, None, token) and not csrf.valid(key, cookie, None)


def test_the_type_is_read_from_the_content() -> None:
    assert sniff(PDF[:8]) == ("application/pdf", "pdf")
    assert sniff(PNG[:8]) == ("image/png", "png")
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JF") == ("image/jpeg", "jpg")
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # an executable, whatever its name
    assert sniff(b"<html><s") is None


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=1, max_value=700))
def test_any_chunking_stores_the_same_documents(tmp_path_factory, size: int) -> None:
    folder = tmp_path_factory.mktemp("uploads")
    form = receive(body([("csrf_token", "ok"), ("name", "Lê Văn Mua")],
                        [("hop-dong.pdf", PDF), ("so-do.png", PNG), ("", b"")]), folder, size)
    assert form.first("name") == "Lê Văn Mua"
    assert [(d.media_type, d.size_bytes) for d in form.documents] == [
        ("application/pdf", len(PDF)), ("image/png", len(PNG))]
    for document, content in zip(form.documents, (PDF, PNG), strict=True):
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert (folder / document.stored_as).read_bytes() == content
        assert "hop-dong" not in document.stored_as and "so-do" not in document.stored_as


@pytest.mark.parametrize(("fields", "files", "status", "key"), [
    ([("name", "x")], [("a.pdf", PDF)], 403, "csrf_refused"),  # no token before the document
    ([("csrf_token", "forged")], [("a.pdf", PDF)], 403, "csrf_refused"),
    ([("csrf_token", "ok")], [("a.pdf", PDF), ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 99)],
     415, "upload_wrong_type"),
    ([("csrf_token", "ok")], [("a.pdf", PDF + b"y" * 2000)], 413, "upload_too_large"),
    ([("csrf_token", "ok")], [("a.pdf", PDF)] * 4, 413, "upload_too_many"),
])
def test_a_refused_stream_leaves_nothing_on_disk(tmp_path: Path, fields, files, status,
                                                 key) -> None:
    with pytest.raises(UploadRefused) as refused:
        receive(body(fields, files), tmp_path, size=1000)
    assert (refused.value.status, refused.value.key) == (status, key)
    assert files_in(tmp_path) == []


def test_a_body_larger_than_the_limits_is_refused_before_it_is_read(tmp_path: Path) -> None:
    data = body([("csrf_token", "ok")], [("a.pdf", PDF)])
    limits = Limits(16, 1)
    with pytest.raises(UploadRefused) as refused:
        asyncio.run(receive_form(chunked(data, 100), f"multipart/form-data; boundary={BOUNDARY}",
                                 10 ** 9, tmp_path, limits, lambda t: True))
    assert refused.value.status == 413
    with pytest.raises(UploadRefused) as refused:
        asyncio.run(receive_form(chunked(data, 100), "application/x-www-form-urlencoded",
                                 len(data), tmp_path, limits, lambda t: True))
    assert refused.value.key == "upload_not_multipart"
