"""The registry server's Prometheus metrics, one registry per app (each worker counts its own).

Request counts and latencies are observed by :class:`~.request_log.RequestLog`; the webhook
outbox backlog is read from the database when ``/metrics`` is scraped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "ServerMetrics"]

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class _Gauges(Collector):
    """Gauges read at scrape time from callables (the outbox backlog...)."""

    def __init__(self, gauges: dict[str, tuple[str, Callable[[], float]]]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        for name, (documentation, read) in self.gauges.items():
            try:
                value = read()
            except Exception:  # a scrape must not fail because the database is away
                logger.warning("cannot read metric %s", name, exc_info=True)
                value = math.nan
            yield GaugeMetricFamily(name, documentation, value=value)


class ServerMetrics:
    """Requests by route and status, their latency, and gauges read when scraped."""

    def __init__(self, gauges: dict[str, tuple[str, Callable[[], float]]] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "modelreg_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "modelreg_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        if gauges:
            self.registry.register(_Gauges(gauges))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
