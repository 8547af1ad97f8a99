"""Predict one request with one loaded version, turning every failure into a ScoringError.

This is the one place where the signature is enforced for both protocols (through
``PyFuncModel.predict``) and where what the model raises becomes an HTTP answer: schema
failures and bad params are the caller's (400), errors the model raises on the values it
was given are the caller's too (400, with the model's own message), anything else is the
model's (500). The server always survives.
"""

from __future__ import annotations

import logging
from typing import Any

from modelreg.errors import InvalidParameterValue, ModelRegistryError
from modelreg.models.errors import SchemaEnforcementError
from modelreg.serving.errors import (
    BadInput,
    ModelCrashed,
    ModelPredictionFailed,
    SchemaMismatch,
    ScoringError,
)
from modelreg.serving.inputs import ModelInput
from modelreg.serving.loading import LoadedModel

__all__ = ["predict_one", "scoring_error"]

logger = logging.getLogger(__name__)

#: What a model raises when the values it got do not suit it (NaN, unseen category...).
_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, ArithmeticError)


def predict_one(loaded: LoadedModel, request: ModelInput) -> Any:
    """The model's output for ``request``; raises a :class:`ScoringError` otherwise."""
    try:
        return loaded.model.predict(request.data(), params=request.params)
    except Exception as error:
        raise scoring_error(error, loaded) from None


def scoring_error(error: Exception, loaded: LoadedModel) -> ScoringError:
    """The :class:`ScoringError` that answers a request whose prediction raised ``error``."""
    if isinstance(error, ScoringError):
        return error
    signature = loaded.model.metadata.signature
    schema = signature.inputs if signature is not None else None
    if isinstance(error, SchemaEnforcementError):
        hint = ""
        if (
            error.missing
            and schema is not None
            and len(error.missing) == len(schema.required_input_names())
        ):
            hint = " (None of the signature's columns were found: has a CSV body a header row?)"
        return SchemaMismatch(
            f"The input does not match the model's signature: {error.message}{hint} "
            f"Signature inputs: {schema!r}.",
            column=error.column,
            missing=error.missing,
            extra=error.extra,
        )
    if isinstance(error, InvalidParameterValue):
        return BadInput(f"Invalid input. {error.message}")
    if isinstance(error, _INPUT_ERRORS):
        return ModelPredictionFailed(
            f"The model could not predict on this input: {type(error).__name__}: {error}"
        )
    message = error.message if isinstance(error, ModelRegistryError) else str(error)
    logger.error("model %s version %s failed", loaded.name, loaded.version_label, exc_info=error)
    return ModelCrashed(f"The model failed: {type(error).__name__}: {message}")
