"""A loaded model behind the generic ``predict(data, params)`` interface."""

from __future__ import annotations

from typing import Any, Protocol

from modelreg.errors import InvalidParameterValue
from modelreg.models.enforcement import enforce_params, enforce_schema
from modelreg.models.mlmodel import MLmodel

__all__ = ["PyFuncImplementation", "PyFuncModel"]


class PyFuncImplementation(Protocol):
    """What a flavor's loader returns: something that predicts."""

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's prediction."""


class PyFuncModel:
    """A model loaded through its ``python_function`` flavor.

    ``predict`` fits the input to the model's signature first (see
    :func:`modelreg.models.enforce_schema`), as MLflow's ``PyFuncModel`` does.
    """

    def __init__(self, metadata: MLmodel, implementation: PyFuncImplementation) -> None:
        self._metadata = metadata
        self._implementation = implementation

    @property
    def metadata(self) -> MLmodel:
        """The model's ``MLmodel``."""
        return self._metadata

    @property
    def loader_module(self) -> str | None:
        """The ``loader_module`` of the model's python_function flavor."""
        config = self._metadata.flavor("python_function") or {}
        module = config.get("loader_module")
        return None if module is None else str(module)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Predict on ``data`` (a DataFrame, array, dict...), with optional ``params``.

        Raises:
            SchemaEnforcementError: ``data`` does not fit the signature's inputs.
            InvalidParameterValue: ``params`` do not fit the signature's params.

        Example:
            >>> model = modelreg.pyfunc.load_model("model")
            >>> model.predict(frame)
        """
        signature = self._metadata.signature
        if signature is not None and signature.inputs is not None:
            data = enforce_schema(data, signature.inputs)
        params = enforce_params(params, signature.params if signature is not None else None)
        return self._implementation.predict(data, params=params)

    def unwrap_python_model(self) -> Any:
        """The :class:`PythonModel` instance of a custom model."""
        python_model = getattr(self._implementation, "python_model", None)
        if python_model is None:
            raise InvalidParameterValue(
                "unwrap_python_model() is only available for PythonModel models; "
                f"this one is loaded by '{self.loader_module}'. Use get_raw_model()."
            )
        return python_model

    def get_raw_model(self) -> Any:
        """The underlying model object (an estimator, a PythonModel...)."""
        get_raw = getattr(self._implementation, "get_raw_model", None)
        return get_raw() if callable(get_raw) else self._implementation

    def __repr__(self) -> str:
        return (
            f"PyFuncModel(loader_module={self.loader_module!r}, uuid={self._metadata.model_uuid!r})"
        )
