"""``modelreg.pyfunc.log_model``: save a PythonModel into the active run, and register it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modelreg.fluent import ModelInfo, log_model_folder
from modelreg.models import ModelSignature
from modelreg.pyfunc.python_model import PythonModel
from modelreg.pyfunc.python_model_flavor import write_model_folder


def log_model(
    artifact_path: str | None = None,
    *,
    name: str | None = None,
    python_model: PythonModel,
    artifacts: dict[str, str] | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> ModelInfo:
    """Log a PythonModel to the active run (one is started if none is active).

    Example:
        >>> modelreg.pyfunc.log_model(name="model", python_model=MyModel(),
        ...                           registered_model_name="Unicorn")
    """
    return log_model_folder(
        lambda folder, mlmodel: write_model_folder(
            folder,
            python_model=python_model,
            mlmodel=mlmodel,
            artifacts=artifacts,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            metadata=metadata,
        ),
        name or artifact_path or "model",
        registered_model_name,
    )
