"""Train the seed's startups profit regression and log it (params, metrics, model) to a run.

Usage: python train.py [--data startups.csv] [--features "R&D Spend,State"]

The registry is $MODELREG_TRACKING_URI (a server such as http://127.0.0.1:5000). Prints one
JSON line: the run id and the test-set r2 and rmse. Registering is the pipeline's next step.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import modelreg
import modelreg.sklearn

HERE = Path(__file__).parent
ALL_FEATURES = ["R&D Spend", "Administration", "Marketing Spend", "State"]


def build(features: list[str]) -> Pipeline:
    """One-hot State (when used), then a linear regression on the chosen features."""
    categorical = [f for f in features if f == "State"]
    encode = ColumnTransformer(
        [("state", OneHotEncoder(handle_unknown="ignore"), categorical)],
        remainder="passthrough",
    )
    return Pipeline([("encode", encode), ("regress", LinearRegression())])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "startups.csv")
    parser.add_argument("--features", default=",".join(ALL_FEATURES))
    parser.add_argument("--experiment", default="startups")
    args = parser.parse_args()

    features = [name.strip() for name in args.features.split(",")]
    frame = pd.read_csv(args.data)
    target = frame.pop("Profit")
    x_train, x_test, y_train, y_test = train_test_split(
        frame[features], target, test_size=0.2, random_state=42
    )
    modelreg.set_experiment(args.experiment)
    with modelreg.start_run(run_name="train") as run:
        model = build(features).fit(x_train, y_train)
        predicted = model.predict(x_test)
        metrics = {
            "r2": float(r2_score(y_test, predicted)),
            "rmse": float(np.sqrt(mean_squared_error(y_test, predicted))),
        }
        modelreg.log_params({"features": ",".join(features), "rows": len(frame)})
        modelreg.log_metrics(metrics)
        modelreg.sklearn.log_model(model, name="model", input_example=x_test.head(3))
    print(json.dumps({"run_id": run.info.run_id, **metrics}))


if __name__ == "__main__":
    main()
