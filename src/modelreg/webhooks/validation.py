"""Checks of a webhook's fields: MLflow's name rule, an http(s) URL, known events, a status."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from modelreg.errors import InvalidParameterValue
from modelreg.webhooks.entities import WebhookStatus
from modelreg.webhooks.events import in_catalogue_order, parse_event

__all__ = ["events", "name", "secret", "status", "url"]

# MLflow's rule: 1 to 63 letters, digits, dots, underscores and hyphens, starting and ending
# with a letter or digit.
_NAME = re.compile(r"(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?", re.IGNORECASE)
_URL_LIMIT = 2048
_SECRET_LIMIT = 256
_SCHEMES = ("http", "https")


def name(value: object) -> str:
    """A valid webhook name, else InvalidParameterValue."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidParameterValue(
            f"Webhook name {value!r} is invalid. It must start and end with a letter or digit, "
            "be less than 63 characters long, and contain only letters, digits, dots (.), "
            "underscores (_), and hyphens (-)."
        )
    return value


def url(value: object) -> str:
    """An absolute ``http://`` or ``https://`` URL with a host, else InvalidParameterValue."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterValue(f"Webhook URL cannot be empty: {value!r}.")
    if len(value) > _URL_LIMIT:
        raise InvalidParameterValue(f"Webhook URL is longer than {_URL_LIMIT} characters.")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as error:
        raise InvalidParameterValue(f"Invalid webhook URL {value!r}: {error}.") from None
    if parts.scheme not in _SCHEMES:
        raise InvalidParameterValue(
            f"Invalid webhook URL scheme: {parts.scheme!r}. Allowed schemes are: http, https."
        )
    if not host:
        raise InvalidParameterValue(f"Webhook URL must include a hostname: {value!r}.")
    return value


def events(values: Sequence[object] | None) -> tuple[str, ...]:
    """A non-empty list of known event names, each once, in the catalogue's order."""
    if not values:
        raise InvalidParameterValue("Webhook events must be a non-empty list of events.")
    return in_catalogue_order(parse_event(value) for value in values)


def status(value: object) -> WebhookStatus:
    """ACTIVE or DISABLED (case-insensitive), else InvalidParameterValue."""
    if isinstance(value, WebhookStatus):
        return value
    if isinstance(value, str) and value.strip().upper() in WebhookStatus.__members__:
        return WebhookStatus(value.strip().upper())
    raise InvalidParameterValue(
        f"Invalid webhook status {value!r}: expected one of ACTIVE, DISABLED."
    )


def secret(value: object) -> str:
    """A usable HMAC secret: a non-empty string of at most 256 characters."""
    if not isinstance(value, str) or not value or len(value) > _SECRET_LIMIT:
        # The value itself is never echoed: it is a secret.
        raise InvalidParameterValue(
            f"Webhook secret must be a non-empty string of at most {_SECRET_LIMIT} characters."
        )
    return value
