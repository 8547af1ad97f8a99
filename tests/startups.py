"""The seed's "startups" table and a regression pipeline fitted on it, shared by the suites."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

STATES = ["New York", "California", "Florida"]


def make_startups(rows: int = 50, seed: int = 7) -> pd.DataFrame:
    """A table shaped like the seed's 50 startups: three spends (doubles) and a state."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "R&D Spend": rng.uniform(0, 165_000, rows).round(2),
            "Administration": rng.uniform(50_000, 182_000, rows).round(2),
            "Marketing Spend": rng.uniform(0, 472_000, rows).round(2),
            "State": rng.choice(STATES, rows),
        }
    )
    frame.loc[0] = [165349.2, 136897.8, 471784.1, "New York"]
    frame.loc[1] = [162597.7, 151377.59, 443898.53, "California"]
    return frame


def make_profit(frame: pd.DataFrame) -> pd.Series:
    bonus = frame["State"].map({"New York": 1_000.0, "California": -2_000.0, "Florida": 500.0})
    return 0.8 * frame["R&D Spend"] + 0.03 * frame["Marketing Spend"] + 49_000 + bonus


def make_pipeline(frame: pd.DataFrame) -> Pipeline:
    """OneHotEncoder(State) + LinearRegression, fitted on ``frame``."""
    encode = ColumnTransformer(
        [("state", OneHotEncoder(handle_unknown="ignore"), ["State"])], remainder="passthrough"
    )
    return Pipeline([("encode", encode), ("regress", LinearRegression())]).fit(
        frame, make_profit(frame)
    )
