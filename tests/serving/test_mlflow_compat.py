"""The same payloads to ``mlflow models serve`` (MLflow 3.17.2) and ``modelreg models serve``
on the same model folder give the same predictions, and the same status for bad input except
where modelreg is deliberately more precise (docs/mlflow-wire.md, section 7)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.serving.conftest import COLUMNS
from tests.serving.processes import SCRIPTS, ServerProcess

ROWS = [[165349.2, 136897.8, 471784.1, "New York"], [162597.7, 151377.59, 443898.53, "California"]]
RECORDS = [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]
SPLIT = {"dataframe_split": {"columns": COLUMNS, "data": ROWS}}
CSV = "R&D Spend,Administration,Marketing Spend,State\n165349.2,136897.8,471784.1,New York\n"
JSON = "application/json"


def _split(columns: list[str], data: list[list[Any]], **extra: Any) -> dict[str, Any]:
    return {"dataframe_split": {"columns": columns, "data": data, **extra}}


#: The requests of the wire capture: name, content type, body.
GOOD: list[tuple[str, str, Any]] = [
    ("dataframe_split", JSON, SPLIT),
    ("dataframe_split with index", JSON, _split(COLUMNS, ROWS, index=[10, 11])),
    ("dataframe_records", JSON, {"dataframe_records": RECORDS}),
    ("instances (records)", JSON, {"instances": RECORDS}),
    (
        "inputs (columns)",
        JSON,
        {"inputs": {c: [r[i] for r in ROWS] for i, c in enumerate(COLUMNS)}},
    ),
    ("inputs (records)", JSON, {"inputs": RECORDS}),
    ("params", JSON, {**SPLIT, "params": {"foo": 1}}),
    ("charset", "application/json; charset=utf-8", SPLIT),
    ("text/csv", "text/csv", CSV),
    ("ints for doubles", JSON, _split(COLUMNS, [[165349, 136897, 471784, "New York"]])),
    ("extra column", JSON, _split([*COLUMNS, "Extra"], [[*r, 1] for r in ROWS])),
    ("reordered columns", JSON, _split(COLUMNS[::-1], [r[::-1] for r in ROWS])),
    ("number for a string", JSON, _split(COLUMNS, [[1.0, 1.0, 2.0, 5]])),
]

BAD: list[tuple[str, str | None, Any]] = [
    ("rows without names", JSON, {"instances": ROWS}),
    ("missing column", JSON, _split(COLUMNS[:3], [r[:3] for r in ROWS])),
    ("string for a double", JSON, _split(COLUMNS, [["abc", 1.0, 2.0, "New York"]])),
    ("null for a double", JSON, _split(COLUMNS, [[None, 1.0, 2.0, "Florida"]])),
    ("malformed JSON", JSON, b"{bad json"),
    ("empty body", JSON, b""),
    ("unknown field", JSON, {"data": ROWS}),
    ("two fields", JSON, {"instances": RECORDS, "inputs": RECORDS}),
    ("empty object", JSON, {}),
    ("top-level list", JSON, RECORDS),
    ("csv without header", "text/csv", "165349.2,136897.8,471784.1,New York\n"),
    ("text/plain", "text/plain", SPLIT),
    ("no content type", None, SPLIT),
]

#: Where modelreg answers differently on purpose.
BETTER = {"no content type": (500, 415)}


@pytest.fixture(scope="module")
def servers(model_v1: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """MLflow's and modelreg's scoring servers on the same folder, started side by side."""
    logs = tmp_path_factory.mktemp("logs")
    mlflow = [str(SCRIPTS / "mlflow"), "models", "serve", "-m", str(model_v1),
              "--env-manager", "local", "-h", "127.0.0.1", "-p", "{port}", "-w", "1"]  # fmt: skip
    ours = [sys.executable, "-m", "modelreg.cli.app", "--tracking-uri",
            f"sqlite:///{logs / 'registry.db'}", "models", "serve", "-m", str(model_v1),
            "-p", "{port}"]  # fmt: skip
    env = {"MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true", "MLFLOW_DISABLE_TELEMETRY": "true"}
    processes = [
        ServerProcess(mlflow, logs / "mlflow.log", env=env),
        ServerProcess(ours, logs / "modelreg.log", env=env),
    ]
    try:
        yield processes[0].wait_ready(120), processes[1].wait_ready(120)
    finally:
        for process in processes:
            process.stop()


def _post(url: str, content_type: str | None, body: Any) -> httpx.Response:
    content = body if isinstance(body, bytes | str) else orjson.dumps(body)
    headers = {} if content_type is None else {"Content-Type": content_type}
    return httpx.post(f"{url}/invocations", content=content, headers=headers, timeout=60)


@pytest.mark.parametrize(("case", "content_type", "body"), GOOD, ids=[c[0] for c in GOOD])
def test_same_predictions_as_mlflow(
    servers: tuple[str, str], case: str, content_type: str, body: Any
) -> None:
    mlflow_url, ours_url = servers
    theirs, ours = _post(mlflow_url, content_type, body), _post(ours_url, content_type, body)
    assert (theirs.status_code, ours.status_code) == (200, 200), (theirs.text, ours.text)
    assert ours.json() == theirs.json()
    assert set(theirs.json()) == {"predictions"}


@pytest.mark.parametrize(("case", "content_type", "body"), BAD, ids=[c[0] for c in BAD])
def test_same_error_status_as_mlflow(
    servers: tuple[str, str], case: str, content_type: str | None, body: Any
) -> None:
    mlflow_url, ours_url = servers
    theirs, ours = _post(mlflow_url, content_type, body), _post(ours_url, content_type, body)
    expected = BETTER.get(case, (theirs.status_code, theirs.status_code))
    assert (theirs.status_code, ours.status_code) == expected, (theirs.text, ours.text)
    assert ours.headers["content-type"] == "application/json"
    error = ours.json()
    assert {"error_code", "message", "error_class"} <= set(error)


def test_health_routes_answer_alike(servers: tuple[str, str]) -> None:
    mlflow_url, ours_url = servers
    for path in ("/ping", "/health"):
        theirs, ours = httpx.get(mlflow_url + path), httpx.get(ours_url + path)
        assert (ours.status_code, ours.text) == (theirs.status_code, theirs.text) == (200, "\n")
    assert httpx.get(ours_url + "/invocations").status_code == 405
    assert httpx.get(mlflow_url + "/invocations").status_code == 405
