"""Writing and opening model folders: the steps every flavor shares.

A flavor's ``write_model_folder`` writes its own files, then calls :func:`finish_model_folder`
to add ``MLmodel``, the environment files and the checksums manifest. Loaders call
:func:`open_model_folder`, which verifies the manifest before reading ``MLmodel``.
"""

from __future__ import annotations

import os
import platform
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from modelreg.errors import ResourceAlreadyExists
from modelreg.models.checksums import verify_checksums, write_checksums
from modelreg.models.environment import (
    CONDA_ENV_FILE_NAME,
    PYTHON_ENV_FILE_NAME,
    write_environment_files,
)
from modelreg.models.mlmodel import MLmodel

__all__ = [
    "PYFUNC_FLAVOR_NAME",
    "finish_model_folder",
    "open_model_folder",
    "prepare_model_directory",
    "python_function_config",
    "save_model_folder",
    "total_file_size",
]

PYFUNC_FLAVOR_NAME = "python_function"


def prepare_model_directory(path: str | os.PathLike[str]) -> Path:
    """Create the folder a model is saved into; it must not exist or be empty (as in MLflow)."""
    directory = Path(path)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ResourceAlreadyExists(f"Path '{directory}' already exists and is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def save_model_folder(path: str | os.PathLike[str], write: Callable[[Path], MLmodel]) -> MLmodel:
    """Create the folder at ``path``, fill it with ``write``; on failure, leave nothing behind."""
    existed = Path(path).is_dir()
    directory = prepare_model_directory(path)
    try:
        return write(directory)
    except BaseException:
        if existed:
            for child in directory.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(directory, ignore_errors=True)
        raise


def python_function_config(
    loader_module: str, *, model_path: str | None = None, **config: Any
) -> dict[str, Any]:
    """The ``python_function`` flavor's configuration, as MLflow's ``pyfunc.add_to_model``."""
    result = dict(config)
    result["loader_module"] = loader_module
    result["python_version"] = platform.python_version()
    if model_path is not None:
        result["model_path"] = model_path
    result["env"] = {"conda": CONDA_ENV_FILE_NAME, "virtualenv": PYTHON_ENV_FILE_NAME}
    return result


def total_file_size(directory: Path) -> int:
    """The bytes of all files under ``directory``."""
    return sum(
        (Path(root) / name).stat().st_size
        for root, _, names in os.walk(directory)
        for name in names
    )


def finish_model_folder(directory: Path, mlmodel: MLmodel, requirements: Sequence[str]) -> MLmodel:
    """Write ``MLmodel``, the environment files and the checksums manifest.

    ``model_size_bytes`` counts the files written so far (model data, examples, artifacts),
    as MLflow counts them before writing its descriptor and environment files.
    """
    mlmodel.model_size_bytes = total_file_size(directory) or None
    mlmodel.save(directory)
    write_environment_files(directory, requirements)
    write_checksums(directory)
    return mlmodel


def open_model_folder(directory: Path) -> MLmodel:
    """The folder's ``MLmodel``, after checking its files against the manifest if it has one."""
    verify_checksums(directory)
    return MLmodel.load(directory)
