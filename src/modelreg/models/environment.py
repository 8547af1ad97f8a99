"""A model folder's environment files: ``requirements.txt``, ``python_env.yaml``, ``conda.yaml``.

Same shapes as MLflow's. The requirements are the packages a flavor needs to load the model,
pinned to the installed versions; ``mlflow`` itself is not listed (modelreg lists itself
only when the saved model cannot be loaded without it).
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from modelreg.__about__ import __version__

__all__ = [
    "CONDA_ENV_FILE_NAME",
    "PYTHON_ENV_FILE_NAME",
    "REQUIREMENTS_FILE_NAME",
    "modelreg_requirement",
    "pinned_requirements",
    "read_requirements",
    "write_environment_files",
]

REQUIREMENTS_FILE_NAME = "requirements.txt"
PYTHON_ENV_FILE_NAME = "python_env.yaml"
CONDA_ENV_FILE_NAME = "conda.yaml"

_BUILD_PACKAGES = ("pip", "setuptools", "wheel")


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def pinned_requirements(distributions: Iterable[str]) -> list[str]:
    """``name==version`` for each installed distribution (bare name if not installed), sorted."""
    result = []
    for name in sorted(set(distributions)):
        version = installed_version(name)
        result.append(f"{name}=={version}" if version else name)
    return result


def modelreg_requirement() -> str:
    """The requirement on this version of modelreg."""
    return f"modelreg=={__version__}"


def read_requirements(source: Sequence[str] | str | Path) -> list[str]:
    """Requirements given as a list, or as a requirements file (a ``str`` or ``Path``)."""
    if isinstance(source, str | Path):
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    else:
        lines = list(source)
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def write_environment_files(directory: Path, requirements: Sequence[str]) -> None:
    """Write ``requirements.txt``, ``python_env.yaml`` and ``conda.yaml`` into ``directory``."""
    python = platform.python_version()
    (directory / REQUIREMENTS_FILE_NAME).write_text("\n".join(requirements), encoding="utf-8")
    python_env = {
        "python": python,
        "build_dependencies": [
            f"{name}=={version}" if (version := installed_version(name)) else name
            for name in _BUILD_PACKAGES
        ],
        "dependencies": [f"-r {REQUIREMENTS_FILE_NAME}"],
    }
    with (directory / PYTHON_ENV_FILE_NAME).open("w", encoding="utf-8") as file:
        yaml.safe_dump(python_env, file, sort_keys=False, default_flow_style=False)
    pip_version = installed_version("pip")
    conda_env = {
        "name": "mlflow-env",
        "channels": ["conda-forge"],
        "dependencies": [
            f"python={python}",
            f"pip<={pip_version}" if pip_version else "pip",
            {"pip": list(requirements)},
        ],
    }
    with (directory / CONDA_ENV_FILE_NAME).open("w", encoding="utf-8") as file:
        yaml.safe_dump(conda_env, file, default_flow_style=False)
