"""The Open Inference Protocol (v2) REST routes: health, server and model metadata, infer.

``/v2/models/{name}/versions/{version}``: a number names a loaded version; anything else
an alias (or the stage) of a served URI. Without a version, a model with a canary splits
the traffic as ``/invocations`` does. Errors are the protocol's ``{"error": ...}`` object,
with MLflow's ``error_code`` and ``error_class`` beside it.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from modelreg.__about__ import __version__
from modelreg.serving.errors import BadInput, ScoringError, UnsupportedContentType
from modelreg.serving.inputs import decode_json
from modelreg.serving.loading import LoadedModel
from modelreg.serving.oip_codec import (
    InferenceRequest,
    decode_request,
    encode_response,
    model_metadata,
)
from modelreg.serving.outputs import dumps
from modelreg.serving.served import Endpoint, ScoringState
from modelreg.serving.transport import check_rows, off_loop, read_body, version_headers

__all__ = ["oip_error_response", "oip_routes"]

JSON = "application/json"


def oip_error_response(error: ScoringError, headers: dict[str, str] | None = None) -> Response:
    """The protocol's error object for ``error``."""
    body = {"error": error.message, **{k: v for k, v in error.body().items() if k != "message"}}
    return Response(dumps(body), error.status, headers=headers, media_type=JSON)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(value), status, headers=headers, media_type=JSON)


class _OipRoutes:
    """The endpoints, over the shared state."""

    def __init__(self, state: ScoringState) -> None:
        self.state = state

    def endpoint_of(self, request: Request) -> tuple[str, Endpoint]:
        served = self.state.models.get(request.path_params["name"])
        return served.name, served.at_version(request.path_params.get("version"))

    async def server_metadata(self, _request: Request) -> Response:
        return _json({"name": "modelreg", "version": __version__, "extensions": []})

    async def live(self, _request: Request) -> Response:
        return _json({"live": True})

    async def ready(self, _request: Request) -> Response:
        is_ready = self.state.models.ready()
        return _json({"ready": is_ready}, 200 if is_ready else 503)

    async def model_ready(self, request: Request) -> Response:
        try:
            name, endpoint = self.endpoint_of(request)
            current = endpoint.loaded()
        except ScoringError as error:
            return oip_error_response(error)
        return _json({"name": name, "ready": True}, headers=version_headers(name, current))

    async def metadata(self, request: Request) -> Response:
        try:
            name, endpoint = self.endpoint_of(request)
            current = endpoint.loaded()
        except ScoringError as error:
            return oip_error_response(error)
        return _json(model_metadata(name, current), headers=version_headers(name, current))

    async def infer(self, request: Request) -> Response:
        started = time.perf_counter()
        state, settings = self.state, self.state.settings
        label, rows, headers, error_class = request.path_params["name"], 0, None, None
        try:
            label, endpoint = self.endpoint_of(request)
            current = endpoint.loaded()
            variant = endpoint.holder.variant if state.models.get(label).canary else None
            headers = version_headers(label, current, variant)
            _check_json(request.headers.get("content-type"))
            body = await read_body(request, settings.max_body_bytes)
            decoded = await off_loop(len(body), lambda: _decode(body, current, state))
            rows = decoded.model_input.rows
            check_rows(rows, settings.max_rows)

            def encode(output: Any, loaded: LoadedModel) -> bytes:
                return encode_response(output, loaded, decoded)

            outcome = await endpoint.predictor.predict(
                decoded.model_input, encode, settings.timeout
            )
            headers = version_headers(label, outcome.loaded or current, variant)
            if outcome.error is not None:
                raise outcome.error
            response = Response(outcome.body, headers=headers, media_type=JSON)
        except ScoringError as error:
            response, error_class = oip_error_response(error, headers), error.error_class
        state.metrics.answered(
            model=label,
            protocol="oip",
            status=response.status_code,
            started=started,
            headers=headers,
            rows=rows,
            error_class=error_class,
        )
        return response


def oip_routes(state: ScoringState) -> list[Route]:
    """The Open Inference Protocol routes over ``state``."""
    oip = _OipRoutes(state)
    model = "/v2/models/{name}"
    version = "/v2/models/{name}/versions/{version}"
    return [
        Route("/v2", oip.server_metadata, methods=["GET"]),
        Route("/v2/health/live", oip.live, methods=["GET"]),
        Route("/v2/health/ready", oip.ready, methods=["GET"]),
        *(Route(path, oip.metadata, methods=["GET"]) for path in (model, version)),
        *(Route(f"{path}/ready", oip.model_ready, methods=["GET"]) for path in (model, version)),
        *(Route(f"{path}/infer", oip.infer, methods=["POST"]) for path in (model, version)),
    ]


def _check_json(content_type: str | None) -> None:
    if content_type is None:
        return
    mime = content_type.split(";")[0].strip().lower()
    if mime != JSON:
        raise UnsupportedContentType(
            f"Unsupported Content-Type '{content_type}': inference requests are {JSON}.",
            supported=[JSON],
        )


def _decode(body: bytes, current: LoadedModel, state: ScoringState) -> InferenceRequest:
    if not body.strip():
        raise BadInput("The request body is empty: send an inference request object.")
    document = decode_json(body)
    signature = current.model.metadata.signature
    schema = signature.inputs if signature is not None else None
    batch_rows = state.settings.max_batch_rows if current.batching else 0
    return decode_request(document, schema, table_rows=batch_rows)
