"""A server SIGKILLed in the middle of streamed uploads through its artifact proxy: after a
restart, no partial file is visible under its final name. An overwritten file still has its
old bytes, a new one does not exist, and the temporary files left behind are never listed
(so never downloaded or registered)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx

from modelreg.artifacts.atomic import PARTIAL_SUFFIX
from tests.faults.background import InThread
from tests.faults.servers import Deployment, running
from tests.webhooks.receiver import eventually

PROXY = "/api/2.0/mlflow-artifacts/artifacts"
MIB = 1024 * 1024
OLD = b"old weights\n" * 1000


def stalled_body(released: threading.Event) -> Iterator[bytes]:
    """4 MiB, then nothing until ``released``, then 4 MiB more."""
    yield from (os.urandom(MIB) for _ in range(4))
    released.wait(30)
    yield from (os.urandom(MIB) for _ in range(4))


def partial_files(folder: Path) -> list[Path]:
    """The files being written in ``folder`` (or left there by a killed writer)."""
    return [path for path in folder.iterdir() if path.name.endswith(PARTIAL_SUFFIX)]


def test_sigkill_mid_upload_leaves_old_files_whole_and_new_ones_absent(tmp_path: Path) -> None:
    deployment = Deployment(
        f"sqlite:///{tmp_path / 'registry.db'}", tmp_path / "artifacts", tmp_path / "server.log"
    )
    folder = deployment.artifacts / "runs" / "r1"
    released = threading.Event()
    with running(deployment) as server:
        url = f"{server.url}{PROXY}/runs/r1"
        assert httpx.put(f"{url}/model.bin", content=OLD, timeout=10).status_code == 200
        uploads = [
            InThread(
                lambda name=name: httpx.put(
                    f"{url}/{name}", content=stalled_body(released), timeout=30
                )
            )
            for name in ("model.bin", "new.bin")
        ]
        eventually(  # both writes under way on the server's disk
            lambda: len([p for p in partial_files(folder) if p.stat().st_size >= MIB]) == 2 or None
        )
        server.kill()
        released.set()
        for upload in uploads:
            assert isinstance(upload.outcome(), httpx.TransportError)
    assert len(partial_files(folder)) == 2  # what the killed writes left

    with running(deployment) as server:
        url = f"{server.url}{PROXY}/runs/r1"
        assert httpx.get(f"{url}/model.bin", timeout=10).content == OLD
        assert httpx.get(f"{url}/new.bin", timeout=10).status_code == 404
        listing = httpx.get(f"{server.url}{PROXY}", params={"path": "runs/r1"}, timeout=10)
        assert listing.json() == {
            "files": [{"path": "model.bin", "is_dir": False, "file_size": len(OLD)}]
        }
        assert httpx.put(f"{url}/new.bin", content=b"whole", timeout=10).status_code == 200
        assert httpx.get(f"{url}/new.bin", timeout=10).content == b"whole"
