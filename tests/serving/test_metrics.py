"""``/metrics``: requests, errors, latency, rows, batches, versions and load times, in the
Prometheus text format."""

from __future__ import annotations

import re

import pandas as pd

from modelreg import Client
from modelreg.serving.metrics import Metrics
from tests.serving.conftest import ServeFactory, split_body

#: A sample line of the text format: name, optional labels, a number.
SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? '
    r"(-?[0-9.e+-]+|\+Inf|NaN)$"
)


def _families(text: str) -> dict[str, str]:
    types = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
        elif not line.startswith("# HELP "):
            assert SAMPLE.match(line), f"not a Prometheus sample: {line!r}"
    return types


def test_metrics_count_requests_errors_and_versions(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn/Production"])
    for _ in range(3):
        session.post("/invocations", json=split_body(startups.head(2)))
    session.post("/invocations", json={"nope": 1})
    session.post(
        "/v2/models/Unicorn/infer",
        json={"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}]},
    )
    response = session.get("/metrics")
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.text
    assert _families(text) == {
        "modelreg_scoring_requests_total": "counter",
        "modelreg_scoring_errors_total": "counter",
        "modelreg_scoring_rows_total": "counter",
        "modelreg_scoring_request_duration_seconds": "histogram",
        "modelreg_scoring_batch_requests": "histogram",
        "modelreg_model_loads_total": "counter",
        "modelreg_registry_polls_total": "counter",
        "modelreg_model_version": "gauge",
        "modelreg_model_ready": "gauge",
        "modelreg_model_load_seconds": "gauge",
        "modelreg_model_loaded_timestamp_seconds": "gauge",
        "modelreg_model_swaps_total": "counter",
    }
    lines = set(text.splitlines())
    requests = 'modelreg_scoring_requests_total{model="Unicorn",protocol="mlflow",version="1",'
    assert requests + 'status="200"} 3' in lines
    assert requests + 'status="400"} 1' in lines
    assert (
        'modelreg_scoring_errors_total{model="Unicorn",protocol="mlflow",'
        'error_class="INVALID_PARAMETER_VALUE"} 1'
    ) in lines
    assert (
        'modelreg_scoring_errors_total{model="Unicorn",protocol="oip",'
        'error_class="SCHEMA_ENFORCEMENT_FAILED"} 1'
    ) in lines
    assert 'modelreg_scoring_rows_total{model="Unicorn"} 6' in lines
    latency = 'modelreg_scoring_request_duration_seconds_count{model="Unicorn",protocol="mlflow"} 4'
    assert latency in lines
    assert (
        'modelreg_scoring_request_duration_seconds_bucket{model="Unicorn",protocol="mlflow",'
        'le="+Inf"} 4'
    ) in lines
    assert (
        'modelreg_model_version{model="Unicorn",variant="primary",'
        'uri="models:/Unicorn/Production"} 1'
    ) in lines
    assert 'modelreg_model_ready{model="Unicorn",variant="primary"} 1' in lines
    assert (
        'modelreg_model_loads_total{model="Unicorn",variant="primary",outcome="loaded"} 1' in lines
    )
    (load_line,) = [line for line in lines if line.startswith("modelreg_model_load_seconds{")]
    assert float(load_line.rsplit(" ", 1)[1]) > 0


def test_label_values_are_escaped() -> None:
    metrics = Metrics()
    metrics.request(model='we"ird\\name\n', protocol="mlflow", status=200, seconds=0.01)
    text = metrics.render([])
    assert 'model="we\\"ird\\\\name\\n"' in text
    _families(text)
