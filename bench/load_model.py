"""Import time and ``load_model("models:/Unicorn/Production")``: modelreg against MLflow.

Each measurement is a fresh Python process (cold imports, as a serving or batch job sees),
repeated and summarised by the median. Both registries are SQLite files in a temporary
folder, holding the same startups pipeline registered as Unicorn v1 in Production.

    .venv/bin/python bench/load_model.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SEED = textwrap.dedent(
    """
    import sys, warnings
    sys.path.insert(0, {root!r})
    warnings.simplefilter("ignore")
    from tests.startups import make_pipeline, make_startups
    data = make_startups()
    pipe = make_pipeline(data)
    if {tool!r} == "modelreg":
        import modelreg, modelreg.sklearn
        with modelreg.start_run():
            modelreg.sklearn.log_model(pipe, name="model", registered_model_name="Unicorn",
                                       input_example=data.head(2))
        modelreg.Client().transition_model_version_stage("Unicorn", 1, "Production")
    else:
        import mlflow, mlflow.sklearn
        with mlflow.start_run():
            mlflow.sklearn.log_model(pipe, name="model", registered_model_name="Unicorn",
                                     input_example=data.head(2))
        mlflow.MlflowClient().transition_model_version_stage("Unicorn", 1, "Production")
    """
)

# Prints: seconds to import, seconds to load, peak RSS in MiB.
LOAD = textwrap.dedent(
    """
    import resource, time, warnings
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    import {tool}.pyfunc as pyfunc
    imported = time.perf_counter()
    model = pyfunc.load_model("models:/Unicorn/Production")
    loaded = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(imported - start, loaded - imported, rss)
    """
)

IMPORT = (
    "import resource, time; s = time.perf_counter(); import {tool}; "
    "print(time.perf_counter() - s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)


def _run(code: str, env: dict[str, str], cwd: Path) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.split()
    return [float(value) for value in out[-3:]] if len(out) >= 2 else []


def _median(rows: list[list[float]], column: int) -> float:
    return statistics.median(row[column] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        for tool in ("modelreg", "mlflow"):
            folder = Path(scratch) / tool
            folder.mkdir()
            env = {
                **os.environ,
                "MODELREG_TRACKING_URI": f"sqlite:///{folder / 'registry.db'}",
                "MODELREG_CACHE_DIR": str(folder / "cache"),
                "MLFLOW_TRACKING_URI": f"sqlite:///{folder / 'mlflow.db'}",
                "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
            }
            subprocess.run(
                [sys.executable, "-c", SEED.format(root=str(ROOT), tool=tool)],
                env=env,
                cwd=folder,
                check=True,
                capture_output=True,
            )
            imports = [_run(IMPORT.format(tool=tool), env, folder) for _ in range(args.repeat)]
            loads = [_run(LOAD.format(tool=tool), env, folder) for _ in range(args.repeat)]
            results[tool] = {
                "import_s": _median(imports, 0),
                "import_rss_mib": _median(imports, 1),
                "pyfunc_import_s": _median(loads, 0),
                "load_s": _median(loads, 1),
                "load_total_s": _median(loads, 0) + _median(loads, 1),
                "load_rss_mib": _median(loads, 2),
            }

    ours, theirs = results["modelreg"], results["mlflow"]
    print(f"{'measure':<34}{'modelreg':>12}{'mlflow':>12}{'ratio':>10}")
    for key, label in [
        ("import_s", "import <package> (s)"),
        ("import_rss_mib", "RSS after import (MiB)"),
        ("pyfunc_import_s", "import <package>.pyfunc (s)"),
        ("load_s", "load_model models:/U/Production (s)"),
        ("load_total_s", "import + load (s)"),
        ("load_rss_mib", "RSS after load (MiB)"),
    ]:
        ratio = theirs[key] / ours[key] if ours[key] else float("inf")
        print(f"{label:<34}{ours[key]:>12.3f}{theirs[key]:>12.3f}{ratio:>9.1f}x")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
