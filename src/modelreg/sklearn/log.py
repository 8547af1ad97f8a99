"""``modelreg.sklearn.log_model``: save an estimator into the active run, and register it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modelreg.fluent import ModelInfo, log_model_folder
from modelreg.models import ModelSignature
from modelreg.sklearn.flavor import write_model_folder
from modelreg.sklearn.serialization import SKOPS


def log_model(
    sk_model: Any,
    artifact_path: str | None = None,
    *,
    name: str | None = None,
    registered_model_name: str | None = None,
    serialization_format: str = SKOPS,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> ModelInfo:
    """Log a scikit-learn model to the active run (one is started if none is active).

    Args:
        sk_model: the fitted estimator or pipeline.
        artifact_path: where in the run's artifacts (MLflow 2's name; ``name`` is MLflow 3's).
        name: the same as ``artifact_path``; ``"model"`` when neither is given.
        registered_model_name: register the logged model as a new version of this model.
        serialization_format, signature, input_example, pip_requirements, metadata: as for
            :func:`modelreg.sklearn.save_model`.

    Example:
        >>> with modelreg.start_run():
        ...     modelreg.sklearn.log_model(pipe, name="model", registered_model_name="Unicorn")
    """
    return log_model_folder(
        lambda folder, mlmodel: write_model_folder(
            folder,
            sk_model,
            mlmodel=mlmodel,
            serialization_format=serialization_format,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            metadata=metadata,
        ),
        name or artifact_path or "model",
        registered_model_name,
    )
