"""The cadastral information extract (trích lục thửa đất / bản đồ địa chính) as a PDF.

- `issue_extract(conn, parcel_id, issued_for=…) -> (code, pdf_bytes)`: record an extract in the
  register (cadastre.issue_extract) and draw it. What an approved online application calls to
  deliver its result; the CLI (`cadastre extract`) calls it for the officer at the desk.
- `render_extract(record) -> bytes`: the pure layout (cadastre/extract/layout.py).
- `check_copy(record, sha256) -> Verdict`: whether a copy's SHA-256 is the extract's own.

docs/extract.md says what the extract holds, how it is verified and why ReportLab.
"""

from cadastre.extract.issue import issue_extract, issue_record
from cadastre.extract.layout import LAYOUT_VERSION, render_extract
from cadastre.extract.verify import Verdict, check_copy, sha256_hex

__all__ = ["LAYOUT_VERSION", "Verdict", "check_copy", "issue_extract", "issue_record",
           "render_extract", "sha256_hex"]
