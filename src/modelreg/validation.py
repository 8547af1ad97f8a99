"""Validation of names, versions, tags, aliases and descriptions, with MLflow's limits."""

from __future__ import annotations

import posixpath
import re

from modelreg.errors import InvalidParameterValue

MAX_MODEL_NAME_LENGTH = 256
MAX_TAG_KEY_LENGTH = 250
MAX_TAG_VALUE_LENGTH = 100_000
MAX_ALIAS_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 100_000
MAX_SOURCE_LENGTH = 500_000

_TAG_KEY = re.compile(r"^[/\w.\- :]*$")
_ALIAS = re.compile(r"^[\w\-]*$")
MAX_IDEMPOTENCY_KEY_LENGTH = 128
_IDEMPOTENCY_KEY = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_IDEMPOTENCY_KEY_LENGTH}}}")
_VERSION_ALIAS = re.compile(r"^[vV]\d+$")


def missing(parameter: str) -> InvalidParameterValue:
    """The error for a required parameter that was not given."""
    return InvalidParameterValue(f"Missing value for required parameter '{parameter}'.")


def _check_length(what: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidParameterValue(f"'{what}' exceeds the maximum length of {limit} characters")


def _resolves_elsewhere(name: str) -> bool:
    norm = posixpath.normpath(name)
    return norm != name or norm == "." or norm.startswith("..") or norm.startswith("/")


def model_name(name: object, parameter: str = "name") -> str:
    """Return ``name`` if it is a valid registered-model name, else raise."""
    if not isinstance(name, str) or not name.strip():
        raise missing(parameter)
    if "/" in name or ":" in name:
        raise InvalidParameterValue(
            f"Invalid model name '{name}'. Names cannot contain '/' or ':'."
        )
    if _resolves_elsewhere(name):
        raise InvalidParameterValue(
            f"Invalid value '{name}' for parameter '{parameter}': names may be treated as files "
            f"and must not resolve to other names; this one resolves to "
            f"{posixpath.normpath(name)!r}."
        )
    _check_length(parameter, name, MAX_MODEL_NAME_LENGTH)
    return name


def version(value: object) -> int:
    """Return the version number given as an int or a decimal string, else raise."""
    if isinstance(value, bool):
        raise InvalidParameterValue(f"Parameter 'version' must be an integer, got '{value}'.")
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise InvalidParameterValue(
            f"Parameter 'version' must be an integer, got '{value}'."
        ) from None
    if number < 1:
        raise InvalidParameterValue(f"Parameter 'version' must be at least 1, got '{value}'.")
    return number


def tag(key: object, value: object) -> tuple[str, str]:
    """Return ``(key, value)`` if they make a valid tag, else raise."""
    if not isinstance(key, str) or key == "":
        raise missing("key")
    if not _TAG_KEY.fullmatch(key):
        raise InvalidParameterValue(
            f"Invalid value '{key}' for parameter 'key': names may only contain alphanumerics, "
            "underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)."
        )
    if _resolves_elsewhere(key):
        raise InvalidParameterValue(
            f"Invalid value '{key}' for parameter 'key': it would resolve to "
            f"{posixpath.normpath(key)!r} when treated as a path."
        )
    _check_length("key", key, MAX_TAG_KEY_LENGTH)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidParameterValue(
            f"Invalid value for tag '{key}': expected a string, got {type(value).__name__}."
        )
    _check_length("value", value, MAX_TAG_VALUE_LENGTH)
    return key, value


def tags(values: dict[str, str] | None) -> dict[str, str]:
    """Validate every tag of a mapping (None means no tags)."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise InvalidParameterValue(
            f"Tags must be a mapping of key to value, got {type(values).__name__}."
        )
    return dict(tag(k, v) for k, v in values.items())


def alias(name: object) -> str:
    """Return ``name`` if it can be set as an alias, else raise (``latest``, ``v<n>`` reserved)."""
    if not isinstance(name, str) or name == "":
        raise InvalidParameterValue("Registered model alias name cannot be empty.")
    if not _ALIAS.fullmatch(name):
        raise InvalidParameterValue(
            f"Invalid alias name: '{name}'. "
            "Names may only contain alphanumerics, underscores (_), and dashes (-)."
        )
    _check_length("Registered model alias name", name, MAX_ALIAS_LENGTH)
    if name.lower() == "latest":
        raise InvalidParameterValue("'latest' alias name (case insensitive) is reserved.")
    if _VERSION_ALIAS.fullmatch(name):
        raise InvalidParameterValue(f"Version alias name '{name}' is reserved.")
    return name


def description(value: object) -> str | None:
    """Return a valid description (None means none), else raise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidParameterValue(
            f"Parameter 'description' must be a string, got {type(value).__name__}."
        )
    _check_length("description", value, MAX_DESCRIPTION_LENGTH)
    return value


def source(value: object) -> str:
    """Return a valid model version source URI, else raise."""
    if not isinstance(value, str) or not value.strip():
        raise missing("source")
    _check_length("source", value, MAX_SOURCE_LENGTH)
    return value


def idempotency_key(value: object) -> str | None:
    """Return a valid idempotency key (None or "" means none), else raise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _IDEMPOTENCY_KEY.fullmatch(value):
        raise InvalidParameterValue(
            f"Invalid idempotency key {value!r}: use 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} "
            "letters, digits, '.', '_', ':' or '-'."
        )
    return value


def max_results(value: object, *, default: int, limit: int) -> int:
    """Return a page size between 1 and ``limit`` (``default`` when not given), else raise."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise InvalidParameterValue(
            f"Invalid value {value!r} for parameter 'max_results': "
            f"it must be an integer between 1 and {limit}."
        )
    return value
