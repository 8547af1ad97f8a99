"""Jinja filters: how times, sizes and durations read on the pages."""

from __future__ import annotations

import datetime as dt

__all__ = ["duration", "file_size", "iso_time", "short_time"]


def _utc(millis: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)


def short_time(millis: int | None) -> str:
    """``2026-11-28 03:00:03 UTC`` (``—`` when unknown)."""
    if millis is None:
        return "—"
    return _utc(millis).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_time(millis: int | None) -> str:
    """The ISO 8601 form, for ``<time datetime=...>``."""
    if millis is None:
        return ""
    return _utc(millis).isoformat(timespec="milliseconds")


def duration(start: int | None, end: int | None) -> str:
    """``1 h 02 min``, ``3.2 s``... (``—`` while running)."""
    if start is None or end is None:
        return "—"
    seconds = max(end - start, 0) / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def file_size(size: int | None) -> str:
    """``1.2 MB``, ``512 B`` (``—`` for folders)."""
    if size is None:
        return "—"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
