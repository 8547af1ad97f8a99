"""Bad requests get a precise 4xx (or the model's 5xx) in MLflow's error JSON, and the server
keeps serving."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest
from starlette.testclient import TestClient

from modelreg.serving import ServingSettings, create_scoring_app
from tests.serving.conftest import (
    COLUMNS,
    ServeFactory,
    settings_in,
    split_body,
    wait_ready,
    wait_until,
)
from tests.serving.models import CRASH_ON

MAX_BODY_BYTES = 4_000
MAX_ROWS = 5
JSON = {"Content-Type": "application/json"}
ROW = [165349.2, 136897.8, 471784.1, "New York"]
GOOD = {"dataframe_split": {"columns": COLUMNS, "data": [ROW]}}


@pytest.fixture(scope="module")
def session(
    model_v1: Path, custom_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The startups model and the custom ones, with small limits."""
    folder = tmp_path_factory.mktemp("registry")
    settings = ServingSettings(
        settings_in(folder),
        max_body_bytes=MAX_BODY_BYTES,
        max_rows=MAX_ROWS,
    )
    uris = [f"unicorn={model_v1}", *(f"{name}={path}" for name, path in custom_models.items())]
    with TestClient(create_scoring_app(uris, settings)) as session:
        wait_ready(session)
        yield session


def _post(
    session: TestClient,
    body: Any,
    headers: dict[str, str] | None = None,
    path: str = "/invocations/unicorn",
) -> Any:
    content = body if isinstance(body, bytes | str) else orjson.dumps(body)
    return session.post(path, content=content, headers=JSON if headers is None else headers)


def _error(response: Any, status: int, error_class: str, *fragments: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["error_class"] == error_class
    assert isinstance(body["error_code"], str)
    for fragment in fragments:
        assert fragment in body["message"], body["message"]
    return body


BAD_JSON = [
    ("malformed JSON", b"{bad json", "not valid JSON"),
    ("empty body", b"", "body is empty"),
    ("blank body", b"  \n", "body is empty"),
    ("not UTF-8", b'{"dataframe_split": "\xff"}', "not valid JSON"),
    ("empty object", {}, "Received dictionary with input fields: []"),
    ("unknown field", {"data": [ROW]}, "Unknown input fields: ['data']"),
    ("unknown field beside a valid one", {**GOOD, "extra": 1}, "Unknown input fields: ['extra']"),
    ("two formats", {"instances": [], "inputs": []}, "['instances', 'inputs']"),
    ("top-level list", [ROW], "Received a list"),
    ("params not an object", {**GOOD, "params": [1]}, "'params' must be a JSON object"),
    ("split as a list", {"dataframe_split": [ROW]}, "dataframe_split must be an object"),
    ("split without data", {"dataframe_split": {"columns": COLUMNS}}, "no 'data' field"),
    (
        "split with an unknown field",
        {"dataframe_split": {**GOOD["dataframe_split"], "rows": 1}},
        "unknown fields ['rows']",
    ),
    (
        "split data not a list",
        {"dataframe_split": {"columns": COLUMNS, "data": 3}},
        "must be a list of rows",
    ),
    (
        "split row too short",
        {"dataframe_split": {"columns": COLUMNS, "data": [ROW, ROW[:3]]}},
        "dataframe_split.data[1] has 3 values but 'columns' names 4",
    ),
    (
        # Found by tests/fuzz: pandas padded ragged rows with NaN (and will refuse them).
        "ragged rows without columns",
        {"dataframe_split": {"data": [ROW, ROW[:2]]}},
        "dataframe_split.data[1] has 2 values but data[0] has 4",
    ),
    (
        "duplicate columns",
        {"dataframe_split": {"columns": [*COLUMNS[:3], "R&D Spend"], "data": [ROW]}},
        "Duplicate column names: ['R&D Spend']",
    ),
    ("records not a list", {"dataframe_records": {"a": 1}}, "must be a list of records"),
    (
        "record not an object",
        {"dataframe_records": [dict(zip(COLUMNS, ROW, strict=True)), ROW]},
        "dataframe_records[1] is a list",
    ),
]


@pytest.mark.parametrize(("case", "body", "fragment"), BAD_JSON, ids=[case[0] for case in BAD_JSON])
def test_bad_json_is_a_400_naming_the_problem(
    session: TestClient, case: str, body: Any, fragment: str
) -> None:
    error = _error(_post(session, body), 400, "INVALID_PARAMETER_VALUE", fragment)
    assert (error["error_code"], error["sqlstate"]) == ("BAD_REQUEST", "KAM00")


def test_unknown_fields_are_listed_in_the_body(session: TestClient) -> None:
    error = _error(
        _post(session, {"data": [ROW], "columns": COLUMNS}), 400, "INVALID_PARAMETER_VALUE"
    )
    assert error["unknown_fields"] == ["data", "columns"]


def test_missing_column_names_it(session: TestClient) -> None:
    body = {"dataframe_split": {"columns": COLUMNS[:3], "data": [ROW[:3]]}}
    error = _error(
        _post(session, body), 400, "SCHEMA_ENFORCEMENT_FAILED", "missing inputs ['State']"
    )
    assert (error["error_code"], error["sqlstate"]) == ("INVALID_PARAMETER_VALUE", "KAM01")
    assert error["missing"] == ["State"]


def test_wrong_type_names_the_column_and_value(session: TestClient) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": [["abc", 1.0, 2.0, "New York"]]}}
    error = _error(_post(session, body), 400, "SCHEMA_ENFORCEMENT_FAILED", "R&D Spend", "'abc'")
    assert error["column"] == "R&D Spend"


def test_boolean_for_a_double_is_refused(session: TestClient) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": [[True, 1.0, 2.0, "New York"]]}}
    _error(_post(session, body), 400, "SCHEMA_ENFORCEMENT_FAILED", "R&D Spend")


def test_rows_without_column_names_are_missing_every_column(session: TestClient) -> None:
    error = _error(
        _post(session, {"instances": [ROW]}), 400, "SCHEMA_ENFORCEMENT_FAILED", "missing inputs"
    )
    assert error["missing"] == COLUMNS


def test_null_in_a_required_double_is_the_models_400(session: TestClient) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": [[None, 1.0, 2.0, "Florida"]]}}
    error = _error(_post(session, body), 400, "MODEL_PREDICTION_FAILED", "ValueError", "NaN")
    assert error["error_code"] == "BAD_REQUEST"


def test_csv_without_header_row_says_so(session: TestClient) -> None:
    response = _post(session, "165349.2,136897.8,471784.1,New York\n", {"Content-Type": "text/csv"})
    _error(response, 400, "SCHEMA_ENFORCEMENT_FAILED", "missing inputs", "header row")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "CSV body is empty"),
        (b"\xff\xfe,\n", "not valid UTF-8"),
        (b'R&D Spend,State\n1,"unterminated\n', "not a CSV table"),
    ],
)
def test_bad_csv_is_a_400(session: TestClient, body: bytes, fragment: str) -> None:
    _error(
        _post(session, body, {"Content-Type": "text/csv"}), 400, "INVALID_PARAMETER_VALUE", fragment
    )


def test_bad_parquet_is_a_400(session: TestClient) -> None:
    response = _post(
        session, b"PAR1 not really", {"Content-Type": "application/vnd.apache.parquet"}
    )
    _error(response, 400, "INVALID_PARAMETER_VALUE", "not a Parquet file")


@pytest.mark.parametrize(
    ("content_type", "fragment"),
    [
        (None, "no Content-Type header"),
        ("text/plain", "Unsupported Content-Type 'text/plain'"),
        ("application/json; charset=latin-1", "UTF-8 only"),
        ("application/json; format=pandas-split", "format=pandas-split"),
    ],
)
def test_missing_or_wrong_content_type_is_a_415(
    session: TestClient, content_type: str | None, fragment: str
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = session.post("/invocations/unicorn", content=orjson.dumps(GOOD), headers=headers)
    error = _error(response, 415, "UNSUPPORTED_CONTENT_TYPE", fragment)
    assert error["supported"] == ["application/json", "text/csv", "application/vnd.apache.parquet"]


def test_body_over_the_limit_is_a_413(session: TestClient) -> None:
    big = orjson.dumps({"dataframe_split": {"columns": COLUMNS, "data": [ROW] * 120}})
    assert len(big) > MAX_BODY_BYTES
    error = _error(_post(session, big), 413, "REQUEST_TOO_LARGE", f"at most {MAX_BODY_BYTES} bytes")
    assert error["error_code"] == "REQUEST_LIMIT_EXCEEDED"


def test_streamed_body_over_the_limit_is_a_413(session: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    response = session.post("/invocations/unicorn", content=chunks(), headers=JSON)
    _error(response, 413, "REQUEST_TOO_LARGE", "--max-body-bytes")


def test_too_many_rows_is_a_413(session: TestClient) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": [ROW] * (MAX_ROWS + 1)}}
    error = _error(
        _post(session, body), 413, "REQUEST_TOO_LARGE", f"{MAX_ROWS + 1} rows", "--max-rows"
    )
    assert (error["rows"], error["limit_rows"]) == (MAX_ROWS + 1, MAX_ROWS)


def test_model_rejecting_its_input_is_a_400_with_its_message(session: TestClient) -> None:
    response = _post(session, {"inputs": {"x": [1.0, -1.0]}}, path="/invocations/temperamental")
    _error(response, 400, "MODEL_PREDICTION_FAILED", "ValueError: x must not be negative")


def test_model_crashing_is_a_500_with_its_message(session: TestClient) -> None:
    response = _post(session, {"inputs": {"x": [CRASH_ON]}}, path="/invocations/temperamental")
    error = _error(
        response, 500, "MODEL_PREDICTION_FAILED", "RuntimeError: the accelerator caught fire"
    )
    assert error["error_code"] == "INTERNAL_ERROR"
    assert "stack_trace" not in error


def test_slow_prediction_is_a_504(serve: ServeFactory, custom_models: dict[str, Path]) -> None:
    session = serve([f"sleepy={custom_models['sleepy']}"], timeout=0.3)
    body = {"inputs": {"x": [1.0]}, "params": {"seconds": 0.6}}
    response = _post(session, body, path="/invocations/sleepy")
    error = _error(response, 504, "PREDICTION_TIMEOUT", "within 0.3 seconds")
    assert error["error_code"] == "DEADLINE_EXCEEDED"
    # The model thread finishes the slow call, then answers again.
    quick = {"inputs": {"x": [1.0]}}
    wait_until(
        lambda: _post(session, quick, path="/invocations/sleepy").status_code == 200,
        what="the sleepy model to answer again",
    )


def test_invalid_params_are_a_400(session: TestClient) -> None:
    body = {"inputs": {"x": [1.0]}, "params": {"seconds": "soon"}}
    _error(
        _post(session, body, path="/invocations/sleepy"), 400, "INVALID_PARAMETER_VALUE", "seconds"
    )


def test_unknown_model_is_a_404_listing_the_served_ones(session: TestClient) -> None:
    error = _error(
        _post(session, GOOD, path="/invocations/pegasus"), 404, "MODEL_NOT_SERVED", "'pegasus'"
    )
    assert "unicorn" in error["served"]


def test_plain_invocations_needs_a_name_when_several_models_are_served(session: TestClient) -> None:
    _error(
        _post(session, GOOD, path="/invocations"), 404, "MODEL_NOT_SERVED", "/invocations/<name>"
    )


def test_wrong_method_and_unknown_route(session: TestClient) -> None:
    _error(session.get("/invocations"), 405, "METHOD_NOT_ALLOWED", "GET /invocations")
    _error(session.get("/metadata"), 404, "ENDPOINT_NOT_FOUND", "GET /metadata")


def test_server_keeps_serving_after_every_bad_request(session: TestClient) -> None:
    for _, body, _fragment in BAD_JSON:
        assert _post(session, body).status_code == 400
    _post(session, {"inputs": {"x": [CRASH_ON]}}, path="/invocations/temperamental")
    response = _post(session, GOOD)
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == 1
    good = _post(session, {"inputs": {"x": [2.0]}}, path="/invocations/temperamental")
    assert good.json() == {"predictions": [4.0]}


def test_parquet_round_trip_reads_columns(session: TestClient, startups: pd.DataFrame) -> None:
    buffer = io.BytesIO()
    startups.head(1).to_parquet(buffer)
    response = _post(session, buffer.getvalue(), {"Content-Type": "application/vnd.apache.parquet"})
    assert response.status_code == 200


def test_split_body_helper_matches_the_wire_capture(startups: pd.DataFrame) -> None:
    assert split_body(startups.head(1)) == GOOD
