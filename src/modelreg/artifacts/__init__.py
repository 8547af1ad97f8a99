"""Artifact stores: files of model versions, local or on S3, behind one ``ArtifactStore``.

store = artifact_store_for("s3://bucket/modelreg")   # or a path, or file:///dir
store.put_dir("models/3", "./model", on_progress=print)
with store.open("models/3/MLmodel") as stream:
    head = stream.read(1024)
"""

from modelreg.artifacts.base import ArtifactNotFound, ArtifactStore, FileInfo
from modelreg.artifacts.local import LocalArtifactStore
from modelreg.artifacts.paths import InvalidArtifactPath, normalize
from modelreg.artifacts.progress import ProgressCallback, Readable
from modelreg.artifacts.s3 import S3ArtifactStore, S3TransferSettings, s3_endpoint_url
from modelreg.artifacts.schemes import SCHEMES, artifact_store_for

__all__ = [
    "SCHEMES",
    "ArtifactNotFound",
    "ArtifactStore",
    "FileInfo",
    "InvalidArtifactPath",
    "LocalArtifactStore",
    "ProgressCallback",
    "Readable",
    "S3ArtifactStore",
    "S3TransferSettings",
    "artifact_store_for",
    "normalize",
    "s3_endpoint_url",
]
