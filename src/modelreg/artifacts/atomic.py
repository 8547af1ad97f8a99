"""Atomic local writes: a temporary file beside the target, renamed over it once complete."""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from modelreg.artifacts.progress import Readable
from modelreg.errors import StorageFull

__all__ = ["CHUNK_SIZE", "PARTIAL_SUFFIX", "write_atomically"]

CHUNK_SIZE = 1024 * 1024
#: The suffix of files being written; listings skip them.
PARTIAL_SUFFIX = ".modelreg-partial"
#: Write errors that mean there is no room: a full disk, a quota, a file-size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _ignore(amount: int) -> None:
    pass


def write_atomically(
    target: Path, stream: Readable, advance: Callable[[int], None] = _ignore
) -> None:
    """Copy ``stream`` to ``target`` in chunks; readers see the old file or the whole new one.

    Parent directories are created. If reading or writing fails, the temporary file is
    removed and ``target`` is left as it was; a write that finds no room raises
    :class:`~modelreg.errors.StorageFull` naming the folder.
    """
    try:
        _write(target, stream, advance)
    except OSError as error:
        if error.errno in _NO_ROOM:
            raise StorageFull(
                f"No room to write '{target.name}' in '{target.parent}': {error.strerror}."
            ) from error
        raise


def _write(target: Path, stream: Readable, advance: Callable[[int], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(8)}{PARTIAL_SUFFIX}")
    # os.open with 0o666 rather than mkstemp (0o600): the final file gets the umask's mode.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "wb") as file:
            while chunk := stream.read(CHUNK_SIZE):
                file.write(chunk)
                advance(len(chunk))
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
