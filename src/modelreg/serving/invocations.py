"""MLflow's scoring protocol: ``/ping``, ``/health``, ``/version``, ``/invocations[/{name}]``.

Requests and successful responses are MLflow's (docs/mlflow-wire.md, section 7); errors are
MLflow's error JSON with a precise status and message (see ``serving.errors``).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from modelreg.__about__ import __version__
from modelreg.models.mlmodel import MLFLOW_COMPATIBLE_VERSION
from modelreg.serving.errors import ModelNotReady, ScoringError
from modelreg.serving.inputs import media_type, parse_body
from modelreg.serving.loading import LoadedModel
from modelreg.serving.outputs import dumps, predictions_json
from modelreg.serving.served import ScoringState
from modelreg.serving.transport import check_rows, off_loop, read_body, version_headers

__all__ = ["error_response", "invocation_routes", "status_document"]

JSON = "application/json"


def _encode(output: Any, _loaded: LoadedModel) -> bytes:
    return predictions_json(output)


def error_response(error: ScoringError, headers: dict[str, str] | None = None) -> Response:
    """The MLflow-style JSON answer to ``error``."""
    return Response(error.json(), error.status, headers=headers, media_type=JSON)


def status_document(state: ScoringState) -> dict[str, Any]:
    """What each served model is and which version answers (``/version``)."""
    models = []
    for endpoint in state.models.endpoints():
        holder, current = endpoint.holder, endpoint.holder.current
        models.append(
            {
                "name": holder.name,
                "uri": holder.uri,
                "variant": holder.variant,
                "status": holder.status.value,
                "version": None if current is None else current.version_label,
                "source": None if current is None else current.source_uri,
                "run_id": None if current is None else current.run_id,
                "loaded_at": None if current is None else current.loaded_at,
                "load_seconds": None if current is None else current.load_seconds,
                "follows_registry": holder.source.follows,
                **({"percent": holder.percent} if holder.variant == "canary" else {}),
                **({"error": holder.error} if holder.error else {}),
            }
        )
    return {
        "modelreg_version": __version__,
        "mlflow_version": MLFLOW_COMPATIBLE_VERSION,
        "models": models,
    }


def invocation_routes(state: ScoringState) -> list[Route]:
    """The routes of MLflow's scoring protocol over ``state``."""

    async def ping(_request: Request) -> Response:
        """200 once every served model has a version loaded, 503 before."""
        waiting = [holder for holder in state.models.holders() if holder.current is None]
        if not waiting:
            return Response("\n", media_type=JSON)
        problems = [
            f"'{holder.name}' ({holder.uri}): {holder.error or 'loading'}" for holder in waiting
        ]
        error = ModelNotReady(
            f"Not ready: {'; '.join(problems)}.", models=[h.name for h in waiting]
        )
        return error_response(error)

    async def version(_request: Request) -> Response:
        return Response(dumps(status_document(state)), media_type=JSON)

    async def invocations(request: Request) -> Response:
        started = time.perf_counter()
        name: str | None = request.path_params.get("name")
        settings = state.settings
        label, rows, headers, error_class = name or "", 0, None, None
        try:
            served = state.models.get(name)
            label = served.name
            endpoint = served.pick()
            variant = endpoint.holder.variant if served.canary is not None else None
            current = endpoint.loaded()
            headers = version_headers(label, current, variant)
            mime = media_type(request.headers.get("content-type"))
            body = await read_body(request, settings.max_body_bytes)
            model_input = await off_loop(len(body), lambda: _parse(body, mime, current, state))
            rows = model_input.rows
            check_rows(rows, settings.max_rows)
            outcome = await endpoint.predictor.predict(model_input, _encode, settings.timeout)
            loaded = outcome.loaded or current
            headers = version_headers(label, loaded, variant)
            if outcome.error is not None:
                raise outcome.error
            response = Response(outcome.body, headers=headers, media_type=JSON)
        except ScoringError as error:
            response, error_class = error_response(error, headers), error.error_class
        state.metrics.answered(
            model=label,
            protocol="mlflow",
            status=response.status_code,
            started=started,
            headers=headers,
            rows=rows,
            error_class=error_class,
        )
        return response

    return [
        Route("/ping", ping, methods=["GET"]),
        Route("/health", ping, methods=["GET"]),
        Route("/version", version, methods=["GET"]),
        Route("/invocations", invocations, methods=["POST"]),
        Route("/invocations/{name}", invocations, methods=["POST"]),
    ]


def _parse(body: bytes, mime: str, current: LoadedModel, state: ScoringState) -> Any:
    signature = current.model.metadata.signature
    schema = signature.inputs if signature is not None else None
    batch_rows = state.settings.max_batch_rows if current.batching else 0
    return parse_body(body, mime, schema, table_rows=batch_rows)
