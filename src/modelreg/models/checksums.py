"""The ``checksums`` manifest of a model folder: the sha256 of every other file.

The format is ``sha256sum``'s (``<hex digest>  <relative/posix/path>``, one line per file,
sorted by path), so ``sha256sum -c checksums`` checks a folder by hand too.

On load, a folder with a manifest must match it exactly: a listed file that is missing,
modified or truncated is an error, and so is a file the manifest does not list (the folder
is meant to be immutable once saved, and an added file, e.g. inside a PythonModel's
artifact directory, could change what the model reads). The one exception is
``registered_model_meta``, which MLflow's client writes into folders it downloads from a
registry. Folders without a manifest (MLflow's) are not checked.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath

from modelreg.errors import InvalidParameterValue
from modelreg.models.errors import ModelIntegrityError

__all__ = ["CHECKSUMS_FILE_NAME", "file_sha256", "verify_checksums", "write_checksums"]

CHECKSUMS_FILE_NAME = "checksums"
#: Files that may appear in a folder after it was saved without breaking its integrity.
IGNORED_FILE_NAMES = frozenset({CHECKSUMS_FILE_NAME, "registered_model_meta"})

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a file, read in chunks."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def write_checksums(directory: Path) -> Path:
    """Write the manifest of every file under ``directory``; returns its path."""
    lines = []
    for relative in _files(directory):
        if any(char in relative for char in "\n\r\\"):
            raise InvalidParameterValue(
                f"Model file name {relative!r} contains a newline or a backslash."
            )
        lines.append(f"{file_sha256(directory / relative)}  {relative}\n")
    manifest = directory / CHECKSUMS_FILE_NAME
    manifest.write_text("".join(lines), encoding="utf-8")
    return manifest


def verify_checksums(directory: Path) -> bool:
    """Check ``directory`` against its manifest; False if it has none.

    Raises :class:`ModelIntegrityError` naming the first file that is missing, differs
    from its checksum, or is not listed.
    """
    manifest = directory / CHECKSUMS_FILE_NAME
    if not manifest.is_file():
        return False
    expected = _read_manifest(manifest)
    for relative, digest in expected.items():
        path = directory / relative
        if not path.is_file():
            raise ModelIntegrityError(
                f"Model file '{relative}' is listed in the checksums manifest of "
                f"'{directory}' but is missing.",
                path=relative,
            )
        if file_sha256(path) != digest:
            raise ModelIntegrityError(
                f"Model file '{relative}' in '{directory}' does not match its checksum: "
                "it was modified or truncated after the model was saved.",
                path=relative,
            )
    for relative in _files(directory):
        if relative not in expected and PurePosixPath(relative).name not in IGNORED_FILE_NAMES:
            raise ModelIntegrityError(
                f"Model file '{relative}' in '{directory}' is not listed in the checksums "
                "manifest: it was added after the model was saved.",
                path=relative,
            )
    return True


def _files(directory: Path) -> list[str]:
    """Relative POSIX paths of the files under ``directory``, sorted, minus the manifest."""
    found = []
    for root, _dirs, names in os.walk(directory):
        for name in names:
            relative = (Path(root) / name).relative_to(directory).as_posix()
            if relative != CHECKSUMS_FILE_NAME:
                found.append(relative)
    return sorted(found)


def _read_manifest(manifest: Path) -> dict[str, str]:
    expected: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        match = _LINE.match(line)
        relative = match.group(2) if match else ""
        pure = PurePosixPath(relative)
        if not match or pure.is_absolute() or ".." in pure.parts or relative in expected:
            raise ModelIntegrityError(
                f"Line {number} of the checksums manifest '{manifest}' is malformed.",
                path=CHECKSUMS_FILE_NAME,
            )
        expected[relative] = match.group(1)
    return expected
