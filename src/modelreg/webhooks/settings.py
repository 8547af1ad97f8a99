"""How deliveries are timed: polling, request timeout, retries with backoff, giving up."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["DeliverySettings"]


@dataclass(frozen=True)
class DeliverySettings:
    """The delivery workers' timing (seconds unless named otherwise).

    A failed attempt ``n`` (1-based) is retried after ``backoff * 2**(n-1)`` seconds, capped at
    ``max_backoff``, with "equal jitter" (a random point in the upper half of that wait) so
    retries of many deliveries spread out. A delivery is given up after ``max_attempts``
    attempts or when a failure happens ``max_age`` seconds after the change.
    """

    poll_interval: float = 0.5
    timeout: float = 10.0
    backoff: float = 1.0
    max_backoff: float = 600.0
    max_attempts: int = 50
    max_age: float = 24 * 3600.0
    #: Deliveries one worker sends at once (to different webhooks or models).
    concurrency: int = 8

    @property
    def lease_ms(self) -> int:
        """How long a claimed attempt stays claimed: past it, another worker may retry it."""
        return int((2 * self.timeout + 1) * 1000)

    def retry_delay_ms(self, attempt: int) -> int:
        """The wait before retrying after failed attempt number ``attempt``."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return int(1000 * ceiling * random.uniform(0.5, 1.0))

    def gives_up(self, attempt: int, age_ms: int) -> bool:
        """Whether a delivery whose attempt ``attempt`` failed ``age_ms`` after the change ends."""
        return attempt >= self.max_attempts or age_ms >= self.max_age * 1000
