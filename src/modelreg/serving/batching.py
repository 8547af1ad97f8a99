"""One thread per served model that predicts its requests, together when that is safe.

Requests queue while the model is busy; when it is free, the thread takes everything queued
(up to ``max_batch_rows`` rows). Requests whose :class:`~modelreg.serving.tables.Table` fits
the signature without conversion doubt are joined and predicted in one call, and the output
is cut back per request; if that call fails, each request is predicted alone so it gets its
own answer. An idle server predicts a request at once; a busy one waits up to 2 ms for the
clients it just answered to come back, so batches stay full.

Batching is for models that predict row by row (scikit-learn's); a row's prediction in a
batch can differ from its prediction alone by floating-point rounding (BLAS may sum in
another order). ``--no-batching`` turns it off.

A batch reads the holder's current version once, so all its requests are answered by (and
report) the same version, even while another one is being swapped in.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from modelreg.serving.errors import ModelCrashed, ModelNotReady, PredictionTimeout, ScoringError
from modelreg.serving.holder import ModelHolder
from modelreg.serving.inputs import ModelInput
from modelreg.serving.loading import LoadedModel
from modelreg.serving.metrics import Metrics
from modelreg.serving.outputs import split_output
from modelreg.serving.scoring import predict_one
from modelreg.serving.tables import join_tables, table_fits

__all__ = ["Outcome", "Predictor"]

logger = logging.getLogger(__name__)

Encoder = Callable[[Any, LoadedModel], bytes]

#: How long a busy predictor waits for more requests before predicting a batch.
LINGER_SECONDS = 0.002


@dataclass(frozen=True)
class Outcome:
    """How a request was answered: the response body, or the error; and by which version."""

    loaded: LoadedModel | None
    body: bytes = b""
    error: ScoringError | None = None


@dataclass(eq=False)
class _Job:
    request: ModelInput
    encode: Encoder
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Outcome]
    abandoned: bool = field(default=False)

    def settle(self, outcome: Outcome) -> None:
        self.loop.call_soon_threadsafe(_set_result, self.future, outcome)


def _set_result(future: asyncio.Future[Outcome], outcome: Outcome) -> None:
    if not future.done():
        future.set_result(outcome)


class Predictor:
    """The prediction thread of one holder."""

    def __init__(self, holder: ModelHolder, metrics: Metrics, *, max_batch_rows: int) -> None:
        self.holder = holder
        self.metrics = metrics
        self.max_batch_rows = max_batch_rows
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(
            target=self._run, name=f"predict-{self.holder.name}-{self.holder.variant}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Finish the queued requests, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    async def predict(self, request: ModelInput, encode: Encoder, timeout: float) -> Outcome:
        """The outcome of ``request``, with the body written by ``encode(output, version)``.

        Raises:
            PredictionTimeout: no answer within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        job = _Job(request, encode, loop, loop.create_future())
        self._queue.put(job)
        try:
            async with asyncio.timeout(timeout):
                return await job.future
        except TimeoutError:
            job.abandoned = True
            raise PredictionTimeout(
                f"The model did not answer within {timeout:g} seconds (--timeout)."
            ) from None

    # -- the thread ------------------------------------------------------------------

    def _run(self) -> None:
        last_batch = 1
        while True:
            job = self._queue.get()
            if job is None:
                return
            current = self.holder.current
            batching = current is not None and current.batching
            jobs, stopping = self._gather(job, expected=last_batch if batching else 1)
            last_batch = len(jobs)
            self._answer([job for job in jobs if not job.abandoned])
            if stopping:
                return

    def _gather(self, first: _Job, *, expected: int) -> tuple[list[_Job], bool]:
        """``first`` and the jobs queued behind it (returns the jobs, and whether to stop).

        Under concurrent load (the last call answered ``expected`` > 1 requests), wait up to
        ``LINGER_SECONDS`` for that many: the clients just answered are sending their next
        requests, and waiting for them keeps batches full instead of splitting the clients
        into alternating halves. An idle server never waits.
        """
        jobs, rows = [first], first.request.rows
        deadline = time.monotonic() + LINGER_SECONDS
        while rows < self.max_batch_rows:
            remaining = deadline - time.monotonic() if len(jobs) < expected else 0.0
            try:
                if remaining > 0:
                    more = self._queue.get(timeout=remaining)
                else:
                    more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return jobs, True
            jobs.append(more)
            rows += more.request.rows
        return jobs, False

    def _answer(self, jobs: list[_Job]) -> None:
        loaded = self.holder.current
        if loaded is None:
            error = ModelNotReady(f"Model '{self.holder.name}' is not loaded yet.")
            for job in jobs:
                job.settle(Outcome(None, error=error))
            return
        together: list[_Job] = []
        alone: list[_Job] = []
        for job in jobs:
            request = job.request
            if (
                loaded.batching
                and len(jobs) > 1
                and request.table is not None
                and not request.params
                and loaded.batch_types is not None
                and table_fits(request.table, loaded.batch_types)
            ):
                together.append(job)
            else:
                alone.append(job)
        if len(together) > 1:
            alone += self._predict_together(loaded, together)
        else:
            alone += together
        for job in alone:
            self._predict_alone(loaded, job)

    def _predict_together(self, loaded: LoadedModel, jobs: list[_Job]) -> list[_Job]:
        """Predict ``jobs`` in one call; returns those left to predict alone."""
        assert loaded.batch_types is not None
        tables = [job.request.table for job in jobs if job.request.table is not None]
        try:
            output = loaded.model.predict(join_tables(tables, loaded.batch_types))
        except Exception:
            # One request's values upset the model: let each get its own answer.
            return jobs
        pieces = split_output(output, [table.rows for table in tables])
        if pieces is None:
            logger.warning(
                "model %s does not return one prediction per row: not batching it", loaded.name
            )
            loaded.batching = False
            return jobs
        self.metrics.batch(loaded.name, len(jobs))
        for job, piece in zip(jobs, pieces, strict=True):
            job.settle(self._encoded(job, piece, loaded))
        return []

    def _predict_alone(self, loaded: LoadedModel, job: _Job) -> None:
        try:
            output = predict_one(loaded, job.request)
        except ScoringError as error:
            job.settle(Outcome(loaded, error=error))
            return
        self.metrics.batch(loaded.name, 1)
        job.settle(self._encoded(job, output, loaded))

    @staticmethod
    def _encoded(job: _Job, output: Any, loaded: LoadedModel) -> Outcome:
        try:
            return Outcome(loaded, job.encode(output, loaded))
        except ScoringError as error:
            return Outcome(loaded, error=error)
        except Exception as error:
            logger.error("model %s: output not encodable", loaded.name, exc_info=error)
            message = (
                f"The model's output cannot be written as JSON: {type(error).__name__}: {error}"
            )
            return Outcome(loaded, error=ModelCrashed(message))
