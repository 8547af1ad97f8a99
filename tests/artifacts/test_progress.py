"""The progress tracker: totals up chunks from any thread, reports a count that never goes back."""

from __future__ import annotations

import io
import threading

from modelreg.artifacts.progress import ProgressReader, ProgressTracker


def test_reports_start_then_each_increase() -> None:
    calls: list[tuple[int, int]] = []
    tracker = ProgressTracker(10, lambda d, t: calls.append((d, t)))
    tracker.advance(4)
    tracker.advance(0)
    tracker.advance(6)
    assert calls == [(0, 10), (4, 10), (10, 10)]


def test_a_rewind_during_a_retry_is_not_reported_as_going_back() -> None:
    calls: list[tuple[int, int]] = []
    tracker = ProgressTracker(10, lambda d, t: calls.append((d, t)))
    tracker.advance(6)
    tracker.advance(-6)  # s3transfer rewinds a part it retries
    tracker.advance(6)
    tracker.advance(4)
    assert calls == [(0, 10), (6, 10), (10, 10)]


def test_the_count_never_passes_the_total() -> None:
    calls: list[tuple[int, int]] = []
    tracker = ProgressTracker(5, lambda d, t: calls.append((d, t)))
    tracker.advance(4)
    tracker.advance(4)  # the file grew while being sent
    tracker.advance(4)
    assert calls == [(0, 5), (4, 5), (5, 5)]


def test_advances_from_many_threads_add_up_and_stay_ordered() -> None:
    calls: list[int] = []
    tracker = ProgressTracker(8000, lambda d, t: calls.append(d))

    def work() -> None:
        for _ in range(1000):
            tracker.advance(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == list(range(8001))


def test_progress_reader_counts_what_is_read() -> None:
    calls: list[int] = []
    reader = ProgressReader(io.BytesIO(b"abcdef"), calls.append)
    assert reader.read(4) == b"abcd"
    assert reader.read(4) == b"ef"
    assert reader.read(4) == b""
    assert calls == [4, 2, 0]
