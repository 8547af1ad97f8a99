"""Concurrent requests to a scikit-learn model are predicted together, each answered with
what it would get alone; a request that cannot join, or that upsets the model, goes alone."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest

import modelreg.pyfunc
from modelreg.config import Settings
from modelreg.models import ColSpec, Schema, TensorSpec
from modelreg.serving.batching import Outcome, Predictor
from modelreg.serving.holder import ModelHolder
from modelreg.serving.inputs import ModelInput, parse_json
from modelreg.serving.loading import LoadedModel, ModelSource, RegistryAccess
from modelreg.serving.metrics import Metrics
from modelreg.serving.outputs import predictions_json
from modelreg.serving.settings import ModelSpec
from modelreg.serving.tables import Table, batch_types, join_tables, table_fits
from tests.serving.conftest import COLUMNS, split_body


def _holder(folder: Path, tmp_path: Path, *, batching: bool = True) -> ModelHolder:
    access = RegistryAccess(Settings("sqlite://", str(tmp_path), tmp_path))
    source = ModelSource(ModelSpec(str(folder), "unicorn"), access, batching=batching)
    holder = ModelHolder(source)
    holder.swap(source.load(None))
    return holder


def _encode(output: Any, _loaded: LoadedModel) -> bytes:
    return predictions_json(output)


def _run_together(predictor: Predictor, requests: list[ModelInput]) -> list[Outcome]:
    """Queue every request before the thread starts, so its first call sees them all."""

    async def main() -> list[Outcome]:
        tasks = [asyncio.create_task(predictor.predict(r, _encode, 30)) for r in requests]
        await asyncio.sleep(0.01)
        predictor.start()
        try:
            return list(await asyncio.gather(*tasks))
        finally:
            predictor.stop()

    return asyncio.run(main())


def _parse(body: dict[str, Any], schema: Schema | None) -> ModelInput:
    return parse_json(orjson.dumps(body), schema, table_rows=100)


def _alone(model: Any, body: dict[str, Any]) -> list[float]:
    schema = model.metadata.signature.inputs
    return [float(x) for x in model.predict(_parse(body, schema).data())]


def _bodies(startups: pd.DataFrame) -> list[dict[str, Any]]:
    frame = startups.head(12)
    return [
        split_body(frame.iloc[0:1]),
        split_body(frame.iloc[1:4]),
        {"dataframe_records": frame.iloc[4:6].to_dict(orient="records")},
        {"inputs": {name: frame[name].iloc[6:8].tolist() for name in COLUMNS}},
        split_body(frame.iloc[8:12][list(reversed(COLUMNS))]),
        split_body(frame.iloc[0:1].assign(**{"R&D Spend": 165349})),
    ]


def test_concurrent_requests_are_predicted_in_one_call(
    model_v1: Path, tmp_path: Path, startups: pd.DataFrame
) -> None:
    holder = _holder(model_v1, tmp_path)
    loaded = holder.current
    assert loaded is not None
    metrics = Metrics()
    bodies = _bodies(startups)
    schema = loaded.model.metadata.signature.inputs
    outcomes = _run_together(
        Predictor(holder, metrics, max_batch_rows=100), [_parse(b, schema) for b in bodies]
    )
    for body, outcome in zip(bodies, outcomes, strict=True):
        assert outcome.error is None
        assert outcome.loaded is loaded
        answer = orjson.loads(outcome.body)["predictions"]
        np.testing.assert_allclose(answer, _alone(loaded.model, body), rtol=1e-12)
    text = metrics.render([holder])
    assert 'modelreg_scoring_batch_requests_count{model="unicorn"} 1' in text
    assert f'modelreg_scoring_batch_requests_sum{{model="unicorn"}} {len(bodies)}.0' in text


def test_a_request_that_upsets_the_model_gets_its_own_error(
    model_v1: Path, tmp_path: Path, startups: pd.DataFrame
) -> None:
    holder = _holder(model_v1, tmp_path)
    assert holder.current is not None
    model = holder.current.model
    bodies = _bodies(startups)
    poisoned = {"dataframe_split": {"columns": COLUMNS, "data": [[None, 1.0, 2.0, "Florida"]]}}
    boolean = {"dataframe_split": {"columns": COLUMNS, "data": [[True, 1.0, 2.0, "Florida"]]}}
    requests = [_parse(b, model.metadata.signature.inputs) for b in [*bodies, poisoned, boolean]]
    outcomes = _run_together(Predictor(holder, Metrics(), max_batch_rows=100), requests)
    *good, nan_outcome, bool_outcome = outcomes
    for body, outcome in zip(bodies, good, strict=True):
        np.testing.assert_allclose(
            orjson.loads(outcome.body)["predictions"], _alone(model, body), rtol=1e-12
        )
    assert nan_outcome.error is not None
    assert nan_outcome.error.error_class == "MODEL_PREDICTION_FAILED"
    assert "NaN" in nan_outcome.error.message
    assert bool_outcome.error is not None
    assert bool_outcome.error.error_class == "SCHEMA_ENFORCEMENT_FAILED"


def test_without_batching_each_request_is_predicted_alone(
    model_v1: Path, tmp_path: Path, startups: pd.DataFrame
) -> None:
    holder = _holder(model_v1, tmp_path, batching=False)
    metrics = Metrics()
    assert holder.current is not None
    schema = holder.current.model.metadata.signature.inputs
    requests = [_parse(b, schema) for b in _bodies(startups)]
    _run_together(Predictor(holder, metrics, max_batch_rows=100), requests)
    text = metrics.render([holder])
    assert f'modelreg_scoring_batch_requests_count{{model="unicorn"}} {len(requests)}' in text


def test_custom_models_are_not_batched(custom_models: dict[str, Path], tmp_path: Path) -> None:
    holder = _holder(custom_models["temperamental"], tmp_path)
    assert holder.current is not None
    assert holder.current.batch_types == {"x": "double"}
    assert holder.current.batching is False


def test_a_model_whose_output_is_not_per_row_stops_being_batched(
    model_v1: Path, tmp_path: Path, startups: pd.DataFrame
) -> None:
    holder = _holder(model_v1, tmp_path)
    loaded = holder.current
    assert loaded is not None

    class Summary:
        metadata = loaded.model.metadata

        def predict(self, data: Any, params: Any = None) -> Any:
            return {"rows": len(data)}

    loaded.model = Summary()  # type: ignore[assignment]
    bodies = _bodies(startups)[:3]
    outcomes = _run_together(
        Predictor(holder, Metrics(), max_batch_rows=100),
        [_parse(b, loaded.model.metadata.signature.inputs) for b in bodies],
    )
    assert [orjson.loads(o.body)["predictions"] for o in outcomes] == [
        {"rows": 1},
        {"rows": 3},
        {"rows": 2},
    ]
    assert loaded.batching is False


# -- the tables ---------------------------------------------------------------------------

SCHEMA = Schema(
    [
        ColSpec("double", "d"),
        ColSpec("long", "l"),
        ColSpec("integer", "i"),
        ColSpec("string", "s"),
        ColSpec("boolean", "b"),
    ]
)
TYPES = batch_types(SCHEMA)


def _table(**overrides: list[Any]) -> Table:
    columns = {"d": [1.5, 2], "l": [1, 2], "i": [3, 4], "s": ["x", "y"], "b": [True, False]}
    columns.update(overrides)
    return Table(tuple(columns), tuple(columns.values()), 2)


def test_batch_types_of_schemas() -> None:
    assert TYPES == {"d": "double", "l": "long", "i": "integer", "s": "string", "b": "boolean"}
    assert batch_types(Schema([ColSpec("float", "f")])) is None
    assert batch_types(Schema([ColSpec("double")])) is None
    assert batch_types(Schema([TensorSpec("float64", (-1, 2))])) is None
    assert batch_types(None) is None


@pytest.mark.parametrize(
    ("override", "fits"),
    [
        ({}, True),
        ({"d": [None, 1.0]}, True),
        ({"d": [True, 1.0]}, False),
        ({"d": ["1.5", 1.0]}, False),
        ({"d": [2**53 + 1, 1.0]}, False),
        ({"l": [1.0, 2]}, False),
        ({"l": [None, 2]}, False),
        ({"l": [2**63, 2]}, False),
        ({"i": [2**31, 1]}, False),
        ({"s": [None, "y"]}, False),
        ({"s": [5, "y"]}, False),
        ({"b": [1, True]}, False),
    ],
)
def test_table_fits_only_unambiguous_values(override: dict[str, list[Any]], fits: bool) -> None:
    assert TYPES is not None
    assert table_fits(_table(**override), TYPES) is fits


def test_a_table_missing_a_column_does_not_fit() -> None:
    assert TYPES is not None
    table = Table(("d",), ([1.0],), 1)
    assert table_fits(table, TYPES) is False


def test_join_tables_keeps_request_order_and_schema_columns() -> None:
    assert TYPES is not None
    first = _table()
    second = Table(("b", "s", "i", "l", "d", "extra"), ([True], ["z"], [5], [6], [7.0], [[1]]), 1)
    frame = join_tables([first, second], TYPES)
    assert list(frame.columns) == list(TYPES)
    assert frame["d"].tolist() == [1.5, 2.0, 7.0]
    assert frame["s"].tolist() == ["x", "y", "z"]


def test_records_with_different_keys_make_no_table() -> None:
    assert Table.from_records([{"a": 1}, {"b": 2}]) is None
    assert Table.from_records([{"a": 1, "b": 2}, {"b": 3, "a": 4}]) is None
    table = Table.from_records([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    assert table == Table(("a", "b"), ([1, 3], [2, 4]), 2)


def test_direct_pyfunc_matches(model_v1: Path, startups: pd.DataFrame) -> None:
    model = modelreg.pyfunc.load_model(str(model_v1))
    assert _alone(model, split_body(startups.head(2))) == [
        float(x) for x in model.predict(startups.head(2))
    ]
