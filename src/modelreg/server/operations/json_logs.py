"""Structured logs: one JSON object per line, with the request id of the request being served."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from modelreg.server.operations.request_context import current_request_id

__all__ = ["JsonFormatter", "logging_config"]

#: Attributes every LogRecord has; anything else was passed in ``extra=`` and is logged too.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as ``{"time", "level", "logger", "message", "request_id", ...extra}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(level: str, *, json_format: bool = True) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server: modelreg's and uvicorn's loggers to
    stderr, as JSON lines (or plain text), uvicorn's own access log off (our request log
    replaces it)."""
    formatter = (
        {"()": f"{__name__}.JsonFormatter"}
        if json_format
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["main"], "level": level.upper(), "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            "modelreg": logger,
            "uvicorn": logger,
            "uvicorn.error": logger,
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }
