"""Fixtures of the model-format tests: the startups table and a pipeline fitted on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

import modelreg.sklearn
from tests.startups import make_pipeline, make_startups


@pytest.fixture(scope="session")
def startups() -> pd.DataFrame:
    """The startups table (50 rows); its first two rows are the layout doc's example."""
    return make_startups()


@pytest.fixture(scope="session")
def pipeline(startups: pd.DataFrame) -> Pipeline:
    """OneHotEncoder(State) + LinearRegression, fitted on the startups table."""
    return make_pipeline(startups)


@pytest.fixture
def saved_pipeline(tmp_path: Path, pipeline: Pipeline, startups: pd.DataFrame) -> Path:
    """The pipeline saved with modelreg (skops, input example of two rows)."""
    path = tmp_path / "model"
    modelreg.sklearn.save_model(pipeline, path, input_example=startups.head(2))
    return path


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def as_float_list(values: Any) -> list[float]:
    return [float(v) for v in np.asarray(values).ravel()]
