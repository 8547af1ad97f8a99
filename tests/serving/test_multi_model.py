"""Several models in one server, routed by name, and a champion/challenger canary split."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from modelreg import Client
from modelreg.errors import InvalidParameterValue
from modelreg.serving import CanarySpec, ModelSpec
from tests.serving.conftest import ServeFactory, split_body


def test_models_are_routed_by_name(
    unicorn: Client, serve: ServeFactory, custom_models: dict[str, Path], startups: pd.DataFrame
) -> None:
    session = serve(["models:/Unicorn@champion", f"doubler={custom_models['temperamental']}"])
    unicorn_answer = session.post("/invocations/Unicorn", json=split_body(startups.head(1)))
    assert (unicorn_answer.status_code, unicorn_answer.headers["x-model-version"]) == (200, "1")
    doubled = session.post("/invocations/doubler", json={"inputs": {"x": [21.0]}})
    assert doubled.json() == {"predictions": [42.0]}
    assert doubled.headers["x-model-name"] == "doubler"
    oip = session.post(
        "/v2/models/doubler/infer",
        json={"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [2.5]}]},
    )
    assert oip.json()["outputs"][0]["data"] == [5.0]
    plain = session.post("/invocations", json={"inputs": {"x": [1.0]}})
    assert plain.status_code == 404
    assert plain.json()["served"] == ["Unicorn", "doubler"]
    assert [m["name"] for m in session.get("/version").json()["models"]] == ["Unicorn", "doubler"]


def test_two_versions_of_one_model_need_names(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    with pytest.raises(
        InvalidParameterValue, match=r"Several served models are named \['Unicorn'\]"
    ):
        serve(["models:/Unicorn/1", "models:/Unicorn/2"])
    session = serve(["old=models:/Unicorn/1", "new=models:/Unicorn/2"])
    assert (
        session.post("/invocations/new", json=split_body(startups.head(1))).headers[
            "x-model-version"
        ]
        == "2"
    )


def test_canary_answers_its_share_and_says_so(
    unicorn: Client, serve: ServeFactory, startups: pd.DataFrame
) -> None:
    unicorn.set_registered_model_alias("Unicorn", "challenger", 2)
    canary = CanarySpec.parse("models:/Unicorn@challenger:30%")
    session = serve(["models:/Unicorn@champion"], canaries=(canary,))
    seen: dict[tuple[str, str], int] = {}
    for _ in range(120):
        response = session.post("/invocations/Unicorn", json=split_body(startups.head(1)))
        key = (response.headers["x-model-version"], response.headers["x-model-variant"])
        seen[key] = seen.get(key, 0) + 1
    assert set(seen) == {("1", "primary"), ("2", "canary")}
    assert 10 <= seen[("2", "canary")] <= 70  # 30% of 120 is 36: far from both bounds
    models = session.get("/version").json()["models"]
    assert [(m["variant"], m["version"], m.get("percent")) for m in models] == [
        ("primary", "1", None),
        ("canary", "2", 30.0),
    ]
    # The Open Inference Protocol reaches each one by alias.
    for alias, version in (("champion", "1"), ("challenger", "2")):
        metadata = session.get(f"/v2/models/Unicorn/versions/{alias}").json()
        assert metadata["versions"] == [version]


def test_canary_for_a_model_not_served_is_refused(unicorn: Client, serve: ServeFactory) -> None:
    canary = CanarySpec.parse("models:/Pegasus@challenger:10%")
    with pytest.raises(InvalidParameterValue, match="'Pegasus', which is not served"):
        serve(["models:/Unicorn@champion"], canaries=(canary,))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("models:/Unicorn/Production", ModelSpec("models:/Unicorn/Production", "Unicorn")),
        ("models:/Unicorn@champion", ModelSpec("models:/Unicorn@champion", "Unicorn")),
        ("runs:/abc/model", ModelSpec("runs:/abc/model", "model")),
        ("./models/fraud/", ModelSpec("./models/fraud/", "fraud")),
        ("fraud=./model", ModelSpec("./model", "fraud")),
        ("v1=models:/Unicorn/1", ModelSpec("models:/Unicorn/1", "v1")),
    ],
)
def test_model_spec_names(value: str, expected: ModelSpec) -> None:
    assert ModelSpec.parse(value) == expected


@pytest.mark.parametrize("value", ["models:/Unicorn@challenger", "models:/U@c:0%", "x:150%"])
def test_bad_canaries(value: str) -> None:
    with pytest.raises(InvalidParameterValue, match="canary"):
        CanarySpec.parse(value)


def test_canary_spec() -> None:
    assert CanarySpec.parse("models:/Unicorn@challenger:12.5%") == CanarySpec(
        "models:/Unicorn@challenger", "Unicorn", 12.5
    )
