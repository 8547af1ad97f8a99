"""Saving and loading scikit-learn models in MLflow's ``sklearn`` flavor.

The folder carries two flavors: ``sklearn`` (the estimator file and how it is serialized)
and ``python_function`` with ``loader_module: mlflow.sklearn``, so MLflow loads our folders
and we load MLflow's (``modelreg.sklearn`` is accepted as the loader module too).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.environment import pinned_requirements, read_requirements
from modelreg.models.errors import UnsupportedModelFlavor
from modelreg.models.folder import (
    PYFUNC_FLAVOR_NAME,
    finish_model_folder,
    open_model_folder,
    python_function_config,
    save_model_folder,
)
from modelreg.models.input_example import save_input_example
from modelreg.models.mlmodel import MLmodel
from modelreg.models.optional_imports import import_optional
from modelreg.models.signature import ModelSignature
from modelreg.models.signature_inference import infer_signature_from_example
from modelreg.resolve import local_model_dir
from modelreg.sklearn.serialization import (
    CLOUDPICKLE,
    MODEL_FILE_NAMES,
    PICKLE,
    SKOPS,
    check_format,
    dump_estimator,
    load_estimator,
)

__all__ = [
    "FLAVOR_NAME",
    "LOADER_MODULES",
    "SklearnPyFunc",
    "load_model",
    "load_pyfunc",
    "save_model",
    "write_model_folder",
]

logger = logging.getLogger(__name__)

FLAVOR_NAME = "sklearn"
#: The loader module we write (MLflow's, so MLflow can load the folder) and the ones we read.
LOADER_MODULE = "mlflow.sklearn"
LOADER_MODULES = ("mlflow.sklearn", "modelreg.sklearn")
#: Estimator methods a ``python_function`` flavor may name as its ``predict_fn``.
PREDICT_FUNCTIONS = ("predict", "predict_proba", "predict_log_proba", "predict_joint_log_proba")


def save_model(
    sk_model: Any,
    path: str | os.PathLike[str],
    *,
    serialization_format: str = SKOPS,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> MLmodel:
    """Save a scikit-learn model as an MLflow model folder at ``path`` (new or empty).

    Args:
        sk_model: the fitted estimator or pipeline.
        path: the folder to create.
        serialization_format: ``"skops"`` (default; loading runs no code), ``"cloudpickle"``
            or ``"pickle"``.
        signature: the model's signature; inferred from ``input_example`` and the model's
            prediction on it when omitted.
        input_example: example input (a DataFrame, array, dict...), saved beside the model.
        pip_requirements: the requirements to write instead of the pinned defaults, as a list
            or a requirements file path.
        metadata: free-form metadata stored in ``MLmodel``.

    Returns:
        The ``MLmodel`` written.

    Example:
        >>> modelreg.sklearn.save_model(pipeline, "model", input_example=frame.head(2))
    """
    return save_model_folder(
        path,
        lambda directory: write_model_folder(
            directory,
            sk_model,
            mlmodel=MLmodel(),
            serialization_format=serialization_format,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            metadata=metadata,
        ),
    )


def write_model_folder(
    directory: Path,
    sk_model: Any,
    *,
    mlmodel: MLmodel,
    serialization_format: str = SKOPS,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> MLmodel:
    """Write the model's files into the existing empty ``directory``, completing ``mlmodel``.

    ``save_model`` passes a fresh ``MLmodel``; ``log_model`` passes one carrying the logged
    model's ``model_id``, ``run_id`` and ``artifact_path`` and uploads the folder after.
    """
    check_format(serialization_format)
    sklearn = import_optional("sklearn")
    if serialization_format != SKOPS:
        logger.warning(
            "Saving scikit-learn models in the %s format: loading them executes code stored "
            "in the file. The skops format does not have this risk.",
            serialization_format,
        )
    example = save_input_example(directory, input_example) if input_example is not None else None
    if example is not None:
        mlmodel.saved_input_example_info = example.info
        if signature is None:
            signature = infer_signature_from_example(
                example.data, lambda data, params: sk_model.predict(data), example.params
            )
    mlmodel.signature = signature
    mlmodel.metadata = metadata
    file_name = MODEL_FILE_NAMES[serialization_format]
    trusted_types = dump_estimator(sk_model, directory / file_name, serialization_format)
    if hasattr(sk_model, "predict"):
        mlmodel.add_flavor(
            PYFUNC_FLAVOR_NAME,
            **python_function_config(LOADER_MODULE, model_path=file_name, predict_fn="predict"),
        )
    else:
        logger.warning("Model has no predict method: the python_function flavor is not written.")
    mlmodel.add_flavor(
        FLAVOR_NAME,
        pickled_model=file_name,
        sklearn_version=sklearn.__version__,
        serialization_format=serialization_format,
        code=None,
        skops_trusted_types=trusted_types,
    )
    if pip_requirements is not None:
        requirements = read_requirements(pip_requirements)
    else:
        requirements = default_requirements(serialization_format)
    return finish_model_folder(directory, mlmodel, requirements)


def default_requirements(serialization_format: str) -> list[str]:
    """The pinned packages a model saved in this format needs."""
    packages = ["numpy", "pandas", "scikit-learn", "scipy"]
    if serialization_format == SKOPS:
        packages.append("skops")
    elif serialization_format == CLOUDPICKLE:
        packages.append("cloudpickle")
    return pinned_requirements(packages)


def load_model(model_uri: str, dst_path: str | None = None) -> Any:
    """Load the scikit-learn estimator of a model folder (ours or MLflow's).

    Example:
        >>> pipeline = modelreg.sklearn.load_model("model")
        >>> pipeline.predict(frame)
    """
    directory = local_model_dir(model_uri, dst_path)
    mlmodel = open_model_folder(directory)
    config = mlmodel.flavor(FLAVOR_NAME)
    if config is None:
        flavors = list(mlmodel.flavors)
        raise UnsupportedModelFlavor(
            f'Model does not have the "{FLAVOR_NAME}" flavor (its flavors: {flavors})',
            loader_module=None,
            flavors=flavors,
        )
    return _load_estimator(directory, config)


def load_pyfunc(path: str) -> SklearnPyFunc:
    """The python_function implementation of the folder (or estimator file) at ``path``."""
    location = Path(path)
    directory = location.parent if location.is_file() else location
    mlmodel = MLmodel.load(directory)
    pyfunc_config = mlmodel.flavor(PYFUNC_FLAVOR_NAME) or {}
    config = mlmodel.flavor(FLAVOR_NAME)
    if config is None:
        # Like MLflow: a folder without the sklearn flavor is taken to hold a pickle.
        logger.warning("No sklearn flavor configuration; assuming the 'pickle' format.")
        model_file = location if location.is_file() else directory / pyfunc_config["model_path"]
        estimator = load_estimator(model_file, PICKLE, None)
    else:
        estimator = _load_estimator(directory, config)
    return SklearnPyFunc(estimator, predict_fn=pyfunc_config.get("predict_fn", "predict"))


def _load_estimator(directory: Path, config: dict[str, Any]) -> Any:
    return load_estimator(
        directory / config["pickled_model"],
        config.get("serialization_format", PICKLE),
        config.get("skops_trusted_types"),
    )


class SklearnPyFunc:
    """The python_function face of an estimator: ``predict(data, params)``."""

    def __init__(self, sklearn_model: Any, *, predict_fn: str = "predict") -> None:
        if predict_fn not in PREDICT_FUNCTIONS or not hasattr(sklearn_model, predict_fn):
            raise InvalidParameterValue(
                f"The model's predict_fn '{predict_fn}' is not a prediction method of "
                f"{type(sklearn_model).__name__}."
            )
        self.sklearn_model = sklearn_model
        self._predict = getattr(sklearn_model, predict_fn)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The estimator's prediction (``params`` are not used by scikit-learn models)."""
        return self._predict(data)

    def get_raw_model(self) -> Any:
        """The estimator."""
        return self.sklearn_model
