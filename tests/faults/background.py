"""Calls run in a background thread while a test breaks something under them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class InThread(Generic[T]):
    """``call`` running in a thread; ``outcome()`` is its result or the exception it raised."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._outcome: list[T | Exception] = []
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._outcome.append(call())
        except Exception as error:
            self._outcome.append(error)

    def outcome(self, timeout: float = 60) -> T | Exception:
        """Wait for the call to end (failing the test after ``timeout`` s: a hang)."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"still running after {timeout} s"
        return self._outcome[0]
