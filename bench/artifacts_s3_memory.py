"""Peak memory and throughput of the S3 artifact store moving a 1 GiB file.

Run from the repository root, with the ``s3`` and ``dev`` extras (boto3, ``moto[server]``)::

    .venv/bin/python bench/artifacts_s3_memory.py [--size-mib 1024] [--json out.json]

A moto S3 server runs as a separate process on a free loopback port (it keeps the object in
its own memory: that is the server's, not ours). The file is written to disk in 1 MiB chunks.
Each phase runs in a fresh process, so its ``ru_maxrss`` is the peak of that phase alone:

- ``baseline``: import modelreg and boto3, create the store, upload a tiny file;
- ``put_file`` / ``download_file``: by file name (multipart, parallel ranged GETs);
- ``put_stream`` / ``open``: from an open file object, and reading the body in chunks.

Exits with status 1 if a phase peaks above ``--target-mib`` (200 MiB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from modelreg.artifacts import artifact_store_for

MiB = 1024 * 1024
BUCKET = "bench"
KEY = "bench/model.bin"
PHASES = ["baseline", "put_file", "download_file", "put_stream", "open"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1):
                return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("moto server did not start")


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


def run_phase(phase: str, endpoint: str, workdir: str, results: Any) -> None:
    """One phase, in its own process: seconds taken and peak RSS (KiB on Linux)."""
    store = artifact_store_for(
        f"s3://{BUCKET}/modelreg", environ={"MLFLOW_S3_ENDPOINT_URL": endpoint}
    )
    source = Path(workdir) / "source.bin"
    target = Path(workdir) / f"{phase}.bin"
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
    seconds = time.perf_counter() - began
    results.put((phase, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--target-mib", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    size = args.size_mib * MiB

    for name, value in [("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench")]:
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = start_moto(port)
    spawn = multiprocessing.get_context("spawn")
    figures: dict[str, dict[str, float]] = {}
    try:
        import boto3

        boto3.session.Session().client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        with tempfile.TemporaryDirectory(prefix="modelreg-bench-") as workdir:
            print(f"writing {args.size_mib} MiB to disk ...", file=sys.stderr, flush=True)
            expected = write_file(Path(workdir) / "source.bin", size)
            for phase in PHASES:
                results = spawn.Queue()
                process = spawn.Process(target=run_phase, args=(phase, endpoint, workdir, results))
                process.start()
                _, seconds, maxrss_kib = results.get()
                process.join()
                if process.exitcode != 0:
                    raise SystemExit(f"phase {phase} failed with exit code {process.exitcode}")
                moved = 0 if phase == "baseline" else size
                figures[phase] = {
                    "seconds": round(seconds, 2),
                    "mib_per_s": round(moved / MiB / seconds, 1),
                    "peak_rss_mib": round(maxrss_kib / 1024, 1),
                }
                print(f"  {phase:<14} {figures[phase]}", file=sys.stderr, flush=True)
                if phase in ("download_file", "open"):
                    copy = Path(workdir) / f"{phase}.bin"
                    if sha256(copy) != expected:
                        raise SystemExit(f"phase {phase}: downloaded bytes differ")
                    copy.unlink()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"\n{args.size_mib} MiB through S3ArtifactStore (moto server on loopback)")
    print(f"{'phase':<14} {'seconds':>8} {'MiB/s':>8} {'peak RSS MiB':>13}")
    for phase, row in figures.items():
        print(f"{phase:<14} {row['seconds']:>8} {row['mib_per_s']:>8} {row['peak_rss_mib']:>13}")
    worst = max(row["peak_rss_mib"] for row in figures.values())
    verdict = "within" if worst <= args.target_mib else "ABOVE"
    print(f"worst peak {worst} MiB: {verdict} the {args.target_mib} MiB target")
    if args.json:
        args.json.write_text(json.dumps({"size_mib": args.size_mib, "phases": figures}, indent=2))
    return 0 if worst <= args.target_mib else 1


if __name__ == "__main__":
    sys.exit(main())
