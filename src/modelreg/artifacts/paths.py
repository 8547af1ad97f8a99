"""Artifact paths: the one place they are checked, normalized and resolved under a root.

An artifact path is relative and ``/``-separated. Anything that could address a file outside
the store is refused: ``..`` components, absolute paths, drive letters, backslashes, control
characters (NUL included) and, in a local store, symbolic links that lead out of the root.
Percent signs are ordinary characters: ``%2e%2e`` names a file called ``%2e%2e``; decoding
is the job of the HTTP layer, done once, before a path gets here.
"""

from __future__ import annotations

import re
from pathlib import Path

from modelreg.errors import InvalidParameterValue

__all__ = ["InvalidArtifactPath", "is_contained", "join", "normalize", "resolve_under"]

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


class InvalidArtifactPath(InvalidParameterValue):
    """An artifact path that is malformed or would leave the store's root."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"Invalid artifact path {path!r}: {reason}.")
        self.path = path
        self.reason = reason


def normalize(path: object, *, allow_root: bool = False) -> str:
    """Return ``path`` without ``.`` or empty components (``""`` is the root), or raise.

    ``allow_root`` lets ``""`` (and ``"."``, ``"/"``-free equivalents) through, for operations
    that make sense on the whole store (listing, uploading a directory into it).
    """
    if not isinstance(path, str):
        raise InvalidArtifactPath(path, f"expected a string, got {type(path).__name__}")
    if _CONTROL_CHARACTERS.search(path):
        raise InvalidArtifactPath(path, "control characters (NUL included) are not allowed")
    if "\\" in path:
        raise InvalidArtifactPath(path, "backslashes are not allowed, separate with '/'")
    if path.startswith("/"):
        raise InvalidArtifactPath(path, "absolute paths are not allowed")
    if _DRIVE.match(path):
        raise InvalidArtifactPath(path, "drive letters are not allowed")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise InvalidArtifactPath(path, "'..' components are not allowed")
    if not parts and not allow_root:
        raise InvalidArtifactPath(
            path, "the path of a file or directory inside the store is needed"
        )
    return "/".join(parts)


def join(directory: str, name: str) -> str:
    """``directory/name`` for normalized paths, where ``""`` is the root."""
    return f"{directory}/{name}" if directory else name


def is_contained(root: Path, path: Path) -> bool:
    """Whether ``path``, with every symbolic link followed, stays under ``root`` (resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError before Python 3.13
        return False


def resolve_under(root: Path, relative: str) -> Path:
    """``root / relative`` for a normalized path, refused if a symbolic link leads out of root."""
    target = root / relative if relative else root
    if not is_contained(root, target):
        raise InvalidArtifactPath(
            relative, "it leads outside the artifact root through a symbolic link"
        )
    return target
