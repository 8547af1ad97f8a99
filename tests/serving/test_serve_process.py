"""The real ``modelreg models serve`` process against a SQLite registry: a live promotion
and a rollback while a client sends requests continuously, with zero failed requests."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd
import pytest

from modelreg import Client
from modelreg.config import Settings
from tests.serving.conftest import V2_OFFSET, split_body
from tests.serving.processes import running

POLL_INTERVAL = 0.5
#: Time to notice the move (one poll interval) plus loading the version on a busy machine.
SWITCH_DEADLINE = POLL_INTERVAL + 15


@pytest.fixture
def server(unicorn: Client, registry_settings: Settings, tmp_path: Path) -> Iterator[str]:
    """``modelreg models serve -m models:/Unicorn/Production`` as a process."""
    env = {
        "MODELREG_TRACKING_URI": registry_settings.tracking_uri,
        "MODELREG_ARTIFACT_ROOT": registry_settings.artifact_root,
        "MODELREG_CACHE_DIR": str(registry_settings.cache_dir),
    }
    command = [
        sys.executable, "-m", "modelreg.cli.app", "models", "serve",
        "-m", "models:/Unicorn/Production", "-p", "{port}",
        "--poll-interval", str(POLL_INTERVAL),
    ]  # fmt: skip
    with running(command, tmp_path / "serve.log", env=env) as url:
        yield url


@dataclass(frozen=True)
class Answer:
    at: float
    status: int
    version: str | None
    prediction: float | None


class SteadyClient:
    """A thread posting the same request back to back, recording every answer."""

    def __init__(self, url: str, frame: pd.DataFrame) -> None:
        self.url = url
        self.body = split_body(frame)
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SteadyClient:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self._stop.is_set():
                try:
                    response = http.post(f"{self.url}/invocations", json=self.body)
                    prediction = response.json()["predictions"][0] if response.is_success else None
                    answer = Answer(
                        time.monotonic(),
                        response.status_code,
                        response.headers.get("x-model-version"),
                        prediction,
                    )
                except httpx.HTTPError:
                    answer = Answer(time.monotonic(), 0, None, None)
                self.answers.append(answer)

    def wait_for_version(self, version: str, since: float) -> float:
        """When the first answer by ``version`` after ``since`` came (fails after the deadline)."""
        deadline = since + SWITCH_DEADLINE
        while time.monotonic() < deadline:
            for answer in list(self.answers):
                if answer.at > since and answer.version == version:
                    return answer.at
            time.sleep(0.02)
        pytest.fail(f"version {version} did not answer within {SWITCH_DEADLINE} s")


def test_live_promotion_and_rollback_fail_no_request(
    server: str, unicorn: Client, startups: pd.DataFrame
) -> None:
    with SteadyClient(server, startups.head(1)) as steady:
        steady.wait_for_version("1", since=time.monotonic() - 1)
        promoted = time.monotonic()
        unicorn.transition_model_version_stage("Unicorn", 2, "Production", True)
        switched = steady.wait_for_version("2", since=promoted)
        rolled_back = time.monotonic()
        unicorn.transition_model_version_stage("Unicorn", 1, "Production", True)
        back = steady.wait_for_version("1", since=rolled_back)
        time.sleep(0.3)
    answers = steady.answers
    failed = [answer for answer in answers if answer.status != 200]
    assert failed == [], f"{len(failed)} of {len(answers)} requests failed: {failed[:3]}"
    # One client in sequence: versions never alternate, 1 then 2 then 1.
    runs = [answers[0].version]
    for answer in answers[1:]:
        if answer.version != runs[-1]:
            runs.append(answer.version)
    assert runs == ["1", "2", "1"]
    by_version = {answer.version: answer.prediction for answer in answers}
    assert by_version["2"] == pytest.approx(by_version["1"] + V2_OFFSET)
    assert switched - promoted < SWITCH_DEADLINE
    assert back - rolled_back < SWITCH_DEADLINE
    version = httpx.get(f"{server}/version").json()["models"][0]
    assert (version["version"], version["source"]) == ("1", "models:/Unicorn/1")
    metrics = httpx.get(f"{server}/metrics").text
    assert 'outcome="rolled_back"} 1' in metrics
