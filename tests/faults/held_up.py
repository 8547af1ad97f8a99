"""A model folder whose copy waits for the test: its weights come through a named pipe, and
whoever copies the folder blocks reading it until :meth:`HeldUpModel.release`."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

WEIGHTS = b"w" * 100_000


class HeldUpModel:
    """An ``MLmodel`` file and ``weights.bin``, a named pipe."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "MLmodel").write_text("flavors: {}\n")
        self.folder = folder
        self.pipe = folder / "weights.bin"
        os.mkfifo(self.pipe)

    def release(self) -> None:
        """Let the copy read WEIGHTS, once it has opened the pipe (within 10 s)."""
        deadline = time.monotonic() + 10
        while True:
            try:  # non-blocking: fails with ENXIO while no reader has the pipe open
                descriptor = os.open(self.pipe, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        os.set_blocking(descriptor, True)
        with open(descriptor, "wb") as pipe:
            pipe.write(WEIGHTS)
