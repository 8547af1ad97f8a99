"""The ``ArtifactStore`` interface, its ``FileInfo`` entries and the missing-artifact error.

Every public method normalizes its path with :func:`modelreg.artifacts.paths.normalize`
before an implementation sees it; implementations fill in the ``_``-prefixed hooks, which
receive normalized paths only.
"""

from __future__ import annotations

import builtins
import logging
import os
import posixpath
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from modelreg.artifacts.atomic import write_atomically
from modelreg.artifacts.paths import InvalidArtifactPath, join, normalize
from modelreg.artifacts.progress import ProgressCallback, ProgressReader, ProgressTracker, Readable
from modelreg.errors import InvalidParameterValue, ResourceNotFound

__all__ = ["ArtifactNotFound", "ArtifactStore", "FileInfo"]

logger = logging.getLogger(__name__)

LocalPath = str | os.PathLike[str]


class ArtifactNotFound(ResourceNotFound):
    """Nothing is stored at this artifact path."""

    def __init__(self, path: str) -> None:
        super().__init__(f"No such artifact: '{path}'")
        self.path = path


@dataclass(frozen=True)
class FileInfo:
    """One listing entry, as MLflow's: ``path`` relative to the store root, no size for dirs."""

    path: str
    is_dir: bool
    file_size: int | None = None


class ArtifactStore(ABC):
    """Files under one root, addressed by relative ``/``-separated paths.

    Paths are checked once, here: ``..``, absolute paths, backslashes and control characters
    raise :class:`~modelreg.artifacts.paths.InvalidArtifactPath`; reading something missing
    raises :class:`ArtifactNotFound`. Directories exist through the files in them.
    """

    def uri(self, path: str = "") -> str:
        """The full URI of ``path`` (of the root by default), e.g. ``s3://bucket/prefix/path``."""
        return self._uri(normalize(path, allow_root=True))

    def put_stream(self, path: str, stream: Readable) -> None:
        """Store everything read from ``stream`` (in chunks) as the file ``path``."""
        self._put_stream(normalize(path), stream)

    def put_file(
        self, path: str, local_file: LocalPath, *, on_progress: ProgressCallback | None = None
    ) -> None:
        """Upload the local file ``local_file`` as ``path``."""
        relative = normalize(path)
        source = Path(local_file)
        tracker = ProgressTracker(source.stat().st_size, on_progress)
        self._put_file(relative, source, tracker.advance)

    def put_dir(
        self, path: str, local_dir: LocalPath, *, on_progress: ProgressCallback | None = None
    ) -> None:
        """Upload every file under ``local_dir`` below ``path`` (``""``: the root).

        Every name is checked before the first byte is sent. ``on_progress`` receives the
        bytes uploaded so far and the total size of the directory.
        """
        base = normalize(path, allow_root=True)
        source = Path(local_dir)
        if not source.is_dir():
            raise InvalidParameterValue(f"Not a local directory: '{source}'")
        uploads = [
            (join(base, normalize(file.relative_to(source).as_posix())), file)
            for file in _files_below(source)
        ]
        tracker = ProgressTracker(sum(file.stat().st_size for _, file in uploads), on_progress)
        for target, file in uploads:
            self._put_file(target, file, tracker.advance)

    def open(self, path: str) -> BinaryIO:
        """Open the file ``path`` for reading; read it in chunks with ``read(n)``, then close."""
        return self._open(normalize(path))

    def download_file(
        self, path: str, local_file: LocalPath, *, on_progress: ProgressCallback | None = None
    ) -> None:
        """Download the file ``path`` to ``local_file``, replacing it only once complete."""
        relative = normalize(path)
        total = 0 if on_progress is None else self._size(relative)
        self._get_file(relative, Path(local_file), ProgressTracker(total, on_progress).advance)

    def download_dir(
        self, path: str, local_dir: LocalPath, *, on_progress: ProgressCallback | None = None
    ) -> None:
        """Download every file below the directory ``path`` (``""``: the root) into ``local_dir``.

        ``on_progress`` receives the bytes downloaded so far and the total size.
        """
        base = normalize(path, allow_root=True)
        files = builtins.list(self._walk(base))
        if not files:
            self._require_directory(base)
        tracker = ProgressTracker(sum(file.file_size or 0 for file in files), on_progress)
        destination = Path(local_dir)
        destination.mkdir(parents=True, exist_ok=True)
        for file in files:
            below = file.path[len(base) + 1 :] if base else file.path
            self._get_file(file.path, destination / below, tracker.advance)

    def download(self, path: str, local_dir: LocalPath) -> Path:
        """Download the file or directory ``path`` into ``local_dir``; returns where it went.

        ``path`` lands as ``local_dir/<its last name>``; ``""`` (the root) fills ``local_dir``.
        """
        base = normalize(path, allow_root=True)
        target = Path(local_dir) / posixpath.basename(base) if base else Path(local_dir)
        if base and not self.list(base):
            self.download_file(base, target)
        else:
            self.download_dir(base, target)
        return target

    def list(self, path: str = "") -> builtins.list[FileInfo]:
        """The files and directories directly in ``path``, sorted; ``[]`` if there are none."""
        base = normalize(path, allow_root=True)
        entries = []
        for entry in self._list(base):
            if _is_child(entry.path, base):
                entries.append(entry)
            else:
                logger.warning("Skipping unaddressable artifact name %r in %r", entry.path, base)
        return sorted(entries, key=lambda entry: entry.path)

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a file or a directory with files in it (``""``: the root)."""
        return self._exists(normalize(path, allow_root=True))

    def delete(self, path: str) -> None:
        """Delete the file ``path``, or the directory ``path`` with everything below it."""
        self._delete(normalize(path))

    def _walk(self, directory: str) -> Iterator[FileInfo]:
        for entry in self.list(directory):
            if entry.is_dir:
                yield from self._walk(entry.path)
            else:
                yield entry

    def _require_directory(self, relative: str) -> None:
        if not relative:
            return
        siblings = self.list(posixpath.dirname(relative))
        entry = next((e for e in siblings if e.path == relative), None)
        if entry is None:
            raise ArtifactNotFound(relative)
        if not entry.is_dir:
            raise InvalidArtifactPath(relative, "it is a file, not a directory")

    # Hooks: each receives paths already normalized by the public method.

    @abstractmethod
    def _uri(self, relative: str) -> str: ...

    @abstractmethod
    def _put_stream(self, relative: str, stream: Readable) -> None: ...

    def _put_file(self, relative: str, source: Path, advance: Callable[[int], None]) -> None:
        with source.open("rb") as file:
            self._put_stream(relative, ProgressReader(file, advance))

    @abstractmethod
    def _open(self, relative: str) -> BinaryIO: ...

    @abstractmethod
    def _size(self, relative: str) -> int:
        """The size of the file ``relative``, or :class:`ArtifactNotFound`."""

    def _get_file(self, relative: str, target: Path, advance: Callable[[int], None]) -> None:
        with self._open(relative) as stream:
            write_atomically(target, stream, advance)

    @abstractmethod
    def _list(self, relative: str) -> builtins.list[FileInfo]: ...

    @abstractmethod
    def _exists(self, relative: str) -> bool: ...

    @abstractmethod
    def _delete(self, relative: str) -> None: ...


def _files_below(directory: Path) -> list[Path]:
    files: list[Path] = []
    for parent, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        files.extend(Path(parent, name) for name in sorted(filenames))
    return files


def _is_child(path: str, directory: str) -> bool:
    """Whether ``path`` is a normalized path naming an entry directly in ``directory``."""
    try:
        normal = normalize(path)
    except InvalidArtifactPath:
        return False
    return normal == path and posixpath.dirname(path) == directory
