"""The register's clock (owner only): history written as of a chosen instant."""

from __future__ import annotations

from cadastre.register.binding.call import Cursor, Instant


def set_clock(cur: Cursor, *, at: Instant) -> None:
    """cadastre.set_clock: the rest of this transaction is recorded at `at` (loading history)."""
    cur.execute("SELECT cadastre.set_clock(p_at => %(at)s)", {"at": at})
