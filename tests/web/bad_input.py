"""Malformed values every route must refuse with a 4xx naming the problem, never a 500."""

INJECTIONS = (
    "'; DROP TABLE cadastre.parcel; --",
    "1 OR 1=1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "ʕ•ᴥ•ʔ\u202e\U0001f4a5",
    "A" * 500,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
)
