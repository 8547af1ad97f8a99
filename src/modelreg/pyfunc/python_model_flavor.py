"""Saving and loading :class:`PythonModel` folders in MLflow's layout (``mlflow.pyfunc.model``).

The model object is pickled with cloudpickle to ``python_model.pkl``; artifacts are copied
under ``artifacts/``. The ``python_function`` flavor names ``mlflow.pyfunc.model`` as its
loader module, so MLflow loads our folders, and :func:`load_pyfunc` loads MLflow's.
"""

from __future__ import annotations

import inspect
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from modelreg.errors import InvalidParameterValue
from modelreg.models.environment import modelreg_requirement, pinned_requirements, read_requirements
from modelreg.models.errors import UnsupportedModelFlavor
from modelreg.models.folder import PYFUNC_FLAVOR_NAME, finish_model_folder, python_function_config
from modelreg.models.input_example import save_input_example
from modelreg.models.mlmodel import MLmodel
from modelreg.models.optional_imports import import_optional
from modelreg.models.signature import ModelSignature
from modelreg.models.signature_inference import infer_signature_from_example
from modelreg.pyfunc.python_model import PythonModel, PythonModelContext

__all__ = ["LOADER_MODULE", "PythonModelPyFunc", "load_pyfunc", "write_model_folder"]

logger = logging.getLogger(__name__)

LOADER_MODULE = "mlflow.pyfunc.model"
PYTHON_MODEL_FILE_NAME = "python_model.pkl"
ARTIFACTS_DIRECTORY = "artifacts"


def write_model_folder(
    directory: Path,
    *,
    python_model: PythonModel,
    mlmodel: MLmodel,
    artifacts: dict[str, str] | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | str | Path | None = None,
    metadata: dict[str, Any] | None = None,
) -> MLmodel:
    """Write a PythonModel's files into the existing empty ``directory``, completing ``mlmodel``."""
    cloudpickle = import_optional("cloudpickle")
    if not callable(getattr(python_model, "predict", None)):
        raise InvalidParameterValue(
            f"python_model must be a PythonModel instance, got {type(python_model).__name__}"
        )
    try:
        with (directory / PYTHON_MODEL_FILE_NAME).open("wb") as file:
            cloudpickle.dump(python_model, file)
    except Exception as error:
        raise InvalidParameterValue(f"Failed to serialize the Python model: {error!r}") from error
    config: dict[str, Any] = {
        "cloudpickle_version": cloudpickle.__version__,
        "python_model": PYTHON_MODEL_FILE_NAME,
        "code": None,
        "streamable": callable(getattr(python_model, "predict_stream", None)),
    }
    if artifacts:
        config["artifacts"] = _copy_artifacts(directory, artifacts)
    example = save_input_example(directory, input_example) if input_example is not None else None
    if example is not None:
        mlmodel.saved_input_example_info = example.info
        if signature is None:
            signature = _infer_signature(
                directory, python_model, config, example.data, example.params
            )
    mlmodel.signature = signature
    mlmodel.metadata = metadata
    mlmodel.add_flavor(PYFUNC_FLAVOR_NAME, **python_function_config(LOADER_MODULE, **config))
    requirements = (
        read_requirements(pip_requirements)
        if pip_requirements is not None
        else pinned_requirements(["cloudpickle", "numpy", "pandas"])
    )
    # The pickled object's class derives from modelreg's PythonModel: loading needs modelreg.
    if not any(_requirement_name(line) == "modelreg" for line in requirements):
        requirements = [modelreg_requirement(), *requirements]
    return finish_model_folder(directory, mlmodel, requirements)


def load_pyfunc(path: str) -> PythonModelPyFunc:
    """Unpickle the PythonModel of the folder at ``path`` and call its ``load_context``."""
    directory = Path(path)
    config = MLmodel.load(directory).flavor(PYFUNC_FLAVOR_NAME) or {}
    for unsupported in ("model_code_path", "compression"):
        if config.get(unsupported):
            raise UnsupportedModelFlavor(
                f"This PythonModel folder uses '{unsupported}', which modelreg cannot load.",
                loader_module=LOADER_MODULE,
                flavors=[PYFUNC_FLAVOR_NAME],
            )
    cloudpickle = import_optional("cloudpickle")
    saved_with = config.get("cloudpickle_version")
    if saved_with is not None and saved_with != cloudpickle.__version__:
        logger.warning(
            "The model was saved with cloudpickle %s but %s is installed; they may be "
            "incompatible.",
            saved_with,
            cloudpickle.__version__,
        )
    model_file = directory / config.get("python_model", PYTHON_MODEL_FILE_NAME)
    logger.warning(
        "Loading the PythonModel '%s' executes code stored in the file: load only models "
        "from trusted sources.",
        model_file,
    )
    with model_file.open("rb") as file:
        python_model = cloudpickle.load(file)
    context = PythonModelContext(_artifact_paths(directory, config), config.get("config"))
    python_model.load_context(context)
    return PythonModelPyFunc(python_model, context)


class PythonModelPyFunc:
    """The python_function face of a loaded PythonModel."""

    def __init__(self, python_model: Any, context: PythonModelContext) -> None:
        self.python_model = python_model
        self.context = context

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Call the model's ``predict``, with the context and params if it takes them."""
        return _call_predict(self.python_model, self.context, data, params)

    def get_raw_model(self) -> Any:
        """The PythonModel instance."""
        return self.python_model


def _call_predict(
    python_model: Any, context: PythonModelContext, data: Any, params: dict[str, Any] | None
) -> Any:
    # Like MLflow: ``predict(context, model_input, params)``, ``context`` and ``params`` optional.
    parameters = inspect.signature(python_model.predict).parameters
    kwargs = {"params": params} if "params" in parameters else {}
    if "context" in parameters:
        return python_model.predict(context, data, **kwargs)
    return python_model.predict(data, **kwargs)


def _infer_signature(
    directory: Path,
    python_model: Any,
    config: dict[str, Any],
    data: Any,
    params: dict[str, Any] | None,
) -> ModelSignature | None:
    context = PythonModelContext(_artifact_paths(directory, config))
    try:
        python_model.load_context(context)
    except Exception as error:
        logger.warning("Could not load the model's context to infer its signature: %r", error)
        return None
    return infer_signature_from_example(
        data, lambda enforced, p: _call_predict(python_model, context, enforced, p), params
    )


def _copy_artifacts(directory: Path, artifacts: dict[str, str]) -> dict[str, dict[str, str]]:
    """Copy each local artifact to ``artifacts/<its name>``; MLflow's config entries."""
    result: dict[str, dict[str, str]] = {}
    used: dict[str, str] = {}
    for name, uri in artifacts.items():
        parsed = urlparse(uri)
        if parsed.scheme not in ("", "file"):
            raise InvalidParameterValue(
                f"Artifact '{name}' must be a local path or file:// URI, got '{uri}'."
            )
        source = Path(unquote(parsed.path) if parsed.scheme == "file" else uri)
        if not source.exists():
            raise InvalidParameterValue(f"Artifact '{name}' does not exist: '{uri}'.")
        if source.name in used:
            raise InvalidParameterValue(
                f"Artifacts '{used[source.name]}' and '{name}' have the same file name "
                f"'{source.name}'; rename one of them."
            )
        used[source.name] = name
        target = directory / ARTIFACTS_DIRECTORY / source.name
        target.parent.mkdir(exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
        result[name] = {"path": f"{ARTIFACTS_DIRECTORY}/{source.name}", "uri": uri}
    return result


def _artifact_paths(directory: Path, config: dict[str, Any]) -> dict[str, str]:
    return {
        name: str((directory / info["path"]).resolve())
        for name, info in (config.get("artifacts") or {}).items()
    }


def _requirement_name(line: str) -> str:
    for separator in ("==", ">=", "<=", "~=", "!=", ">", "<", "[", ";", " "):
        line = line.split(separator, 1)[0]
    return line.strip().lower()
