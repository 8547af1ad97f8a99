"""``pyfunc.load_model``: open a model folder and dispatch on its loader module."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable

from modelreg.models.errors import UnsupportedModelFlavor
from modelreg.models.folder import PYFUNC_FLAVOR_NAME, open_model_folder
from modelreg.pyfunc import python_model_flavor
from modelreg.pyfunc.pyfunc_model import PyFuncImplementation, PyFuncModel
from modelreg.resolve import local_model_dir
from modelreg.sklearn import flavor as sklearn_flavor

__all__ = ["LOADERS", "load_model"]

logger = logging.getLogger(__name__)

#: The loader modules we can load, MLflow's names and ours, and the function that does it.
LOADERS: dict[str, Callable[[str], PyFuncImplementation]] = {
    "mlflow.sklearn": sklearn_flavor.load_pyfunc,
    "modelreg.sklearn": sklearn_flavor.load_pyfunc,
    "mlflow.pyfunc.model": python_model_flavor.load_pyfunc,
}


def load_model(
    model_uri: str, suppress_warnings: bool = False, dst_path: str | None = None
) -> PyFuncModel:
    """Load a model folder (ours or MLflow's) through its ``python_function`` flavor.

    Args:
        model_uri: a local path or ``file://`` URI (and the URIs ``modelreg.resolve`` knows).
        suppress_warnings: do not warn about a Python version different from the saver's.
        dst_path: where a remote model is downloaded to.

    Raises:
        ModelIntegrityError: a file differs from the folder's checksums manifest.
        UnsupportedModelFlavor: no python_function flavor, or a loader module we lack.

    Example:
        >>> model = modelreg.pyfunc.load_model("model")
        >>> model.predict(frame)
    """
    directory = local_model_dir(model_uri, dst_path)
    mlmodel = open_model_folder(directory)
    config = mlmodel.flavor(PYFUNC_FLAVOR_NAME)
    flavors = list(mlmodel.flavors)
    if config is None:
        raise UnsupportedModelFlavor(
            f'Model does not have the "{PYFUNC_FLAVOR_NAME}" flavor (its flavors: {flavors}).',
            loader_module=None,
            flavors=flavors,
        )
    loader_module = config.get("loader_module")
    loader = LOADERS.get(str(loader_module))
    if loader is None:
        others = [name for name in flavors if name != PYFUNC_FLAVOR_NAME]
        raise UnsupportedModelFlavor(
            f"modelreg cannot load this model: its {PYFUNC_FLAVOR_NAME} flavor uses loader "
            f"module '{loader_module}' (model flavors: {others}); modelreg loads "
            f"{sorted(LOADERS)}.",
            loader_module=None if loader_module is None else str(loader_module),
            flavors=flavors,
        )
    if not suppress_warnings:
        _warn_if_other_python(config.get("python_version"))
    data = config.get("model_path", config.get("data"))
    return PyFuncModel(mlmodel, loader(str(directory / data if data else directory)))


def _warn_if_other_python(saved_with: object) -> None:
    current = platform.python_version()
    if saved_with is not None and str(saved_with).split(".")[:2] != current.split(".")[:2]:
        logger.warning(
            "The model was saved with Python %s but this is Python %s; it may not load or "
            "predict the same.",
            saved_with,
            current,
        )
