"""Small custom models for the scoring-server tests (pickled by reference to this module)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import modelreg.pyfunc
from modelreg.models import ColSpec, ModelSignature, Schema, TensorSpec
from modelreg.pyfunc import PythonModel, PythonModelContext

#: An x this model fails on the way a broken model does (500).
CRASH_ON = 13.0


class Temperamental(PythonModel):
    """Doubles x; raises ValueError on negative x (the caller's fault) and RuntimeError on 13."""

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        x = model_input["x"]
        if (x == CRASH_ON).any():
            raise RuntimeError("the accelerator caught fire")
        if (x < 0).any():
            raise ValueError("x must not be negative")
        return x.to_numpy() * 2


class Sleepy(PythonModel):
    """Sleeps ``seconds`` (a param) before answering x."""

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        time.sleep(float((params or {}).get("seconds", 0.0)))
        return model_input["x"].to_numpy()


class RowSums(PythonModel):
    """A tensor model: the sum of each row of a (-1, 2) float64 array."""

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        return np.asarray(model_input).sum(axis=1)


class Describe(PythonModel):
    """Returns a DataFrame: x doubled and a label column."""

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        x = model_input["x"]
        return pd.DataFrame({"double": x * 2, "label": np.where(x > 0, "pos", "neg")})


def x_signature() -> ModelSignature:
    return ModelSignature(Schema([ColSpec("double", "x")]), Schema([ColSpec("double")]))


def save(model: PythonModel, path: Path, signature: ModelSignature) -> Path:
    modelreg.pyfunc.save_model(path, python_model=model, signature=signature)
    return path


def save_all(folder: Path) -> dict[str, Path]:
    """Every model above, saved under ``folder``."""
    from modelreg.models import ParamSchema, ParamSpec

    sleepy_signature = ModelSignature(
        Schema([ColSpec("double", "x")]),
        Schema([ColSpec("double")]),
        ParamSchema([ParamSpec("seconds", "double", 0.0)]),
    )
    tensor_signature = ModelSignature(
        Schema([TensorSpec("float64", (-1, 2))]), Schema([TensorSpec("float64", (-1,))])
    )
    return {
        "temperamental": save(Temperamental(), folder / "temperamental", x_signature()),
        "sleepy": save(Sleepy(), folder / "sleepy", sleepy_signature),
        "rowsums": save(RowSums(), folder / "rowsums", tensor_signature),
        "describe": save(
            Describe(), folder / "describe", ModelSignature(Schema([ColSpec("double", "x")]))
        ),
    }
