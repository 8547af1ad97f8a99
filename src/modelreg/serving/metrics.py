"""The scoring server's Prometheus metrics, kept in memory and written in the text format.

Requests, errors, latency and batch sizes are counted as they happen; the served versions,
readiness and load times are read from the holders when ``/metrics`` is scraped. Each worker
process counts its own requests (scrape them through the same port: any worker answers).
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from modelreg.serving.holder import HolderStatus, ModelHolder

__all__ = ["CONTENT_TYPE", "Metrics"]

#: The Content-Type of the Prometheus text exposition format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)

Labels = tuple[tuple[str, str], ...]


class _Histogram:
    def __init__(self, buckets: Sequence[float]) -> None:
        self.buckets = tuple(buckets)
        self.counts = [0] * (len(self.buckets) + 1)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.sum += value

    def lines(self, name: str, labels: Labels) -> Iterable[str]:
        cumulative = 0
        for bound, count in zip((*self.buckets, float("inf")), self.counts, strict=True):
            cumulative += count
            le = "+Inf" if bound == float("inf") else repr(bound)
            yield f"{name}_bucket{_labels((*labels, ('le', le)))} {cumulative}"
        yield f"{name}_sum{_labels(labels)} {self.sum!r}"
        yield f"{name}_count{_labels(labels)} {cumulative}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels) + "}"


class Metrics:
    """The counters and histograms of one server process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[Labels, int] = defaultdict(int)
        self._errors: dict[Labels, int] = defaultdict(int)
        self._rows: dict[Labels, int] = defaultdict(int)
        self._latency: dict[Labels, _Histogram] = {}
        self._batches: dict[Labels, _Histogram] = {}
        self._loads: dict[Labels, int] = defaultdict(int)
        self._polls: dict[Labels, int] = defaultdict(int)

    def request(
        self,
        *,
        model: str,
        protocol: str,
        status: int,
        seconds: float,
        version: str | None = None,
        rows: int = 0,
        error_class: str | None = None,
    ) -> None:
        """Count one scoring request and its latency."""
        name = (("model", model), ("protocol", protocol))
        with self._lock:
            self._requests[(*name, ("version", version or ""), ("status", str(status)))] += 1
            if error_class is not None:
                self._errors[(*name, ("error_class", error_class))] += 1
            if rows:
                self._rows[(("model", model),)] += rows
            histogram = self._latency.get(name)
            if histogram is None:
                histogram = self._latency[name] = _Histogram(LATENCY_BUCKETS)
            histogram.observe(seconds)

    def answered(
        self,
        *,
        model: str,
        protocol: str,
        status: int,
        started: float,
        headers: Mapping[str, str] | None,
        rows: int,
        error_class: str | None,
    ) -> None:
        """Count a finished request from what the handler has at hand (rows only on 200)."""
        self.request(
            model=model,
            protocol=protocol,
            status=status,
            seconds=time.perf_counter() - started,
            version=headers.get("X-Model-Version") if headers else None,
            rows=rows if status == 200 else 0,
            error_class=error_class,
        )

    def batch(self, model: str, requests: int) -> None:
        """Count one prediction call and how many requests it answered."""
        key = (("model", model),)
        with self._lock:
            histogram = self._batches.get(key)
            if histogram is None:
                histogram = self._batches[key] = _Histogram(BATCH_BUCKETS)
            histogram.observe(float(requests))

    def load(self, model: str, variant: str, outcome: str) -> None:
        """Count one attempt to load a version (``outcome``: loaded, failed, rolled_back)."""
        with self._lock:
            self._loads[(("model", model), ("variant", variant), ("outcome", outcome))] += 1

    def poll(self, outcome: str) -> None:
        """Count one look at the registry (``outcome``: unchanged, changed, failed)."""
        with self._lock:
            self._polls[(("outcome", outcome),)] += 1

    def render(self, holders: Sequence[ModelHolder]) -> str:
        """Everything, in the Prometheus text format."""
        with self._lock:
            lines = [
                *_family("modelreg_scoring_requests_total", "counter",
                         "Scoring requests by model, protocol, answering version and status.",
                         self._requests),
                *_family("modelreg_scoring_errors_total", "counter",
                         "Scoring requests answered with an error, by error class.",
                         self._errors),
                *_family("modelreg_scoring_rows_total", "counter",
                         "Input rows predicted.", self._rows),
                *_histograms("modelreg_scoring_request_duration_seconds",
                             "Time from reading the request to the response.", self._latency),
                *_histograms("modelreg_scoring_batch_requests",
                             "Requests answered by one prediction call.", self._batches),
                *_family("modelreg_model_loads_total", "counter",
                         "Attempts to load a model version, by outcome.", self._loads),
                *_family("modelreg_registry_polls_total", "counter",
                         "Looks at the registry for moved stages and aliases.", self._polls),
            ]  # fmt: skip
        lines += _holder_lines(holders)
        return "\n".join(lines) + "\n"


def _family(name: str, kind: str, help_text: str, values: dict[Labels, int]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{_labels(labels)} {value}" for labels, value in sorted(values.items())]
    return lines


def _histograms(name: str, help_text: str, values: dict[Labels, _Histogram]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} histogram"]
    for labels, histogram in sorted(values.items()):
        lines += histogram.lines(name, labels)
    return lines


def _holder_lines(holders: Sequence[ModelHolder]) -> list[str]:
    gauges: dict[str, tuple[str, list[str]]] = {
        "modelreg_model_version": ("The registered version answering (-1: unregistered).", []),
        "modelreg_model_ready": ("1 when a version of the model is loaded.", []),
        "modelreg_model_load_seconds": ("How long the current version took to load.", []),
        "modelreg_model_loaded_timestamp_seconds": ("When the current version was loaded.", []),
        "modelreg_model_swaps_total": ("Times another version replaced the current one.", []),
    }
    for holder in holders:
        labels = _labels((("model", holder.name), ("variant", holder.variant)))
        current = holder.current
        ready = int(holder.status == HolderStatus.READY)
        gauges["modelreg_model_ready"][1].append(f"modelreg_model_ready{labels} {ready}")
        gauges["modelreg_model_swaps_total"][1].append(
            f"modelreg_model_swaps_total{labels} {holder.swaps}"
        )
        if current is None:
            continue
        version = current.version if current.version is not None else -1
        uri_labels = _labels(
            (("model", holder.name), ("variant", holder.variant), ("uri", holder.uri))
        )
        gauges["modelreg_model_version"][1].append(f"modelreg_model_version{uri_labels} {version}")
        gauges["modelreg_model_load_seconds"][1].append(
            f"modelreg_model_load_seconds{labels} {current.load_seconds!r}"
        )
        gauges["modelreg_model_loaded_timestamp_seconds"][1].append(
            f"modelreg_model_loaded_timestamp_seconds{labels} {current.loaded_at!r}"
        )
    lines = []
    for name, (help_text, samples) in gauges.items():
        kind = "counter" if name.endswith("_total") else "gauge"
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]
    return lines
