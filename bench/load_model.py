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

import report

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

# The peak resident size of the measuring program alone (ru_maxrss would include the parent's
# size at the fork that started it).
PEAK_MIB = "int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024"

# Prints: seconds to import, seconds to load, peak RSS in MiB.
LOAD = textwrap.dedent(
    """
    import time, warnings
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    import {tool}.pyfunc as pyfunc
    imported = time.perf_counter()
    model = pyfunc.load_model("models:/Unicorn/Production")
    loaded = time.perf_counter()
    print(imported - start, loaded - imported, {peak})
    """
)

IMPORT = (
    "import time; s = time.perf_counter(); import {tool}; print(time.perf_counter() - s, {peak})"
)


def _run(code: str, env: dict[str, str], cwd: Path) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.split()
    return [float(value) for value in out[-3:]] if len(out) >= 2 else []


def _median(rows: list[list[float]], column: int) -> float:
    return statistics.median(row[column] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per measure")
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
            imports = [
                _run(IMPORT.format(tool=tool, peak=PEAK_MIB), env, folder)
                for _ in range(args.repeat)
            ]
            loads = [
                _run(LOAD.format(tool=tool, peak=PEAK_MIB), env, folder) for _ in range(args.repeat)
            ]
            results[tool] = {
                "import_s": _median(imports, 0),
                "import_rss_mib": _median(imports, 1),
                "pyfunc_import_s": _median(loads, 0),
                "load_s": _median(loads, 1),
                "load_total_s": _median(loads, 0) + _median(loads, 1),
                "load_rss_mib": _median(loads, 2),
            }

    compared = comparisons(results)
    print(report.comparison_table(("load_model", c) for c in compared).text())
    report.write_results("load_model", "local", {"repeat": args.repeat, "results": results})
    report.write_summary(
        "load_model",
        f"Cold import and load_model in fresh processes (median of {args.repeat})",
        comparisons=compared,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def comparisons(results: dict[str, dict[str, float]]) -> list[report.Comparison]:
    """Each measure as a latency (the median, in ms) with the process's peak memory."""
    cases = [
        ("import <package>", "import_s", "import_rss_mib"),
        ("import <package>.pyfunc", "pyfunc_import_s", None),
        ('pyfunc.load_model("models:/Unicorn/Production")', "load_s", None),
        ("import + load", "load_total_s", "load_rss_mib"),
    ]
    compared = []
    for case, seconds, peak in cases:
        per_tool = [
            report.figures(
                p50_ms=results[tool][seconds] * 1000,
                peak_mib=results[tool][peak] if peak else None,
            )
            for tool in ("modelreg", "mlflow")
        ]
        compared.append(report.Comparison(case, "-", *per_tool))
    return compared


if __name__ == "__main__":
    main()
