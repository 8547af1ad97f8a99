"""The HTTP session of the remote client: pooled connections, timeouts, retries, errors, and
the credentials sent with every request (HTTP basic, or a bearer API token)."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from typing import Any, Protocol, cast

import httpx

from modelreg.config import Credentials
from modelreg.errors import InternalError
from modelreg.remote.errors import error_from_body

logger = logging.getLogger(__name__)

API = "/api/2.0/mlflow"
#: modelreg's own endpoints (history, rollback, ...): pass ``f"{OWN_API}/<endpoint>"``.
OWN_API = "/api/2.0/modelreg"
#: Responses worth retrying on an idempotent request: the server may be restarting.
_RETRY_STATUSES = frozenset({502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})


class Session(Protocol):
    """What the client needs of an HTTP session (``httpx.Client``, Starlette's TestClient)."""

    def request(self, method: str, url: str, **kwargs: Any) -> Any: ...
    def stream(self, method: str, url: str, **kwargs: Any) -> Any: ...
    def close(self) -> None: ...


class RestClient:
    """JSON calls to one server, mapping error bodies onto modelreg's error classes.

    Args:
        base_url: ``http(s)://host:port`` of the server.
        session: an HTTP session to use instead of a new pooled ``httpx.Client`` (tests pass
            Starlette's TestClient to run against an in-process app).
        timeout: seconds to wait for a response.
        retries: attempts beyond the first for idempotent requests that fail to connect
            or get a 502/503/504, with exponential backoff.
        credentials: a user name and password (sent as HTTP basic auth) or an API token
            (``Authorization: Bearer``); the password wins when both are given, as in MLflow.
    """

    def __init__(
        self,
        base_url: str,
        *,
        session: Session | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        credentials: Credentials | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._headers = _authorization(credentials)
        # httpx.Client fits Session but its overloaded signatures defeat the structural check.
        self.session: Session = session or cast(
            Session,
            httpx.Client(
                base_url=self.base_url,
                timeout=httpx.Timeout(timeout, connect=10.0),
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
                headers={"User-Agent": "modelreg-python-client"},
            ),
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request (retrying idempotent ones); raise the mapped error on failure."""
        attempts = 1 + (self.retries if method in _IDEMPOTENT else 0)
        headers = {**self._headers, **kwargs.pop("headers", {})}
        for attempt in range(attempts):
            try:
                response = self.session.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as error:
                if attempt + 1 == attempts:
                    raise InternalError(f"Cannot reach {self.base_url}: {error}") from error
            else:
                if response.status_code not in _RETRY_STATUSES or attempt + 1 == attempts:
                    raise_for_error(response)
                    return response
            delay = 0.2 * 2**attempt
            logger.warning("retrying %s %s in %.1fs", method, path, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def call(
        self,
        method: str,
        endpoint: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call ``/api/2.0/mlflow/<endpoint>`` (or an absolute path) and return the JSON body."""
        if params is not None:
            params = {key: value for key, value in params.items() if value is not None}
        path = endpoint if endpoint.startswith("/") else f"{API}/{endpoint}"
        response = self.request(method, path, params=params, json=json)
        body: dict[str, Any] = response.json() if response.content else {}
        return body

    def get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        """GET with query parameters."""
        return self.call("GET", endpoint, params=params)

    def post(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """POST a JSON body."""
        return self.call("POST", endpoint, json=_drop_none(body))

    def patch(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """PATCH a JSON body."""
        return self.call("PATCH", endpoint, json=_drop_none(body))

    def delete(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """DELETE with a JSON body, as MLflow's API does."""
        return self.call("DELETE", endpoint, json=_drop_none(body))

    def stream(self, path: str) -> Iterator[bytes]:
        """The body of ``GET path`` in chunks (retried when it cannot start)."""
        with self.session.stream("GET", path, headers=self._headers) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_error(response)
            yield from response.iter_bytes()


def _authorization(credentials: Credentials | None) -> dict[str, str]:
    """The ``Authorization`` header for ``credentials`` (none without any)."""
    if credentials is None:
        return {}
    if credentials.username and credentials.password:
        pair = f"{credentials.username}:{credentials.password}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    if credentials.token:
        return {"Authorization": f"Bearer {credentials.token}"}
    return {}


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def raise_for_error(response: Any) -> None:
    """Raise the modelreg error a failed response describes."""
    if response.status_code < 400:
        return
    try:
        body = response.json()
        code, message = body["error_code"], body["message"]
    except (ValueError, KeyError, TypeError):
        code = "INTERNAL_ERROR" if response.status_code >= 500 else "BAD_REQUEST"
        message = f"HTTP {response.status_code} from {response.url}: {response.text[:200]}"
    raise error_from_body(code, message)
