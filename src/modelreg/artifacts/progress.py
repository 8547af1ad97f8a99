"""Progress reporting for transfers: ``on_progress(bytes_done, bytes_total)`` callbacks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

__all__ = ["ProgressCallback", "ProgressReader", "ProgressTracker", "Readable"]

#: Called with the bytes transferred so far and the bytes to transfer in all.
ProgressCallback = Callable[[int, int], None]


class Readable(Protocol):
    """A binary stream read in chunks: a file, ``io.BytesIO``, an HTTP response body."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end."""
        ...


class ProgressTracker:
    """Adds up transferred bytes (from any thread) and reports a non-decreasing count.

    Transfer libraries may report negative amounts when they retry a part; the count
    reported to the callback never goes back and never passes ``total``.
    """

    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total = total
        self._callback = callback
        self._done = 0
        self._reported = 0
        self._lock = threading.Lock()
        if callback is not None:
            callback(0, total)

    def advance(self, amount: int) -> None:
        """Count ``amount`` more bytes (negative when a transfer rewinds)."""
        if self._callback is None:
            return
        with self._lock:
            self._done = max(0, self._done + amount)
            done = min(self._done, self.total)
            if done > self._reported:
                self._reported = done
                self._callback(done, self.total)


class ProgressReader:
    """Wraps a stream and calls ``advance(len(chunk))`` for every chunk read from it."""

    def __init__(self, stream: Readable, advance: Callable[[int], None]) -> None:
        self._stream = stream
        self._advance = advance

    def read(self, size: int = -1, /) -> bytes:
        """Read from the wrapped stream and count what was read."""
        chunk = self._stream.read(size)
        self._advance(len(chunk))
        return chunk
