"""Run every benchmark, side by side with MLflow, and write the generated part of the docs page.

Each benchmark runs as its own process (``bench/<name>.py`` with the arguments below; its
output is shown and kept in ``bench/results/<name>.log``) and leaves a summary in
``bench/results/<name>-summary.json``. Then one table compares modelreg with MLflow on every
case both have (throughput, p50/p99 latency, peak memory, and the ratios), and the section of
``docs/benchmarks.md`` between ``<!-- bench:begin -->`` and ``<!-- bench:end -->`` is
rewritten with the date, the machine, its load average before and after, the versions, each
benchmark's exact command and its tables.

    .venv/bin/python bench/run_all.py [--quick] [--only NAME,...] [--skip NAME,...]
                                      [--no-docs] [--docs docs/benchmarks.md] [--note TEXT]

``--quick`` (``make bench QUICK=1``) uses small sizes and short runs: it checks that the
suite works, in four to seven minutes on 2 cores (measured under load). The full run
(``make bench``) takes 40 to 55 minutes on 2 cores (41 quiet, 55 under load); in the quiet
run, 18 of them in registry_store.py (100k models seeded through the store on SQLite and on
PostgreSQL, and MLflow's 10k one API call at a time), 4-7 each in growth.py (1M versions per
tool), registry_api.py, scoring.py and artifacts_s3_memory.py.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docs_page
import environment
import report
from processes import ROOT

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Benchmark:
    """One benchmark script and its arguments in each mode."""

    name: str
    full: str = ""
    quick: str = "--quick"

    @property
    def script(self) -> Path:
        return BENCH / f"{self.name}.py"

    def command(self, quick: bool) -> list[str]:
        """The command line that runs it in the given mode."""
        return [sys.executable, str(self.script), *shlex.split(self.quick if quick else self.full)]


SUITE = (
    Benchmark(
        "registry_store",
        full="--mlflow --mlflow-sizes 1000,10000",
        quick="--sizes 300 --calls 50 --single 10 --mlflow --mlflow-sizes 300",
    ),
    Benchmark("growth"),
    Benchmark(
        "registry_api",
        # One worker per core: the setup measured best on 2 cores (docs/benchmarks.md).
        full="--artifact-mib 1024 --workers 2",
        quick="--models 150 --duration 1 --artifact-mib 0",
    ),
    Benchmark("scoring"),
    Benchmark("artifacts_proxy"),
    Benchmark("artifacts_s3_memory", full="--size-mib 1024", quick="--size-mib 16"),
    Benchmark("ui_pages", full="--http", quick="--models 500 --calls 20"),
    Benchmark("load_model", full="--repeat 5", quick="--repeat 1"),
)


def shown(line: list[str]) -> str:
    """The command as typed from the repository root."""
    parts = []
    for part in line:
        path = Path(part)
        parts.append(
            str(path.relative_to(ROOT))
            if path.is_absolute() and path.is_relative_to(ROOT)
            else part
        )
    return shlex.join(parts)


def run(benchmark: Benchmark, quick: bool) -> dict[str, Any]:
    """Run one benchmark, echoing and logging its output; how it went."""
    line = benchmark.command(quick)
    report.summary_path(benchmark.name).unlink(missing_ok=True)
    report.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log = report.RESULTS_DIR / f"{benchmark.name}.log"
    print(f"\n=== {benchmark.name}: {shown(line)}", flush=True)
    began = time.perf_counter()
    with (
        log.open("w") as kept,
        subprocess.Popen(
            line, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
    ):
        assert process.stdout is not None
        for text in process.stdout:
            sys.stdout.write(text)
            kept.write(text)
    seconds = time.perf_counter() - began
    print(f"=== {benchmark.name}: exit {process.returncode} after {seconds:.0f} s", flush=True)
    return {
        "name": benchmark.name,
        "script": f"bench/{benchmark.script.name}",
        "command": shown(line),
        "returncode": process.returncode,
        "seconds": seconds,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    names = [benchmark.name for benchmark in SUITE]
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs (4-7 min)")
    parser.add_argument("--only", help=f"run only these, comma-separated ({', '.join(names)})")
    parser.add_argument("--skip", help="leave these out, comma-separated")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the docs page")
    parser.add_argument(
        "--docs", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page to update"
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a line added to the page's setting"
    )
    args = parser.parse_args(argv)
    only = _names(args.only) or names
    skipped = _names(args.skip)
    unknown = sorted((set(only) | set(skipped)) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    args.selected = [b for b in SUITE if b.name in only and b.name not in skipped]
    return args


def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began, load_before = time.perf_counter(), environment.load_average()
    setting = {
        "date": environment.now(),
        "quick": args.quick,
        "machine": environment.machine(),
        "versions": environment.versions(),
        "load_before": load_before,
        "notes": args.note,
    }
    entries = [run(benchmark, args.quick) for benchmark in args.selected]
    setting |= {
        "load_after": environment.load_average(),
        "minutes": (time.perf_counter() - began) / 60,
        "benchmarks": entries,
    }
    summaries = [s for e in entries if (s := report.read_summary(e["name"])) is not None]
    compared = [(s["benchmark"], c) for s in summaries for c in s["comparisons"]]
    print()
    print(report.comparison_table(compared).text())
    report.write_results("run_all", "quick" if args.quick else "full", setting)
    if args.no_docs:
        pass
    elif len(args.selected) < len(SUITE):
        print(f"\n{args.docs} left as it is: only part of the suite ran")
    else:
        docs_page.replace_section(args.docs, docs_page.render(setting, summaries))
        print(f"\nwrote the generated section of {args.docs}")
    failed = [entry["name"] for entry in entries if entry["returncode"] != 0]
    if failed:
        print(f"failed: {', '.join(failed)} (logs in {report.RESULTS_DIR})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
