"""Documents attached to an application, received as a stream.

The multipart body is parsed as it arrives (python-multipart's push parser): each document
is written straight to disk under the upload folder while its SHA-256 is computed, with its
size and the count of documents capped, so no upload is ever held in memory. Its type is
read from its first bytes (PDF, JPEG, PNG), never from its name or the browser's claim; the
citizen's file name is not kept (documents are stored as YEAR/RANDOM.ext). The form's CSRF
token must arrive before the first document: a forged request is refused before anything is
written. On any refusal every file written for the request is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

# Magic bytes of the accepted types → (media type, extension).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
SNIFF_BYTES = 8
MAX_FIELD_BYTES = 4096
MAX_FIELDS = 40


class UploadRefused(Exception):  # noqa: N818 (a refusal, worded for the citizen)
    """The request is refused; `key` is the message of cadastre.web.i18n, `status` the HTTP
    status, `values` fill the message."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


def sniff(head: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a document from its first bytes, or None."""
    for magic, media_type, extension in SIGNATURES:
        if head.startswith(magic):
            return media_type, extension
    return None


@dataclass(frozen=True)
class Limits:
    """How much one application may bring."""

    max_file_bytes: int
    max_files: int

    @property
    def max_body_bytes(self) -> int:
        """The largest request body that can be within the limits (documents plus fields)."""
        return self.max_files * (self.max_file_bytes + 1024) + MAX_FIELDS * (MAX_FIELD_BYTES + 512)


@dataclass
class StoredDocument:
    """A document written to disk: what the register records of it."""

    media_type: str
    size_bytes: int
    sha256: str
    stored_as: str  # relative to the upload folder

    def as_json(self) -> dict[str, object]:
        """The row online.submit_application takes."""
        return {"media_type": self.media_type, "size_bytes": self.size_bytes,
                "sha256": self.sha256, "stored_as": self.stored_as}


@dataclass
class ParsedForm:
    """The fields (every value, in order) and the documents of one application form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    documents: list[StoredDocument] = field(default_factory=list)

    def first(self, name: str) -> str:
        """A field's first value ('' when absent)."""
        return (self.fields.get(name) or [""])[0]


@dataclass
class _Part:
    name: str = ""
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)
    out: IO[bytes] | None = None
    path: Path | None = None
    relative: str = ""
    size: int = 0
    digest: hashlib._Hash | None = None
    kind: tuple[str, str] | None = None


class _Receiver:
    """python-multipart callbacks that build a ParsedForm and write documents to `folder`."""

    def __init__(self, folder: Path, limits: Limits,
                 token_ok: Callable[[str | None], bool]) -> None:
        self.folder = folder
        self.limits = limits
        self.token_ok = token_ok
        self.form = ParsedForm()
        self.written: list[Path] = []
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, bytes] = {}
        self.field_count = 0

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.part = _Part()
        self.headers = {}

    def header_end(self) -> None:
        self.headers[bytes(self.header_field).decode("latin-1").lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get("content-disposition", b""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        self.part.is_file = b"filename" in options
        if not self.part.is_file:
            self.field_count += 1
            if self.field_count > MAX_FIELDS:
                raise UploadRefused(413, "upload_too_many_fields")
            return
        # A document: only after the form's token proved the request came from our page.
        if not self.token_ok(self.form.first("csrf_token") or None):
            raise UploadRefused(403, "csrf_refused")
        self.part.digest = hashlib.sha256()

    def _open(self) -> None:
        if len(self.form.documents) >= self.limits.max_files:
            raise UploadRefused(413, "upload_too_many", count=self.limits.max_files)
        assert self.part.kind is not None
        year = f"{dt.date.today().year:04d}"
        (self.folder / year).mkdir(exist_ok=True, mode=0o700)
        self.part.relative = f"{year}/{uuid.uuid4().hex}.{self.part.kind[1]}"
        self.part.path = self.folder / self.part.relative
        self.part.out = self.part.path.open("xb")
        self.written.append(self.part.path)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        part = self.part
        if not part.is_file:
            if len(part.data) + len(chunk) > MAX_FIELD_BYTES:
                raise UploadRefused(413, "upload_field_too_long", field=part.name[:40])
            part.data.extend(chunk)
            return
        part.size += len(chunk)
        if part.size > self.limits.max_file_bytes:
            raise UploadRefused(413, "upload_too_large",
                                megabytes=round(self.limits.max_file_bytes / 1048576, 1))
        if part.out is None:  # the first bytes: hold them until the type can be read
            part.data.extend(chunk)
            if len(part.data) < SNIFF_BYTES:
                return
            self._start_file()
            return
        assert part.digest is not None
        part.digest.update(chunk)
        part.out.write(chunk)

    def _start_file(self) -> None:
        part = self.part
        part.kind = sniff(bytes(part.data[:SNIFF_BYTES]))
        if part.kind is None:
            raise UploadRefused(415, "upload_wrong_type", position=len(self.form.documents) + 1)
        self._open()
        assert part.out is not None and part.digest is not None
        part.digest.update(part.data)
        part.out.write(part.data)
        part.data = bytearray()

    def part_end(self) -> None:
        part = self.part
        if not part.is_file:
            try:
                value = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise UploadRefused(422, "upload_field_encoding", field=part.name[:40]) from None
            self.form.fields.setdefault(part.name, []).append(value)
            return
        if part.size == 0:  # a file input left empty
            return
        if part.out is None:  # shorter than the sniffed head
            self._start_file()
        assert part.out is not None and part.digest is not None and part.kind is not None
        part.out.close()
        self.form.documents.append(StoredDocument(part.kind[0], part.size,
                                                  part.digest.hexdigest(), part.relative))

    def discard(self) -> None:
        """Remove every file written for this request."""
        if self.part.out is not None and not self.part.out.closed:
            self.part.out.close()
        for path in self.written:
            path.unlink(missing_ok=True)


def boundary_of(content_type: str) -> bytes:
    """The multipart boundary of a Content-Type, or a 415 refusal."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused(415, "upload_not_multipart")
    return boundary


async def receive_form(chunks: AsyncIterator[bytes], content_type: str, content_length: int | None,
                       folder: Path, limits: Limits,
                       token_ok: Callable[[str | None], bool]) -> ParsedForm:
    """Parse an application form from the request's body as it streams in, writing its
    documents under `folder`. Raises UploadRefused (nothing left on disk) when the request
    is forged, too large, has too many documents or one of another type."""
    boundary = boundary_of(content_type)
    if content_length is not None and content_length > limits.max_body_bytes:
        raise UploadRefused(413, "upload_too_large",
                            megabytes=round(limits.max_file_bytes / 1048576, 1))
    receiver = _Receiver(folder, limits, token_ok)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limits.max_body_bytes:
                raise UploadRefused(413, "upload_too_large",
                                    megabytes=round(limits.max_file_bytes / 1048576, 1))
            parser.write(chunk)
        parser.finalize()
        if not token_ok(receiver.form.first("csrf_token") or None):
            raise UploadRefused(403, "csrf_refused")
    except UploadRefused:
        receiver.discard()
        raise
    except Exception as exc:  # a malformed body (python-multipart's own errors)
        receiver.discard()
        raise UploadRefused(400, "upload_malformed") from exc
    return receiver.form


def discard(folder: Path, documents: list[StoredDocument]) -> None:
    """Remove stored documents (the register refused the application they came with)."""
    for document in documents:
        (folder / document.stored_as).unlink(missing_ok=True)
