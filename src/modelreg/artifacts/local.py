"""``LocalArtifactStore``: artifacts in a local directory, written atomically."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from modelreg.artifacts.atomic import PARTIAL_SUFFIX, write_atomically
from modelreg.artifacts.base import ArtifactNotFound, ArtifactStore, FileInfo
from modelreg.artifacts.paths import InvalidArtifactPath, is_contained, join, resolve_under
from modelreg.artifacts.progress import Readable

__all__ = ["LocalArtifactStore"]


class LocalArtifactStore(ArtifactStore):
    """Artifacts under a local directory (created on first write).

    Files are written to a temporary file in the target's directory and renamed into place,
    so a reader never sees a half-written file. Symbolic links that lead out of the root
    are refused, and left out of listings.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"LocalArtifactStore({str(self.root)!r})"

    def _path(self, relative: str) -> Path:
        return resolve_under(self.root, relative)

    def _uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def _put_stream(self, relative: str, stream: Readable) -> None:
        target = self._path(relative)
        try:
            write_atomically(target, stream)
        except (FileExistsError, NotADirectoryError):
            raise InvalidArtifactPath(relative, "a parent of it is a file") from None
        except IsADirectoryError:
            raise InvalidArtifactPath(relative, "it is a directory") from None

    def _open(self, relative: str) -> BinaryIO:
        try:
            return self._path(relative).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ArtifactNotFound(relative) from None

    def _size(self, relative: str) -> int:
        path = self._path(relative)
        if not path.is_file():
            raise ArtifactNotFound(relative)
        return path.stat().st_size

    def _list(self, relative: str) -> list[FileInfo]:
        directory = self._path(relative)
        if not directory.is_dir():
            return []
        entries = []
        with os.scandir(directory) as scan:
            for entry in scan:
                if entry.name.endswith(PARTIAL_SUFFIX):
                    continue  # a write in progress
                if entry.is_symlink() and not is_contained(self.root, Path(entry.path)):
                    continue  # not an artifact of this store
                try:
                    is_dir = entry.is_dir()
                    size = None if is_dir else entry.stat().st_size
                except OSError:  # a dangling symlink, or removed meanwhile
                    continue
                entries.append(FileInfo(join(relative, entry.name), is_dir, size))
        return entries

    def _exists(self, relative: str) -> bool:
        return self._path(relative).exists()

    def _delete(self, relative: str) -> None:
        path = self._path(relative)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            raise ArtifactNotFound(relative)
