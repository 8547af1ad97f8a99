"""The serving package's settings hand-off and its cheap import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import modelreg.serving
from modelreg.config import Settings
from modelreg.errors import InvalidParameterValue
from modelreg.serving import CanarySpec, ServingSettings


def test_settings_survive_the_trip_to_the_workers(tmp_path: Path) -> None:
    settings = ServingSettings(
        Settings("sqlite:///r.db", str(tmp_path / "art"), tmp_path / "cache"),
        poll_interval=0.5,
        timeout=3,
        max_body_bytes=10,
        max_rows=2,
        batching=False,
        load_before_serving=True,
        canaries=(CanarySpec("models:/U@c", "U", 5.0),),
    )
    uris = ["models:/U/Production", "x=./model"]
    assert ServingSettings.from_json(settings.to_json(uris)) == (uris, settings)


@pytest.mark.parametrize(
    "options",
    [{"poll_interval": -1}, {"timeout": 0}, {"max_rows": 0}, {"max_body_bytes": 0}],
)
def test_settings_refuse_nonsense(tmp_path: Path, options: dict[str, float]) -> None:
    with pytest.raises(InvalidParameterValue):
        ServingSettings(Settings("sqlite://", str(tmp_path), tmp_path), **options)  # type: ignore[arg-type]


def test_importing_serving_loads_no_heavy_library() -> None:
    heavy = ("sqlalchemy", "pandas", "numpy", "sklearn", "uvicorn", "mlflow")
    code = (
        f"import sys, modelreg.serving; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_public_names() -> None:
    assert sorted(modelreg.serving.__all__) == [
        "CanarySpec",
        "ModelSpec",
        "ServingSettings",
        "create_scoring_app",
    ]
