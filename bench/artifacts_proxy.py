"""Artifact throughput against file size through the artifact proxy, with a disk copy as the limit.

For each size (1 MiB, 16 MiB, 256 MiB, 1 GiB by default) a file of random bytes is written
once; then, ``--repeat`` times: ``shutil.copyfile`` of it on the same filesystem (the physical
limit; also with an ``fsync``, since modelreg syncs an upload before it is visible), and for
``modelreg server`` (one worker) and ``mlflow server --serve-artifacts`` (its defaults) a
streamed ``PUT`` of the file to ``/api/2.0/mlflow-artifacts/artifacts/...`` and a streamed
``GET`` of it back into a file. Both servers run at the same time, with their stores and
artifact folders on the same filesystem as the file, and the tools take turns within each
repeat so that a change in the machine's load hits both. Figures are medians of the repeats;
every download is checked (size and sha256) after it is timed. The servers' peak resident
memory (all their processes) is sampled during each size.

    .venv/bin/python bench/artifacts_proxy.py [--sizes-mib 1,16,256,1024] [--repeat 3]
                                              [--quick] [--skip-mlflow]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

import report
from processes import PeakRss
from servers import TOOLS, RunningServer, registry_server

MiB = 1 << 20
PROXY = "/api/2.0/mlflow-artifacts/artifacts"
DEFAULT_SIZES = "1,16,256,1024"
QUICK_SIZES = "1,16"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_random_file(path: Path, mib: int) -> None:
    """``mib`` MiB of random bytes (incompressible, so no layer can shortcut them)."""
    with path.open("wb") as out:
        for _ in range(mib):
            out.write(os.urandom(MiB))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def disk_copy(source: Path, target: Path, *, fsync: bool) -> float:
    """Seconds to copy ``source`` to ``target`` (and sync it to disk, with ``fsync``)."""
    start = time.perf_counter()
    shutil.copyfile(source, target)
    if fsync:
        with target.open("rb") as copy:
            os.fsync(copy.fileno())
    seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def round_trip(
    running: RunningServer, source: Path, scratch: Path, *, digest: str | None = None
) -> dict[str, float]:
    """Upload ``source`` through the server's proxy and download it again, timing each way.

    The download lands in ``scratch``; it is checked against ``digest`` (computed when not
    given) and removed, and so is the uploaded artifact. Also the server's resident memory
    before and at its peak during the transfers.
    """
    size = source.stat().st_size
    url = f"{running.url}{PROXY}/bench/{running.tool}/{source.name}"
    target = scratch / f"{running.tool}-{source.name}.download"
    with httpx.Client(timeout=900) as client, PeakRss(running.pid) as rss:
        start = time.perf_counter()
        with source.open("rb") as body:
            chunks = iter(lambda: body.read(MiB), b"")
            client.put(url, content=chunks, headers={"Content-Length": str(size)})
        up = time.perf_counter() - start
        start = time.perf_counter()
        with client.stream("GET", url) as response, target.open("wb") as out:
            response.raise_for_status()
            for chunk in response.iter_raw(MiB):
                out.write(chunk)
        down = time.perf_counter() - start
        with contextlib.suppress(httpx.HTTPError):
            client.delete(url)
    try:
        if target.stat().st_size != size or sha256(target) != (digest or sha256(source)):
            raise RuntimeError(f"{running.tool}: the downloaded {source.name} differs")
    finally:
        target.unlink()
    return {
        "up_s": up,
        "down_s": down,
        "up_mib_s": size / MiB / up,
        "down_mib_s": size / MiB / down,
        "rss_before_mib": rss.before,
        "rss_peak_mib": rss.peak,
        "rss_growth_mib": rss.growth,
    }


def measure_size(
    servers: list[RunningServer], mib: int, repeat: int, scratch: Path
) -> dict[str, Any]:
    """Every way of moving one file of ``mib`` MiB, ``repeat`` times, taking turns."""
    source = scratch / f"file-{mib}MiB.bin"
    write_random_file(source, mib)
    digest = sha256(source)
    samples: dict[str, list[dict[str, float]]] = {"disk": []}
    try:
        for attempt in range(repeat):
            copy = scratch / "copy.bin"
            samples["disk"].append(
                {
                    "copy_s": disk_copy(source, copy, fsync=False),
                    "copy_fsync_s": disk_copy(source, copy, fsync=True),
                }
            )
            for running in servers:
                figures = round_trip(running, source, scratch, digest=digest)
                samples.setdefault(running.tool, []).append(figures)
                progress(
                    f"  {mib} MiB #{attempt + 1} {running.tool}: up {figures['up_mib_s']:.0f} "
                    f"MiB/s, down {figures['down_mib_s']:.0f} MiB/s"
                )
    finally:
        source.unlink()
    result: dict[str, Any] = {
        "disk": {
            "copy_mib_s": mib / statistics.median(s["copy_s"] for s in samples["disk"]),
            "copy_fsync_mib_s": mib / statistics.median(s["copy_fsync_s"] for s in samples["disk"]),
        }
    }
    for running in servers:
        runs = samples[running.tool]
        up = statistics.median(run["up_s"] for run in runs)
        down = statistics.median(run["down_s"] for run in runs)
        result[running.tool] = {
            "up_s": up,
            "down_s": down,
            "up_mib_s": mib / up,
            "down_mib_s": mib / down,
            "rss_peak_mib": max(run["rss_peak_mib"] for run in runs),
            "rss_growth_mib": max(run["rss_growth_mib"] for run in runs),
        }
    return result


def size_table(results: dict[int, dict[str, Any]], repeat: int) -> report.Table:
    """MiB/s of every way, and each server's memory growth, one row per size."""
    rows = []
    for mib, figures in results.items():
        row: list[Any] = [_size(mib), figures["disk"]["copy_mib_s"]]
        row.append(figures["disk"]["copy_fsync_mib_s"])
        for tool in TOOLS:
            tool_figures = figures.get(tool, {})
            row += [tool_figures.get("up_mib_s"), tool_figures.get("down_mib_s")]
        for tool in TOOLS:
            row.append(figures.get(tool, {}).get("rss_growth_mib"))
        rows.append(row)
    headers = ["file", "disk copy", "copy+fsync", "modelreg up", "down", "mlflow up", "down"]
    headers += ["modelreg RSS growth MiB", "mlflow RSS growth MiB"]
    title = f"Artifact throughput through the proxy vs file size, MiB/s (median of {repeat})"
    return report.Table(title, headers, rows)


def comparisons(results: dict[int, dict[str, Any]]) -> list[report.Comparison]:
    """Upload and download of each size: MiB/s, seconds (as p50) and peak server memory."""
    rows = []
    for mib, figures in results.items():
        for way in ("up", "down"):
            per_tool = {
                tool: report.figures(
                    throughput=figures[tool][f"{way}_mib_s"],
                    p50_ms=figures[tool][f"{way}_s"] * 1000,
                    peak_mib=figures[tool]["rss_peak_mib"],
                )
                for tool in TOOLS
                if tool in figures
            }
            label = "upload" if way == "up" else "download"
            rows.append(
                report.Comparison(
                    f"{label} {_size(mib)}",
                    "MiB/s",
                    per_tool["modelreg"],
                    per_tool.get("mlflow", report.figures()),
                )
            )
    return rows


def _size(mib: int) -> str:
    return f"{mib // 1024} GiB" if mib >= 1024 and mib % 1024 == 0 else f"{mib} MiB"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes-mib", help=f"file sizes in MiB (default {DEFAULT_SIZES})")
    parser.add_argument("--repeat", type=int, help="transfers per size and way (default 3)")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} MiB, one repeat")
    parser.add_argument("--skip-mlflow", action="store_true", help="measure modelreg only")
    args = parser.parse_args(argv)
    sizes = args.sizes_mib or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    args.sizes_mib = sorted({int(part) for part in sizes.split(",") if part.strip()})
    args.repeat = args.repeat or (1 if args.quick else 3)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    tools = ("modelreg",) if args.skip_mlflow else TOOLS
    results: dict[int, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-artifacts-") as temp,
        contextlib.ExitStack() as stack,
    ):
        scratch = Path(temp)
        servers = [
            stack.enter_context(
                registry_server(
                    tool,
                    scratch / tool,
                    log=report.RESULTS_DIR / f"artifacts_proxy-{tool}-server.log",
                )
            )
            for tool in tools
        ]
        for mib in args.sizes_mib:
            progress(f"{_size(mib)}: {args.repeat} transfer(s) each way")
            results[mib] = measure_size(servers, mib, args.repeat, scratch)
    table = size_table(results, args.repeat)
    compared = comparisons(results)
    report.write_results(
        "artifacts_proxy",
        "local",
        {"machine": report.machine(), "repeat": args.repeat, "sizes": results},
    )
    report.write_summary(
        "artifacts_proxy",
        "Artifact upload/download through the server's proxy vs file size, against a disk copy",
        comparisons=compared,
        tables=[table],
    )
    print(table.text())
    print()
    print(report.comparison_table(("artifacts_proxy", c) for c in compared).text())


if __name__ == "__main__":
    main()
