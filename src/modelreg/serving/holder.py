"""The model holder: which loaded version of a served URI answers requests now.

A request (or a batch) reads :attr:`ModelHolder.current` once and uses that version to the
end, so a swap never shows a request half of one version and half of another, and a version
is published only once completely loaded. The version swapped out is kept, so a rollback to
it is a swap back rather than a reload.
"""

from __future__ import annotations

import threading
from enum import StrEnum

from modelreg.serving.loading import LoadedModel, ModelSource

__all__ = ["HolderStatus", "ModelHolder"]


class HolderStatus(StrEnum):
    """Where a holder is: loading its first version, serving one, or unable to load any."""

    LOADING = "LOADING"
    READY = "READY"
    FAILED = "FAILED"


class ModelHolder:
    """The current version of one served URI (the main one, or a canary).

    Args:
        source: where its versions come from.
        variant: ``"primary"`` or ``"canary"``.
        percent: the share of requests a canary answers.
    """

    def __init__(self, source: ModelSource, *, variant: str = "primary", percent: float = 0.0):
        self.source = source
        self.variant = variant
        self.percent = percent
        self._current: LoadedModel | None = None
        self._previous: LoadedModel | None = None
        self._lock = threading.Lock()
        self.status = HolderStatus.LOADING
        self.error: str | None = None
        self.swaps = 0

    @property
    def name(self) -> str:
        """The name the model is served under."""
        return self.source.spec.name

    @property
    def uri(self) -> str:
        """The URI as given on the command line."""
        return self.source.spec.uri

    @property
    def current(self) -> LoadedModel | None:
        """The version answering requests now (None until the first one is loaded)."""
        return self._current

    @property
    def previous(self) -> LoadedModel | None:
        """The version answering before the last swap, kept for a quick rollback."""
        return self._previous

    def swap(self, loaded: LoadedModel) -> LoadedModel | None:
        """Publish ``loaded`` (fully loaded) as the current version; returns the one replaced."""
        with self._lock:
            replaced = self._current
            self._current = loaded
            if replaced is not None and replaced is not loaded:
                self._previous = replaced
                self.swaps += 1
            self.status = HolderStatus.READY
            self.error = None
            return replaced

    def failed(self, error: str) -> None:
        """Record that loading failed; a holder with a version keeps serving it."""
        with self._lock:
            self.error = error
            if self._current is None:
                self.status = HolderStatus.FAILED
