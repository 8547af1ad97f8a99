"""Concurrent clients on a handful of models: reads, version creation, stage transitions with
archive-existing and alias moves, over MLflow's REST API, each answer recorded.

Every move into Staging or Production archives the previous holders, so at most one
version of a model is ever in each; every other answer than those expected is kept to be
shown when a test fails.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

MLFLOW = "/api/2.0/mlflow"
ALIASES = ("champion", "challenger")

#: Operation name -> weight. READS and WRITES can be summed for a mix.
READS = {"get_model": 3, "latest_versions": 3, "search_versions": 2, "get_by_alias": 3}
WRITES = {"create_version": 2, "promote": 4, "retire": 1, "move_alias": 3, "delete_alias": 1}
#: The answers that are not failures, by operation (a missing alias is MLflow's 400).
EXPECTED = {"get_by_alias": {200, 400}}


@dataclass
class Outcomes:
    """What the clients got back."""

    #: (operation, status) -> count; status 0 is a transport error (no answer at all).
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    #: Unexpected answers: "operation status body".
    unexpected: list[str] = field(default_factory=list)
    #: model -> the version numbers its creations were given.
    created: dict[str, list[int]] = field(default_factory=dict)

    def count(self, status: int) -> int:
        """How many answers had ``status``."""
        return sum(n for (_, got), n in self.answers.items() if got == status)

    def server_errors(self) -> list[str]:
        """The unexpected answers with a 5xx status."""
        return [line for line in self.unexpected if line.split()[1].startswith("5")]


class Workload:
    """Clients spread over ``urls`` acting on ``models`` (each with ``versions`` to start)."""

    def __init__(
        self,
        urls: Sequence[str],
        models: Sequence[str],
        mix: dict[str, int],
        *,
        seed: int = 0,
    ) -> None:
        self.urls = list(urls)
        self.models = list(models)
        self.mix = mix
        self.seed = seed
        self.outcomes = Outcomes(created={name: [] for name in models})
        self._lock = threading.Lock()
        self._known: dict[str, int] = {name: 0 for name in models}  # highest version seen

    def setup(self, versions: int) -> None:
        """Create the models with ``versions`` versions each (through the first URL)."""
        with httpx.Client(base_url=self.urls[0], timeout=30) as client:
            for name in self.models:
                _ok(client.post(f"{MLFLOW}/registered-models/create", json={"name": name}))
                for number in range(1, versions + 1):
                    body = {"name": name, "source": f"s3://bucket/{name}/{number}"}
                    _ok(client.post(f"{MLFLOW}/model-versions/create", json=body))
                self._known[name] = versions

    def run(self, clients: int, stop: threading.Event, *, timeout: float = 30) -> Outcomes:
        """``clients`` threads acting until ``stop`` is set; returns once all have ended."""
        threads = [
            threading.Thread(target=self._client, args=(number, stop, timeout), daemon=True)
            for number in range(clients)
        ]
        for thread in threads:
            thread.start()
        stop.wait()
        for thread in threads:  # each ends once its request in flight does
            thread.join(timeout + 30)
            assert not thread.is_alive(), "a client hung"
        return self.outcomes

    def run_for(self, clients: int, seconds: float) -> Outcomes:
        """``clients`` threads acting for ``seconds``."""
        stop = threading.Event()
        timer = threading.Timer(seconds, stop.set)
        timer.start()
        try:
            return self.run(clients, stop)
        finally:
            timer.cancel()

    def _client(self, number: int, stop: threading.Event, timeout: float) -> None:
        chooser = random.Random(self.seed * 1000 + number)
        names, weights = list(self.mix), list(self.mix.values())
        url = self.urls[number % len(self.urls)]
        with httpx.Client(base_url=url, timeout=timeout) as client:
            while not stop.is_set():
                operation = chooser.choices(names, weights)[0]
                model = chooser.choice(self.models)
                self._act(client, chooser, operation, model)

    def _act(
        self, client: httpx.Client, chooser: random.Random, operation: str, model: str
    ) -> None:
        method, path, arguments = _REQUESTS[operation](chooser, model, self._known[model])
        try:
            response = client.request(method, path, **arguments)
        except httpx.TransportError as error:
            with self._lock:
                self.outcomes.answers[(operation, 0)] += 1
                self.outcomes.unexpected.append(f"{operation} 0 {type(error).__name__}")
            return
        status = response.status_code
        with self._lock:
            self.outcomes.answers[(operation, status)] += 1
            if status not in EXPECTED.get(operation, {200}):
                self.outcomes.unexpected.append(f"{operation} {status} {response.text[:300]}")
            elif operation == "create_version" and status == 200:
                created = int(response.json()["model_version"]["version"])
                self.outcomes.created[model].append(created)
                self._known[model] = max(self._known[model], created)


Request = tuple[str, str, dict[str, Any]]


def _version(chooser: random.Random, known: int) -> str:
    return str(chooser.randint(1, known))


def _get_model(chooser: random.Random, model: str, known: int) -> Request:
    return "GET", f"{MLFLOW}/registered-models/get", {"params": {"name": model}}


def _latest_versions(chooser: random.Random, model: str, known: int) -> Request:
    body = {"name": model, "stages": ["Staging", "Production"]}
    return "POST", f"{MLFLOW}/registered-models/get-latest-versions", {"json": body}


def _search_versions(chooser: random.Random, model: str, known: int) -> Request:
    params = {"filter": f"name = '{model}'", "max_results": "50"}
    return "GET", f"{MLFLOW}/model-versions/search", {"params": params}


def _get_by_alias(chooser: random.Random, model: str, known: int) -> Request:
    params = {"name": model, "alias": chooser.choice(ALIASES)}
    return "GET", f"{MLFLOW}/registered-models/alias", {"params": params}


def _create_version(chooser: random.Random, model: str, known: int) -> Request:
    body = {"name": model, "source": f"s3://bucket/{model}/{chooser.getrandbits(32)}"}
    return "POST", f"{MLFLOW}/model-versions/create", {"json": body}


def _promote(chooser: random.Random, model: str, known: int) -> Request:
    body = {
        "name": model,
        "version": _version(chooser, known),
        "stage": chooser.choice(["Staging", "Production"]),
        "archive_existing_versions": True,
    }
    return "POST", f"{MLFLOW}/model-versions/transition-stage", {"json": body}


def _retire(chooser: random.Random, model: str, known: int) -> Request:
    body = {
        "name": model,
        "version": _version(chooser, known),
        "stage": chooser.choice(["Archived", "None"]),
        "archive_existing_versions": False,
    }
    return "POST", f"{MLFLOW}/model-versions/transition-stage", {"json": body}


def _move_alias(chooser: random.Random, model: str, known: int) -> Request:
    body = {"name": model, "alias": chooser.choice(ALIASES), "version": _version(chooser, known)}
    return "POST", f"{MLFLOW}/registered-models/alias", {"json": body}


def _delete_alias(chooser: random.Random, model: str, known: int) -> Request:
    body = {"name": model, "alias": chooser.choice(ALIASES)}
    return "DELETE", f"{MLFLOW}/registered-models/alias", {"json": body}


_REQUESTS: dict[str, Callable[[random.Random, str, int], Request]] = {
    "get_model": _get_model,
    "latest_versions": _latest_versions,
    "search_versions": _search_versions,
    "get_by_alias": _get_by_alias,
    "create_version": _create_version,
    "promote": _promote,
    "retire": _retire,
    "move_alias": _move_alias,
    "delete_alias": _delete_alias,
}


def _ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
