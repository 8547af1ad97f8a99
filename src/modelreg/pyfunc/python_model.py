"""The base class of custom Python models and the context they are loaded with."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, NamedTuple

__all__ = ["PythonModel", "PythonModelContext"]


class PythonModelContext:
    """What a :class:`PythonModel` gets when loaded: local paths of its artifacts by name."""

    def __init__(self, artifacts: dict[str, str], model_config: dict[str, Any] | None = None):
        self._artifacts = dict(artifacts)
        self._model_config = dict(model_config or {})

    @property
    def artifacts(self) -> dict[str, str]:
        """Artifact name -> absolute local path of the file or folder."""
        return self._artifacts

    @property
    def model_config(self) -> dict[str, Any]:
        """The model's configuration (empty unless the model was saved with one)."""
        return self._model_config


class _NoTypeHints(NamedTuple):
    input: Any = None
    output: Any = None


class PythonModel(ABC):
    """A custom model: subclass it, implement ``predict``, save it with ``pyfunc.save_model``.

    The instance is serialized with cloudpickle, as MLflow does, and MLflow's
    ``mlflow.pyfunc.load_model`` loads it (modelreg must be installed where it is loaded).

    Example:
        >>> class AddN(PythonModel):
        ...     def load_context(self, context):
        ...         self.n = int(open(context.artifacts["n"]).read())
        ...
        ...     def predict(self, context, model_input, params=None):
        ...         return model_input + self.n
    """

    def load_context(self, context: PythonModelContext) -> None:  # noqa: B027 (optional hook)
        """Called once when the model is loaded; read artifacts here."""

    @abstractmethod
    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        """The model's prediction for ``model_input`` (already fitted to the signature)."""

    @property
    def predict_type_hints(self) -> _NoTypeHints:
        """No type hints. MLflow's pyfunc wrapper reads this attribute when MLflow loads a model
        we saved; without hints it passes the input through unchanged."""
        return _NoTypeHints()
