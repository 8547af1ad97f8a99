"""The run-artifact operations of MlflowClient, over whichever store holds a run's files."""

from __future__ import annotations

import posixpath
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path

from modelreg.artifacts.base import ArtifactStore, FileInfo


class RunArtifacts(ABC):
    """log_artifact(s), list_artifacts and download_artifacts, given a run's store."""

    @abstractmethod
    def _artifacts(self, run_id: str) -> ArtifactStore:
        """The store rooted at the run's artifact location."""

    def log_artifact(self, run_id: str, local_path: str, artifact_path: str | None = None) -> None:
        """Upload a local file into the run's artifacts (under ``artifact_path``)."""
        name = Path(local_path).name
        target = posixpath.join(artifact_path, name) if artifact_path else name
        self._artifacts(run_id).put_file(target, local_path)

    def log_artifacts(self, run_id: str, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload every file of a local folder into the run's artifacts."""
        self._artifacts(run_id).put_dir(artifact_path or "", local_dir)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        """The files and folders directly under ``path`` in the run's artifacts."""
        return self._artifacts(run_id).list(path or "")

    def download_artifacts(self, run_id: str, path: str = "", dst_path: str | None = None) -> str:
        """Download an artifact file or folder of a run; returns the local path."""
        destination = Path(dst_path or tempfile.mkdtemp(prefix="modelreg-artifacts-"))
        return str(self._artifacts(run_id).download(path, destination))
