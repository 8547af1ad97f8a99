"""The UI in real headless Chromium, against a real ``modelreg server`` process.

The server runs on a free loopback port over a SQLite file that the test first fills with
modelreg's fluent API (a run that logs a scikit-learn model). Each test drives the pages as a
user would; screenshots of the main pages land in ``test-output/screenshots/``.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and the ``playwright`` package (its own
browser download is not used); ``make test`` installs both, and the tests fail, rather than
skip, when either is missing.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest

import modelreg
import modelreg.fluent
import modelreg.sklearn
from modelreg.config import ARTIFACT_ROOT_ENV
from tests.startups import make_pipeline, make_startups

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


Browser = playwright_api.Browser
Page = playwright_api.Page
expect = playwright_api.expect


@pytest.fixture(autouse=True, scope="module")
def _chromium_present() -> None:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: `make test` installs it.")


@dataclass(frozen=True)
class Server:
    """A running ``modelreg server`` and the run the test logged beforehand."""

    url: str
    run_id: str
    run_name: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer at {url}/health:\n{log.read_text()}")


def _log_training_run(tracking_uri: str, artifacts: Path) -> str:
    """A run logged with the fluent API: params, a metric history and a sklearn model."""
    frame = make_startups()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ARTIFACT_ROOT_ENV, str(artifacts))
        modelreg.set_tracking_uri(tracking_uri)
        try:
            with modelreg.start_run(run_name="baseline") as run:
                modelreg.log_params({"alpha": 0.1, "rows": len(frame)})
                for step, value in enumerate([0.62, 0.81, 0.9, 0.95]):
                    modelreg.log_metric("r2", value, step=step)
                modelreg.sklearn.log_model(
                    make_pipeline(frame), name="model", input_example=frame.head(2)
                )
            modelreg.fluent.client().close()
        finally:
            modelreg.set_tracking_uri(None)
    return str(run.info.run_id)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server process on a registry holding one logged run."""
    folder = tmp_path_factory.mktemp("ui-browser")
    tracking_uri = f"sqlite:///{folder / 'registry.db'}"
    artifacts = folder / "artifacts"
    run_id = _log_training_run(tracking_uri, artifacts)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    command = [sys.executable, "-m", "modelreg.cli.app", "--tracking-uri", tracking_uri]
    command += ["server", "--port", str(port), "--artifacts-destination", str(artifacts)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(url, process, log)
        yield Server(url, run_id, "baseline")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, shared by the module's tests."""
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh light-mode tab; console errors (CSP violations, script errors) fail the test."""
    context = browser.new_context(
        base_url=server.url, color_scheme="light", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
    yield tab
    context.close()
    assert errors == []


def shoot(page: Page, name: str) -> None:
    """Save a full-page screenshot for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def flash(page: Page) -> str:
    """The text of the page's flash message."""
    return page.locator(".flash").first.inner_text()


def create_model(page: Page, name: str, description: str = "") -> None:
    page.goto("/")
    page.get_by_text("New model").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Description (Markdown)").fill(description)
    page.get_by_role("button", name="Create model").click()
    expect(page).to_have_url(re.compile(rf"/models/{re.escape(name)}$"))


def register_from_run(page: Page, server: Server, model: str) -> None:
    page.goto("/experiments")
    page.get_by_role("link", name="Default").click()
    page.get_by_role("link", name=server.run_name).click()
    page.get_by_role("link", name="model/").click()
    page.get_by_label("as the next version of an existing model").check()
    page.get_by_label("Model name").fill(model)
    page.get_by_role("button", name="Register model").click()


def move(page: Page, stage: str, *, archive: bool = False) -> None:
    """Use the version page's stage control, then confirm."""
    page.get_by_label("Move to").select_option(stage)
    box = page.get_by_label("Archive the versions already in this stage")
    if archive:
        box.check()
    page.get_by_role("button", name="Move…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"to {stage}?")
    if archive:
        expect(page.locator("main")).to_contain_text("will be moved to Archived")
    page.get_by_role("button", name=f"Move to {stage}").click()
    expect(page.locator(".flash")).to_contain_text(f"moved to {stage}")


def test_model_lifecycle_in_the_browser(page: Page, server: Server) -> None:
    # A model, from the models list.
    create_model(page, "Unicorn", "Predicts **profit** of startups.")
    assert flash(page) == "Model 'Unicorn' created."
    expect(page.locator(".markdown strong")).to_have_text("profit")

    # Two versions, registered from the run's model folder.
    register_from_run(page, server, "Unicorn")
    expect(page).to_have_url(re.compile(r"/models/Unicorn/versions/1$"))
    expect(page.locator("table.schema").first).to_contain_text("R&D Spend")
    expect(page.locator("#model-uri")).to_have_text("models:/Unicorn/1")
    register_from_run(page, server, "Unicorn")
    expect(page).to_have_url(re.compile(r"/models/Unicorn/versions/2$"))

    # Version 1 straight to Production; version 2 None -> Staging -> Production, archiving 1.
    page.goto("/models/Unicorn/versions/1")
    move(page, "Production")
    page.goto("/models/Unicorn/versions/2")
    expect(page.locator("h1 .badge")).to_have_text("None")
    # The script allows archiving only for Staging and Production.
    page.get_by_label("Move to").select_option("Archived")
    expect(page.get_by_label("Archive the versions already in this stage")).to_be_disabled()
    move(page, "Staging")
    expect(page.locator("h1 .badge")).to_have_text("Staging")
    move(page, "Production", archive=True)
    expect(page.locator("h1 .badge")).to_have_text("Production")

    # An alias.
    page.get_by_role("textbox", name="Alias", exact=True).fill("champion")
    page.get_by_role("button", name="Set alias here").click()
    assert flash(page) == "Alias 'champion' now points at version 2."
    expect(page.locator("#alias-uri-1")).to_have_text("models:/Unicorn@champion")
    shoot(page, "version")

    page.get_by_role("link", name="Unicorn").first.click()
    rows = page.locator("table.versions tbody tr")
    expect(rows.nth(0)).to_contain_text("Production")
    expect(rows.nth(0)).to_contain_text("@champion")
    expect(rows.nth(1)).to_contain_text("Archived")
    shoot(page, "model")

    # Search the list with a LIKE filter.
    create_model(page, "Pegasus")
    page.goto("/")
    expect(page.locator("table.models")).to_contain_text("Pegasus")
    page.get_by_label("Search models").fill("name LIKE 'Uni%'")
    page.get_by_label("Search models").press("Enter")
    expect(page).to_have_url(re.compile(r"q=name\+LIKE\+%27Uni%25%27"))
    rows = page.locator("table.models tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Unicorn")
    expect(rows.first).to_contain_text("@champion → v2")
    shoot(page, "models")

    # The history shows every step, newest first.
    page.goto("/models/Unicorn")
    page.get_by_role("link", name="History").click()
    events = page.locator("ol.timeline li strong")
    expect(events).to_have_text(
        [
            "Alias @champion set on version 2",
            "Version 2 moved from Staging to Production",
            "Version 1 moved from Production to Archived",
            "Version 2 moved from None to Staging",
            "Version 1 moved from None to Production",
            "Version 2 is READY",
            "Version 2 registered",
            "Version 1 is READY",
            "Version 1 registered",
            "Model Unicorn created",
        ]
    )
    shoot(page, "history")


def test_runs_pages_in_the_browser(page: Page, server: Server) -> None:
    page.goto("/experiments")
    page.get_by_role("link", name="Default").click()
    table = page.locator("table.runs")
    expect(table).to_contain_text("alpha")
    expect(table).to_contain_text("0.95")
    shoot(page, "runs")
    page.get_by_role("link", name=server.run_name).click()
    expect(page.locator("svg.chart")).to_have_count(1)
    expect(page.locator("svg.chart polyline")).to_have_count(1)
    page.get_by_role("link", name="model/").click()
    expect(page.get_by_role("button", name="Register model")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("row", name=re.compile(r"^MLmodel")).get_by_role("link").click()
    assert download.value.suggested_filename == "MLmodel"
    shoot(page, "run")


def test_markup_in_a_description_is_shown_as_text(page: Page, server: Server) -> None:
    attack = (
        '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> '
        "[x](javascript:window.pwned=3)"
    )
    create_model(page, "Mallory", attack)
    description = page.locator(".markdown")
    expect(description).to_contain_text('<img src=x onerror="window.pwned=1">')
    expect(description).to_contain_text("<script>window.pwned=2</script>")
    expect(description.locator("img, script, a")).to_have_count(0)
    assert page.evaluate("window.pwned") is None
    page.goto("/")
    assert page.evaluate("window.pwned") is None


def test_dark_mode_follows_the_system(browser: Browser, server: Server) -> None:
    context = browser.new_context(
        base_url=server.url, color_scheme="dark", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.goto("/")
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 18, 22)"
    shoot(tab, "models-dark")
    context.close()


def test_a_missing_model_is_a_404_page(browser: Browser, server: Server) -> None:
    context = browser.new_context(base_url=server.url)
    tab = context.new_page()
    response = tab.goto("/models/nobody")
    assert response is not None
    assert response.status == 404
    expect(tab.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(tab.locator(".message")).to_have_text("Registered Model with name=nobody not found")
    context.close()
