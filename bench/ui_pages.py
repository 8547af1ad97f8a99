"""Benchmark the web UI's pages on a registry of 10,000 models (three versions each).

Run from the repository root::

    .venv/bin/python bench/ui_pages.py [--models 10000] [--calls 300] [--http]

Seeds a SQLite registry through ``SqlRegistryStore.write()`` transactions (the same models
as ``registry_store.py``: a team tag, three versions in assorted stages, a ``champion``
alias), then times whole page requests — routing, the service calls, template rendering —
in-process through Starlette's TestClient, and with ``--http`` also over HTTP against a
``modelreg server`` process. Tables go to stdout, progress to stderr, raw figures to
``bench/results/ui_pages-sqlite.json``. Target: p50 under 50 ms for the models list and a
model page.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from fastapi.testclient import TestClient

import registry_store
import report
import workload
from modelreg.backend import open_local_backend
from modelreg.config import Settings
from modelreg.server import create_app
from servers import registry_server

TARGET_P50_MS = 50.0


def progress(message: str) -> None:
    """Progress lines go to stderr, so stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


def page_urls(models: int, calls: int) -> dict[str, list[str]]:
    """The URLs each measured page is requested with (random models, seeded)."""
    picks = workload.read_picks(models, calls)
    rng = random.Random(workload.DEFAULT_SEED)
    return {
        "models list (first page)": ["/"] * calls,
        "models list, sorted by update": ["/?order_by=last_updated_timestamp+DESC"] * calls,
        "models list, LIKE filter": [
            "/?" + urlencode({"q": f"name LIKE '{prefix}%'"}) for prefix in picks.like_prefixes
        ],
        "models list, plain-text search": [
            "/?" + urlencode({"q": name[-4:]}) for name in rng.sample(picks.names, len(picks.names))
        ],
        "model page": [f"/models/{quote(name)}" for name in picks.names],
        "model history": [f"/models/{quote(name)}/history" for name in picks.names],
    }


def with_next_pages(get: Callable[[str], Any], urls: dict[str, list[str]]) -> None:
    """Add the second page of the LIKE search (its token taken from the first page)."""
    second = []
    for url in urls["models list, LIKE filter"]:
        html = get(url).text
        start = html.index('rel="next"') if 'rel="next"' in html else -1
        if start < 0:
            raise RuntimeError(f"{url} has no next page")
        href = html.rfind('href="', 0, start)
        second.append(html[href + 6 : html.index('"', href + 6)].replace("&amp;", "&"))
    urls["models list, LIKE filter, page 2"] = second


def measure(get: Callable[[str], Any], urls: dict[str, list[str]]) -> dict[str, Any]:
    """Time every page's URLs; each request must answer 200."""

    def call(url: str) -> None:
        response = get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    results = {}
    for page, page_list in urls.items():
        results[page] = report.summarize(report.time_calls(call, page_list))
        progress(f"  {page}: p50 {results[page]['p50_ms']:.1f} ms")
    return results


def table(results: dict[str, dict[str, Any]], models: int) -> report.Table:
    rows = []
    for transport, pages in results.items():
        for page, summary in pages.items():
            ok = "yes" if summary["p50_ms"] < TARGET_P50_MS else "NO"
            rows.append([transport, page, summary["p50_ms"], summary["p99_ms"], ok])
    headers = ["transport", "page", "p50 ms", "p99 ms", f"p50 < {TARGET_P50_MS:.0f} ms"]
    title = f"Web UI pages, SQLite, {models:,} models x {workload.VERSIONS_PER_MODEL} versions"
    return report.Table(title, headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--http", action="store_true", help="also measure over HTTP")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="modelreg-bench-ui-") as folder:
        tracking_uri = f"sqlite:///{folder}/registry.db"
        settings = Settings.resolve(tracking_uri, artifact_root=f"{folder}/artifacts")
        backend = open_local_backend(settings, local_sources=False)
        progress(f"seeding {args.models:,} models...")
        seconds = registry_store.seed(backend.registry.store, 0, args.models, batch=1000)
        progress(f"  seeded in {seconds:.1f} s")
        urls = page_urls(args.models, args.calls)
        results: dict[str, dict[str, Any]] = {}
        with TestClient(create_app(settings, backend=backend)) as client:
            with_next_pages(client.get, urls)
            progress("in-process (TestClient):")
            results["in-process"] = measure(client.get, urls)
        backend.close()
        if args.http:
            with (
                registry_server("modelreg", Path(folder) / "server", store_uri=tracking_uri) as s,
                httpx.Client(base_url=s.url) as http,
            ):
                progress(f"over HTTP ({s.url}):")
                results["http"] = measure(http.get, urls)

    pages = table(results, args.models)
    print(pages.text())
    report.write_summary(
        "ui_pages",
        "Web UI pages (modelreg only: MLflow's UI is a JavaScript app with no server-rendered "
        "pages to compare)",
        tables=[pages],
    )
    path = report.write_results(
        "ui_pages",
        "sqlite",
        {
            "models": args.models,
            "calls": args.calls,
            "machine": report.machine(),
            "results": results,
        },
    )
    progress(f"raw figures: {path}")


if __name__ == "__main__":
    main()
