"""``pyfunc.save_model``: save a custom :class:`PythonModel` as an MLflow model folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modelreg.models.folder import save_model_folder
from modelreg.models.mlmodel import MLmodel
from modelreg.models.signature import ModelSignature
from modelreg.pyfunc import python_model_flavor
from modelreg.pyfunc.python_model import PythonModel

__all__ = ["save_model"]


def save_model(
    path: str | os.PathLike[str],
    *,
    python_model: PythonModel,
    artifacts: dict[str, str] | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> MLmodel:
    """Save ``python_model`` and its artifacts as a model folder at ``path`` (new or empty).

    Args:
        path: the folder to create.
        python_model: the model, pickled with cloudpickle (MLflow's format).
        artifacts: name -> local path (or ``file://`` URI) of files or folders the model
            needs; they are copied into the folder and handed to ``load_context``.
        signature: the model's signature; inferred from ``input_example`` and the model's
            prediction on it when omitted.
        input_example: example input, saved beside the model.
        pip_requirements: requirements to write instead of the pinned defaults.
        metadata: free-form metadata stored in ``MLmodel``.

    Returns:
        The ``MLmodel`` written.

    Example:
        >>> modelreg.pyfunc.save_model("model", python_model=AddN(), artifacts={"n": "n.txt"})
    """
    return save_model_folder(
        path,
        lambda directory: python_model_flavor.write_model_folder(
            directory,
            python_model=python_model,
            mlmodel=MLmodel(),
            artifacts=artifacts,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            metadata=metadata,
        ),
    )
