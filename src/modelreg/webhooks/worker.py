"""The delivery worker: a background thread that claims due deliveries, sends them, and logs.

Every server process runs one. Claims are safe across processes sharing a database (see
``SqlWebhookStore.claim``), each claim is for one attempt under a lease, and the outcome of
every attempt is written back: delivered (2xx), retried later with backoff, or given up. A
worker killed mid-attempt leaves a claim whose lease runs out, so another retries it: delivery
is at least once, never zero times.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from modelreg.clock import Clock, system_clock
from modelreg.store.sql.webhooks_store import SqlWebhookStore
from modelreg.webhooks.entities import ClaimedDelivery, DeliveryAttempt, DeliveryStatus
from modelreg.webhooks.sending import http_client, post
from modelreg.webhooks.settings import DeliverySettings

if TYPE_CHECKING:
    import httpx

__all__ = ["DeliveryWorker", "running_worker"]

logger = logging.getLogger(__name__)


class DeliveryWorker:
    """Sends the outbox's due deliveries until stopped, ``settings.concurrency`` at a time."""

    def __init__(
        self,
        store: SqlWebhookStore,
        settings: DeliverySettings | None = None,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self.store = store
        self.settings = settings or DeliverySettings()
        self.clock = clock
        self._stopping = threading.Event()
        # Set when an attempt ends (the model's next delivery may be due) or on stop.
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._thread = threading.Thread(target=self._run, name="webhook-deliveries", daemon=True)

    def start(self) -> None:
        """Start polling in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for the attempts under way (at most a request timeout)."""
        self._stopping.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        # The HTTP client (and httpx) is made for the first delivery; it closes after the
        # pool has finished the deliveries in flight.
        with (
            contextlib.ExitStack() as closing,
            ThreadPoolExecutor(self.settings.concurrency, "webhook-send") as pool,
        ):
            client: httpx.Client | None = None
            while not self._stopping.is_set():
                try:
                    claimed = self._claim()
                except Exception:  # the database may be down for a while: keep polling
                    logger.exception("could not claim webhook deliveries")
                    claimed = []
                if claimed:
                    client = client or closing.enter_context(http_client(self.settings))
                    for delivery in claimed:
                        pool.submit(self._deliver, client, delivery)
                else:
                    self._wake.wait(self.settings.poll_interval)
                    self._wake.clear()

    def _claim(self) -> list[ClaimedDelivery]:
        with self._lock:
            free = self.settings.concurrency - self._in_flight
        if free <= 0:
            return []
        now = self.clock()
        if not self.store.any_due(now):
            return []
        claimed = self.store.claim(now, free, self.settings.lease_ms)
        with self._lock:
            self._in_flight += len(claimed)
        return claimed

    def _deliver(self, client: httpx.Client, delivery: ClaimedDelivery) -> None:
        try:
            attempt = post(
                client,
                url=delivery.url,
                secret=delivery.secret,
                delivery_id=delivery.delivery_id,
                body=delivery.body,
                attempt=delivery.attempt,
                clock=self.clock,
            )
            self._finish(delivery, attempt)
        except Exception:  # the lease runs out and another attempt follows
            logger.exception("webhook delivery %s failed unexpectedly", delivery.delivery_id)
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake.set()

    def _finish(self, delivery: ClaimedDelivery, attempt: DeliveryAttempt) -> None:
        """Write the attempt back with what follows: done, a retry later, or giving up."""
        now = attempt.timestamp + attempt.duration_ms
        what = f"webhook delivery {delivery.delivery_id} (webhook {delivery.webhook_id})"
        status, next_time = DeliveryStatus.PENDING, now
        if attempt.succeeded:
            status = DeliveryStatus.DELIVERED
            logger.info("%s delivered on attempt %d", what, attempt.attempt)
        elif self.settings.gives_up(attempt.attempt, now - delivery.created_timestamp):
            status = DeliveryStatus.FAILED
            logger.error("%s given up after attempt %d: %s", what, attempt.attempt, _why(attempt))
        else:
            next_time = now + self.settings.retry_delay_ms(attempt.attempt)
            logger.warning(
                "%s attempt %d failed (%s); retrying in %.1f s",
                what,
                attempt.attempt,
                _why(attempt),
                (next_time - now) / 1000,
            )
        self.store.finish_attempt(delivery, attempt, status, next_time)


def _why(attempt: DeliveryAttempt) -> str:
    return attempt.error or f"HTTP {attempt.response_status}"


@contextmanager
def running_worker(
    store: SqlWebhookStore, settings: DeliverySettings | None = None
) -> Iterator[DeliveryWorker]:
    """A started worker, stopped when the block ends."""
    worker = DeliveryWorker(store, settings)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
