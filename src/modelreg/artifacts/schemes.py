"""``artifact_store_for``: the ArtifactStore for a URI, chosen by its scheme."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from modelreg.artifacts.base import ArtifactStore
from modelreg.artifacts.local import LocalArtifactStore
from modelreg.artifacts.s3 import S3ArtifactStore, S3TransferSettings
from modelreg.errors import InvalidParameterValue

__all__ = ["SCHEMES", "artifact_store_for"]

#: The URI schemes with a store; a plain path (no scheme) is a local directory.
SCHEMES = ("file", "s3")


def artifact_store_for(
    uri: str,
    *,
    environ: Mapping[str, str] | None = None,
    s3_transfer: S3TransferSettings | None = None,
) -> ArtifactStore:
    """The store rooted at ``uri``: a local path, ``file:///dir`` or ``s3://bucket/prefix``.

    ``environ`` (default ``os.environ``) supplies the S3 endpoint, see ``s3_endpoint_url``.

    Example:
        >>> artifact_store_for("/srv/modelreg/artifacts").uri("models/1/MLmodel")
        'file:///srv/modelreg/artifacts/models/1/MLmodel'
    """
    if not uri:
        raise InvalidParameterValue("Artifact URI must not be empty.")
    scheme = urlsplit(uri).scheme
    if scheme == "":
        return LocalArtifactStore(uri)
    if scheme == "file":
        return LocalArtifactStore(_file_uri_path(uri))
    if scheme == "s3":
        return S3ArtifactStore.from_uri(uri, environ=environ, transfer=s3_transfer)
    raise InvalidParameterValue(
        f"Unsupported artifact URI scheme '{scheme}' in '{uri}': "
        "use a local path, a file:// URI or an s3://bucket/prefix URI."
    )


def _file_uri_path(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.netloc not in ("", "localhost"):
        raise InvalidParameterValue(
            f"Unsupported file URI '{uri}': only local files (file:///path) can be used."
        )
    path = unquote(parts.path)
    if not path:
        raise InvalidParameterValue(f"File URI without a path: '{uri}'")
    return path
