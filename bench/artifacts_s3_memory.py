"""Peak memory and throughput of the S3 artifact store moving a 1 GiB file, vs MLflow's.

Run from the repository root, with the ``s3`` and ``dev`` extras (boto3, ``moto[server]``)::

    .venv/bin/python bench/artifacts_s3_memory.py [--size-mib 1024] [--target-mib 200]
                                                  [--skip-mlflow] [--json out.json]

A moto S3 server runs as a separate process on a free loopback port (it keeps the object in
its own memory: that is the server's, not ours). The file is written to disk in 1 MiB chunks.
Each phase runs in a fresh process, so its peak resident size (``VmHWM``) is that phase's
alone:

- ``baseline``: import modelreg and boto3, create the store, upload a tiny file;
- ``put_file`` / ``download_file``: by file name (multipart, parallel ranged GETs);
- ``put_stream`` / ``open``: from an open file object, and reading the body in chunks;
- ``mlflow_baseline``, ``mlflow_log_artifact``, ``mlflow_download_artifacts``: the same with
  MLflow's ``S3ArtifactRepository`` (what ``log_artifact`` and ``download_artifacts`` use).

Downloads are checked by sha256. Exits with status 1 if a modelreg phase peaks above
``--target-mib`` (200 MiB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import report
from processes import BIN, free_port, own_peak_rss_mib, started

MiB = 1024 * 1024
BUCKET = "bench"
KEY = "bench/model.bin"
PHASES = ["baseline", "put_file", "download_file", "put_stream", "open"]
MLFLOW_PHASES = ["mlflow_baseline", "mlflow_log_artifact", "mlflow_download_artifacts"]
#: Where each phase leaves the bytes it downloaded, to be checked.
DOWNLOADS = {
    "download_file": "download_file.bin",
    "open": "open.bin",
    "mlflow_download_artifacts": "mlflow/bench/source.bin",
}
#: modelreg's phase and MLflow's that do the same thing.
PAIRS = [
    ("import and a tiny upload", "baseline", "mlflow_baseline"),
    ("upload by file name", "put_file", "mlflow_log_artifact"),
    ("download to a file", "download_file", "mlflow_download_artifacts"),
]


def write_file(path: Path, size: int) -> str:
    """Write ``size`` random bytes in 1 MiB chunks; their sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(size // MiB):
            chunk = os.urandom(MiB)
            digest.update(chunk)
            file.write(chunk)
    return digest.hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def _modelreg_phase(phase: str, endpoint: str, workdir: Path) -> float:
    from modelreg.artifacts import artifact_store_for

    store = artifact_store_for(
        f"s3://{BUCKET}/modelreg", environ={"MLFLOW_S3_ENDPOINT_URL": endpoint}
    )
    source = workdir / "source.bin"
    target = workdir / f"{phase}.bin"
    began = time.perf_counter()
    if phase == "baseline":
        store.put_file("tiny", Path(__file__))
    elif phase == "put_file":
        store.put_file(KEY, source)
    elif phase == "download_file":
        store.download_file(KEY, target)
    elif phase == "put_stream":
        with source.open("rb") as stream:
            store.put_stream(KEY, stream)
    elif phase == "open":
        with store.open(KEY) as body, target.open("wb") as file:
            while chunk := body.read(MiB):
                file.write(chunk)
    return time.perf_counter() - began


def _mlflow_phase(phase: str, endpoint: str, workdir: Path) -> float:
    os.environ["MLFLOW_S3_ENDPOINT_URL"] = endpoint
    from mlflow.store.artifact.s3_artifact_repo import S3ArtifactRepository

    repository = S3ArtifactRepository(f"s3://{BUCKET}/mlflow")
    (workdir / "mlflow").mkdir(exist_ok=True)
    began = time.perf_counter()
    if phase == "mlflow_baseline":
        repository.log_artifact(__file__, "tiny")
    elif phase == "mlflow_log_artifact":
        repository.log_artifact(str(workdir / "source.bin"), "bench")
    elif phase == "mlflow_download_artifacts":
        repository.download_artifacts("bench/source.bin", str(workdir / "mlflow"))
    return time.perf_counter() - began


def run_phase(phase: str, endpoint: str, workdir: str, results: Any) -> None:
    """One phase, in its own process: seconds taken (imports not timed) and peak RSS in MiB."""
    act = _mlflow_phase if phase.startswith("mlflow_") else _modelreg_phase
    seconds = act(phase, endpoint, Path(workdir))
    results.put((phase, seconds, own_peak_rss_mib()))


def run_phases(phases: list[str], endpoint: str, size: int) -> dict[str, dict[str, Any]]:
    """Each phase in a fresh process, downloads checked; their figures."""
    spawn = multiprocessing.get_context("spawn")
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="modelreg-bench-") as workdir:
        print(f"writing {size // MiB} MiB to disk ...", file=sys.stderr, flush=True)
        expected = write_file(Path(workdir) / "source.bin", size)
        for phase in phases:
            results = spawn.Queue()
            process = spawn.Process(target=run_phase, args=(phase, endpoint, workdir, results))
            process.start()
            _, seconds, peak_mib = results.get()
            process.join()
            if process.exitcode != 0:
                raise SystemExit(f"phase {phase} failed with exit code {process.exitcode}")
            # A baseline moves a few bytes: no throughput to speak of.
            rate = None if phase.endswith("baseline") else round(size / MiB / seconds, 1)
            figures[phase] = {
                "seconds": round(seconds, 2),
                "mib_per_s": rate,
                "peak_rss_mib": round(peak_mib, 1),
            }
            print(f"  {phase:<26} {figures[phase]}", file=sys.stderr, flush=True)
            if phase in DOWNLOADS:
                copy = Path(workdir) / DOWNLOADS[phase]
                if sha256(copy) != expected:
                    raise SystemExit(f"phase {phase}: downloaded bytes differ")
                copy.unlink()
    return figures


def comparisons(figures: dict[str, dict[str, Any]]) -> list[report.Comparison]:
    """modelreg's phases against MLflow's that do the same."""
    compared = []
    for case, ours, theirs in PAIRS:
        per_tool = [
            report.figures(
                throughput=figures[phase]["mib_per_s"] or None,
                p50_ms=figures[phase]["seconds"] * 1000,
                peak_mib=figures[phase]["peak_rss_mib"],
            )
            if phase in figures
            else report.figures()
            for phase in (ours, theirs)
        ]
        compared.append(report.Comparison(case, "MiB/s", *per_tool))
    return compared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size in MiB")
    parser.add_argument(
        "--target-mib", type=int, default=200, help="peak RSS allowed per modelreg phase"
    )
    parser.add_argument("--skip-mlflow", action="store_true", help="modelreg's phases only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    for name, value in [("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench")]:
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    phases = PHASES if args.skip_mlflow else PHASES + MLFLOW_PHASES
    with (
        tempfile.TemporaryDirectory(prefix="bench-moto-") as logs,
        started(moto, f"{endpoint}/moto-api/", Path(logs) / "moto.log", timeout_s=30),
    ):
        import boto3

        s3 = boto3.session.Session().client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket=BUCKET)
        figures = run_phases(phases, endpoint, args.size_mib * MiB)

    rows = [[phase, *row.values()] for phase, row in figures.items()]
    table = report.Table(
        f"{args.size_mib} MiB through S3 (moto server on loopback), one fresh process per phase",
        ["phase", "seconds", "MiB/s", "peak RSS MiB"],
        rows,
    )
    print(table.text())
    worst = max(row["peak_rss_mib"] for phase, row in figures.items() if phase in PHASES)
    verdict = "within" if worst <= args.target_mib else "ABOVE"
    note = f"worst modelreg peak {worst} MiB: {verdict} the {args.target_mib} MiB target"
    print(note)
    compared = comparisons(figures)
    report.write_summary(
        "artifacts_s3_memory",
        "The S3 artifact store (modelreg's vs MLflow's S3ArtifactRepository) against a moto "
        "server: peak memory and throughput",
        comparisons=compared,
        tables=[table],
        notes=[note],
    )
    if args.json:
        args.json.write_text(json.dumps({"size_mib": args.size_mib, "phases": figures}, indent=2))
    return 0 if worst <= args.target_mib else 1


if __name__ == "__main__":
    sys.exit(main())
