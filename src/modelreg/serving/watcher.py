"""The registry watcher: loads the served models, then follows stages and aliases that move.

One background thread loads every holder's first version, then every ``poll_interval``
seconds asks the registry which version each stage or alias URI names (one small query per
URI). When that changed, it loads the new version beside the current one and swaps it in;
requests keep being answered by the old version until the swap. A rollback to the version
just replaced is a swap back, without reloading. A version that fails to load is retried
with a growing delay while the current one keeps serving; a registry that cannot be reached
changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from modelreg.entities import ModelVersion
from modelreg.serving.holder import ModelHolder
from modelreg.serving.metrics import Metrics

__all__ = ["RegistryWatcher"]

logger = logging.getLogger(__name__)

#: How often a model that never loaded is retried when the registry is not followed.
RETRY_INTERVAL = 5.0
MAX_BACKOFF = 300.0


@dataclass
class _Failure:
    version: int | None
    attempts: int
    retry_at: float


class RegistryWatcher:
    """Loads and follows the versions of ``holders``."""

    def __init__(
        self, holders: list[ModelHolder], metrics: Metrics, *, poll_interval: float
    ) -> None:
        self.holders = holders
        self.metrics = metrics
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures: dict[int, _Failure] = {}

    def start(self, *, loaded: bool = False) -> None:
        """Load the models (unless ``loaded``: :meth:`poll_once` already ran) and follow the
        registry in the background."""
        self._thread = threading.Thread(
            target=self._run, args=(loaded,), name="registry-watcher", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop following (a load in progress finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _run(self, loaded: bool) -> None:
        if not loaded:
            self.poll_once()
        interval = self.poll_interval or RETRY_INTERVAL
        while not self._stop.wait(interval):
            self.poll_once()

    def poll_once(self) -> None:
        """Load what is missing and follow what moved, once."""
        for holder in self.holders:
            if self._stop.is_set():
                return
            if holder.current is None or (self.poll_interval and holder.source.follows):
                self._refresh(holder)

    def _refresh(self, holder: ModelHolder) -> None:
        try:
            version = holder.source.current_version()
        except Exception as error:
            self.metrics.poll("failed")
            logger.warning("cannot resolve %s: %s", holder.uri, error)
            if holder.current is None:
                holder.failed(f"Cannot resolve {holder.uri}: {error}")
            return
        number = None if version is None else int(version.version)
        current = holder.current
        if current is not None and current.version == number:
            self.metrics.poll("unchanged")
            self._failures.pop(id(holder), None)
            return
        if current is not None:
            self.metrics.poll("changed")
        previous = holder.previous
        if previous is not None and previous.version == number and number is not None:
            holder.swap(previous)
            self.metrics.load(holder.name, holder.variant, "rolled_back")
            logger.info("%s: back to version %s (already loaded)", holder.uri, number)
            return
        self._load(holder, version, number)

    def _load(self, holder: ModelHolder, version: ModelVersion | None, number: int | None) -> None:
        failure = self._failures.get(id(holder))
        if (
            failure is not None
            and failure.version == number
            and time.monotonic() < failure.retry_at
        ):
            return
        try:
            loaded = holder.source.load(version)
        except Exception as error:
            attempts = failure.attempts + 1 if failure and failure.version == number else 1
            delay = min(MAX_BACKOFF, (self.poll_interval or RETRY_INTERVAL) * 2**attempts)
            self._failures[id(holder)] = _Failure(number, attempts, time.monotonic() + delay)
            self.metrics.load(holder.name, holder.variant, "failed")
            label = f"version {number}" if number is not None else holder.uri
            logger.error("cannot load %s of %s: %s", label, holder.name, error)
            holder.failed(f"Cannot load {label} of {holder.uri}: {error}")
            return
        self._failures.pop(id(holder), None)
        replaced = holder.swap(loaded)
        self.metrics.load(holder.name, holder.variant, "loaded")
        if replaced is not None:
            logger.info("%s: version %s replaced version %s", holder.uri, number, replaced.version)
