"""requirements.txt, python_env.yaml and conda.yaml in MLflow's shapes."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

import pytest
import yaml
from sklearn.pipeline import Pipeline

import modelreg.sklearn
from modelreg.__about__ import __version__
from tests.models.conftest import read_text


def pinned(name: str) -> str:
    return f"{name}=={importlib.metadata.version(name)}"


@pytest.mark.parametrize(
    ("serialization_format", "extra"), [("skops", ["skops"]), ("cloudpickle", ["cloudpickle"])]
)
def test_sklearn_requirements_are_pinned_to_installed_versions(
    tmp_path: Path, pipeline: Pipeline, serialization_format: str, extra: list[str]
) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path / "m", serialization_format=serialization_format)
    expected = sorted(["numpy", "pandas", "scikit-learn", "scipy", *extra])
    assert read_text(tmp_path / "m" / "requirements.txt") == "\n".join(pinned(n) for n in expected)


def test_python_env_and_conda_files_have_mlflows_shape(saved_pipeline: Path) -> None:
    python = platform.python_version()
    python_env = read_text(saved_pipeline / "python_env.yaml")
    assert python_env.startswith(f"python: {python}\nbuild_dependencies:\n- {pinned('pip')}\n")
    assert python_env.endswith("dependencies:\n- -r requirements.txt\n")
    conda = yaml.safe_load(read_text(saved_pipeline / "conda.yaml"))
    requirements = read_text(saved_pipeline / "requirements.txt").split("\n")
    assert conda == {
        "channels": ["conda-forge"],
        "dependencies": [
            f"python={python}",
            f"pip<={importlib.metadata.version('pip')}",
            {"pip": requirements},
        ],
        "name": "mlflow-env",
    }


def test_explicit_requirements_replace_the_defaults(tmp_path: Path, pipeline: Pipeline) -> None:
    modelreg.sklearn.save_model(pipeline, tmp_path / "m", pip_requirements=["scikit-learn>=1.4"])
    assert read_text(tmp_path / "m" / "requirements.txt") == "scikit-learn>=1.4"


def test_requirements_file_path_is_read(tmp_path: Path, pipeline: Pipeline) -> None:
    (tmp_path / "reqs.txt").write_text("# pinned\nnumpy\n\nscikit-learn\n", encoding="utf-8")
    modelreg.sklearn.save_model(
        pipeline, tmp_path / "m", pip_requirements=str(tmp_path / "reqs.txt")
    )
    assert read_text(tmp_path / "m" / "requirements.txt") == "numpy\nscikit-learn"


def test_modelreg_requirement_version_is_ours() -> None:
    from modelreg.models.environment import modelreg_requirement

    assert modelreg_requirement() == f"modelreg=={__version__}"
