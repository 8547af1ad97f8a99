"""Writing and reading a scikit-learn estimator file: skops (the default), cloudpickle, pickle.

skops does not run code when loading: it rebuilds only types it trusts. The types skops
does not trust by default are listed at save time (they are the saver's own) and stored
in the flavor's ``skops_trusted_types``; loading trusts those and nothing else, so a file
changed to reference other types is refused. pickle and cloudpickle run code from the file
when loading; loading them is allowed, with a warning.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

from modelreg.errors import InvalidParameterValue
from modelreg.models.errors import ModelIntegrityError
from modelreg.models.optional_imports import import_optional

__all__ = [
    "MODEL_FILE_NAMES",
    "SERIALIZATION_FORMATS",
    "dump_estimator",
    "load_estimator",
]

logger = logging.getLogger(__name__)

SKOPS, CLOUDPICKLE, PICKLE = "skops", "cloudpickle", "pickle"
SERIALIZATION_FORMATS = (SKOPS, CLOUDPICKLE, PICKLE)
#: The estimator's file in the model folder, per format (MLflow's names).
MODEL_FILE_NAMES = {SKOPS: "model.skops", CLOUDPICKLE: "model.pkl", PICKLE: "model.pkl"}


def check_format(serialization_format: str) -> None:
    """Raise unless ``serialization_format`` is one of :data:`SERIALIZATION_FORMATS`."""
    if serialization_format not in SERIALIZATION_FORMATS:
        raise InvalidParameterValue(
            f"Unrecognized serialization format: {serialization_format}. Please specify one "
            f"of the following supported formats: {list(SERIALIZATION_FORMATS)}."
        )


def dump_estimator(estimator: Any, path: Path, serialization_format: str) -> list[str] | None:
    """Write ``estimator`` to ``path``; for skops, return the types to trust (None if none)."""
    check_format(serialization_format)
    if serialization_format != SKOPS:
        module = pickle if serialization_format == PICKLE else import_optional("cloudpickle")
        with path.open("wb") as file:
            module.dump(estimator, file)
        return None
    skops_io = import_optional("skops.io")
    try:
        skops_io.dump(estimator, path)
        trusted = sorted(skops_io.get_untrusted_types(file=path))
        # Loading right away catches objects skops writes but cannot rebuild.
        skops_io.load(path, trusted=trusted)
    except Exception as error:
        path.unlink(missing_ok=True)
        raise InvalidParameterValue(
            "The sklearn model could not be serialized in the skops format "
            f"({error!r}). skops does not support functions or classes that are not defined "
            "at the top level of a module; save with serialization_format='cloudpickle' "
            "instead (its files run code when loaded)."
        ) from error
    return trusted or None


def load_estimator(path: Path, serialization_format: str, trusted_types: list[str] | None) -> Any:
    """Read the estimator at ``path``, trusting only ``trusted_types`` beyond skops' defaults."""
    check_format(serialization_format)
    if serialization_format == SKOPS:
        skops_io = import_optional("skops.io")
        trusted = list(trusted_types or [])
        untrusted = sorted(set(skops_io.get_untrusted_types(file=path)) - set(trusted))
        if untrusted:
            raise ModelIntegrityError(
                f"The skops file '{path.name}' references types that are not listed in the "
                f"model's skops_trusted_types, so it is not loaded: {untrusted}",
                path=path.name,
            )
        return skops_io.load(path, trusted=trusted)
    logger.warning(
        "Loading '%s' in the %s format executes code stored in the file: load only models "
        "from trusted sources (the skops format does not have this risk).",
        path,
        serialization_format,
    )
    module = pickle if serialization_format == PICKLE else import_optional("cloudpickle")
    with path.open("rb") as file:
        return module.load(file)
