"""Predicting a file's rows with a model, as the scoring server would answer them
(``modelreg models predict``)."""

from __future__ import annotations

from pathlib import Path

from modelreg.config import Settings
from modelreg.serving.errors import UnsupportedContentType
from modelreg.serving.inputs import CSV, JSON, PARQUET, parse_body
from modelreg.serving.loading import ModelSource, RegistryAccess
from modelreg.serving.outputs import predictions_json
from modelreg.serving.scoring import predict_one
from modelreg.serving.settings import ModelSpec

__all__ = ["media_type_of", "predict_file"]

_BY_NAME = {"json": JSON, "csv": CSV, "parquet": PARQUET}


def media_type_of(path: Path, content_type: str | None) -> str:
    """The media type of an input file: ``content_type`` (json, csv, parquet) if given,
    else the file's extension, else JSON."""
    name = (content_type or path.suffix.lstrip(".") or "json").lower()
    if name not in _BY_NAME:
        raise UnsupportedContentType(
            f"Unsupported input type '{name}': use json, csv or parquet.",
            supported=list(_BY_NAME),
        )
    return _BY_NAME[name]


def predict_file(
    model_uri: str, input_path: Path, registry: Settings, *, content_type: str | None = None
) -> bytes:
    """``{"predictions": [...]}`` for the input file, with the model ``model_uri`` names now.

    Raises:
        ScoringError: the input cannot be read or does not fit the model.
        ModelRegistryError: the model cannot be found or loaded.
    """
    mime = media_type_of(input_path, content_type)
    access = RegistryAccess(registry)
    try:
        source = ModelSource(ModelSpec.parse(model_uri), access, batching=False)
        loaded = source.load(source.current_version())
    finally:
        access.close()
    signature = loaded.model.metadata.signature
    schema = signature.inputs if signature is not None else None
    request = parse_body(input_path.read_bytes(), mime, schema)
    return predictions_json(predict_one(loaded, request))
