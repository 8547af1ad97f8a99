"""``/api/3.0/mlflow/server-info``: what this server supports, read by MLflow 3 clients.

Presigned and multipart transfers are off, so clients upload and download artifacts with
plain PUT and GET through the artifact proxy.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from modelreg.server.responses import JSONResponse

router = APIRouter(tags=["operations"])

SERVER_INFO = {
    "store_type": "SqlStore",
    "workspaces_enabled": False,
    "trace_archival_enabled": False,
    "multipart_uploads_enabled": False,
    "multipart_downloads_enabled": False,
    "artifact_serving_enabled": True,
    "presigned_upload_run_id_supported": False,
    "presigned_upload_model_id_supported": False,
    "model_artifact_presigned_downloads_supported": False,
    "features_enabled": {},
    "artifacts_presigned_only": False,
}


@router.get("/server-info")
def server_info() -> Response:
    """The server's capabilities."""
    return JSONResponse(SERVER_INFO)
