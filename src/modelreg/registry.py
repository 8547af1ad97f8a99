"""Open the registry a tracking URI names.

``sqlite:///...`` and ``postgresql://...`` open the SQL store in-process; a plain folder path
(or ``file:``) opens the embedded layout kept in that folder.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from modelreg.clock import Clock, system_clock
from modelreg.errors import InvalidParameterValue
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore

_SQL_SCHEMES = ("sqlite", "postgresql", "postgres")


def store_uri(tracking_uri: str) -> str:
    """The SQL store URI behind a tracking URI."""
    scheme = urlparse(tracking_uri).scheme.split("+")[0]
    if scheme in _SQL_SCHEMES:
        return tracking_uri
    if scheme in ("", "file"):
        folder = Path(tracking_uri.removeprefix("file://").removeprefix("file:")).resolve()
        return f"sqlite:///{folder / 'registry.db'}"
    if scheme in ("http", "https"):
        raise InvalidParameterValue(
            f"Tracking URI {tracking_uri!r}: remote registries over HTTP are not supported by "
            "this version yet; use sqlite:///<path>, postgresql://<host>/<db> or a folder."
        )
    raise InvalidParameterValue(
        f"Unsupported tracking URI {tracking_uri!r}: use sqlite:///<path>, "
        "postgresql://<host>/<db> or a folder path."
    )


def open_registry(tracking_uri: str, *, clock: Clock = system_clock) -> RegistryService:
    """The registry service for ``tracking_uri``, with its schema migrated."""
    return RegistryService(SqlRegistryStore.from_uri(store_uri(tracking_uri)), clock=clock)
