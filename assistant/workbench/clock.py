"""UTC timestamps as fixed-format ISO 8601 strings.

Stored as text (not a database datetime) so the value read back is byte-for-byte the value
written on both SQLite and PostgreSQL: the audit trail's hash chain depends on that.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """``2025-03-01T09:30:00.000000Z``: sortable as text, always UTC."""
    return dt.astimezone(UTC).strftime(_FMT)


def now_iso() -> str:
    return iso(utcnow())


def parse_iso(s: str) -> datetime:
    return datetime.strptime(s, _FMT).replace(tzinfo=UTC)


def iso_in(**delta: float) -> str:
    """The time ``delta`` from now (e.g. ``minutes=30``), as ISO text."""
    return iso(utcnow() + timedelta(**delta))
