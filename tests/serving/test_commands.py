"""``modelreg models predict`` and the checks ``modelreg models serve`` makes before serving."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pandas as pd
import pytest
from typer.testing import CliRunner, Result

import modelreg.pyfunc
from modelreg import Client
from modelreg.cli.app import app
from modelreg.config import Settings
from tests.serving.conftest import split_body


@pytest.fixture
def run(registry_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MODELREG_CACHE_DIR", str(registry_settings.cache_dir))
    monkeypatch.setenv("MODELREG_ARTIFACT_ROOT", registry_settings.artifact_root)
    return CliRunner(env={"COLUMNS": "200"})


def _invoke(runner: CliRunner, settings: Settings, *args: str) -> Result:
    return runner.invoke(
        app, ["--tracking-uri", settings.tracking_uri, "models", *args], catch_exceptions=False
    )


def _expected(model_v1: Path, frame: pd.DataFrame) -> list[float]:
    return [float(x) for x in modelreg.pyfunc.load_model(str(model_v1)).predict(frame)]


def test_predict_json_file_to_an_output_file(
    run: CliRunner, registry_settings: Settings, unicorn: Client, model_v1: Path,
    startups: pd.DataFrame, tmp_path: Path,
) -> None:  # fmt: skip
    request = tmp_path / "in.json"
    request.write_bytes(orjson.dumps(split_body(startups.head(3))))
    output = tmp_path / "out.json"
    result = _invoke(
        run, registry_settings, "predict", "-m", "models:/Unicorn/Production",
        "-i", str(request), "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text()) == {"predictions": _expected(model_v1, startups.head(3))}


def test_predict_csv_to_stdout(
    run: CliRunner, registry_settings: Settings, model_v1: Path, startups: pd.DataFrame,
    tmp_path: Path,
) -> None:  # fmt: skip
    request = tmp_path / "in.csv"
    startups.head(2).to_csv(request, index=False)
    result = _invoke(run, registry_settings, "predict", "-m", str(model_v1), "-i", str(request))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"predictions": _expected(model_v1, startups.head(2))}


def test_predict_reports_bad_input(
    run: CliRunner, registry_settings: Settings, model_v1: Path, tmp_path: Path
) -> None:
    request = tmp_path / "in.json"
    request.write_text('{"dataframe_split": {"columns": ["State"], "data": [["Ohio"]]}}')
    result = _invoke(run, registry_settings, "predict", "-m", str(model_v1), "-i", str(request))
    assert result.exit_code == 2
    assert "missing inputs ['R&D Spend', 'Administration', 'Marketing Spend']" in result.stderr
    assert "(SCHEMA_ENFORCEMENT_FAILED)" in result.stderr
    other = _invoke(
        run, registry_settings, "predict", "-m", str(model_v1), "-i", str(request), "-t", "xml"
    )
    assert other.exit_code == 2
    assert "Unsupported input type 'xml'" in other.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-h", "127.0.0.1", "-p", "5001", "-m", "models:/Pegasus/Production"], "Pegasus"),
        (["-m", "models:/Unicorn/Staging"], "no versions in stage 'Staging'"),
        (["-m", "models:/Unicorn@ghost"], "ghost"),
        (["-m", "/nowhere/model"], "No model folder"),
        (["-m", "models:/Unicorn/1", "-m", "models:/Unicorn/2"], "Several served models"),
        (["-m", "models:/Unicorn/1", "--canary", "models:/Unicorn/2"], "Invalid canary"),
    ],
)
def test_serve_refuses_what_it_cannot_serve_before_starting(
    run: CliRunner, registry_settings: Settings, unicorn: Client, args: list[str], message: str
) -> None:
    result = _invoke(run, registry_settings, "serve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_serve_refuses_a_folder_without_a_model(
    run: CliRunner, registry_settings: Settings, tmp_path: Path
) -> None:
    result = _invoke(run, registry_settings, "serve", "-m", str(tmp_path))
    assert result.exit_code == 2
    assert "has no MLmodel file" in result.stderr


def test_serve_help_lists_the_options(run: CliRunner, registry_settings: Settings) -> None:
    result = _invoke(run, registry_settings, "serve", "--help")
    assert result.exit_code == 0
    for option in ("--model-uri", "--host", "--port", "--workers", "--timeout", "--poll-interval",
                   "--max-body-bytes", "--max-rows", "--canary", "--no-batching"):  # fmt: skip
        assert option in result.stdout
