"""The MLflow model format: ``MLmodel``, signatures, schema enforcement, examples, checksums.

Importing this package is cheap: numpy and pandas are imported when data is handled.
"""

from __future__ import annotations

from modelreg.models.checksums import CHECKSUMS_FILE_NAME, verify_checksums, write_checksums
from modelreg.models.enforcement import enforce_params, enforce_schema
from modelreg.models.errors import (
    MissingOptionalDependency,
    ModelIntegrityError,
    SchemaEnforcementError,
    UnsupportedModelFlavor,
)
from modelreg.models.folder import open_model_folder
from modelreg.models.input_example import load_input_example
from modelreg.models.mlmodel import MLFLOW_COMPATIBLE_VERSION, MLMODEL_FILE_NAME, MLmodel
from modelreg.models.schema import ColSpec, ParamSchema, ParamSpec, Schema, TensorSpec
from modelreg.models.signature import ModelSignature
from modelreg.models.signature_inference import infer_signature

__all__ = [
    "CHECKSUMS_FILE_NAME",
    "MLFLOW_COMPATIBLE_VERSION",
    "MLMODEL_FILE_NAME",
    "ColSpec",
    "MLmodel",
    "MissingOptionalDependency",
    "ModelIntegrityError",
    "ModelSignature",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "SchemaEnforcementError",
    "TensorSpec",
    "UnsupportedModelFlavor",
    "enforce_params",
    "enforce_schema",
    "infer_signature",
    "load_input_example",
    "open_model_folder",
    "verify_checksums",
    "write_checksums",
]
