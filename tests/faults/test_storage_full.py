"""The artifact storage runs out of room: an upload through the proxy and a registration's
copy fail with a clear error (507, ``IO_ERROR``, naming where the write failed), nothing is
half-written under a final name, and the version is FAILED_REGISTRATION with the reason.

Two ways to run out: a 16 MiB tmpfs as the artifact root (a real ENOSPC; needs root to
mount), and an 8 MiB limit on the size of any file the server writes (EFBIG, anywhere).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from modelreg import Client
from modelreg.artifacts.atomic import PARTIAL_SUFFIX
from modelreg.errors import StorageFull
from tests.faults.invariants import assert_ready_versions_complete, opened
from tests.faults.registrations import MLFLOW, version_of
from tests.faults.servers import Deployment, running

MIB = 1024 * 1024
PROXY = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture(params=["tmpfs", "file_size_limit"])
def small_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A registry whose server has little room for files (10 MiB fit, 20 do not)."""
    database = f"sqlite:///{tmp_path / 'registry.db'}"
    artifacts, log = tmp_path / "artifacts", tmp_path / "server.log"
    artifacts.mkdir()
    if request.param == "file_size_limit":
        yield Deployment(database, artifacts, log, file_size_limit=8 * MIB)
        return
    mount = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(artifacts)]
    if subprocess.run(mount, capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the file-size limit stands in")
    try:
        yield Deployment(database, artifacts, log)
    finally:
        subprocess.run(["umount", "--lazy", str(artifacts)], check=True)


def files_below(folder: Path) -> list[Path]:
    """Every file under ``folder``."""
    return [Path(parent, name) for parent, _, names in os.walk(folder) for name in names]


def test_an_upload_that_does_not_fit_is_a_507_and_leaves_nothing(
    small_storage: Deployment,
) -> None:
    with running(small_storage) as server:
        url = f"{server.url}{PROXY}/runs/r1"
        response = httpx.put(f"{url}/huge.bin", content=os.urandom(20 * MIB), timeout=30)
        assert response.status_code == 507, response.text
        error = response.json()
        assert error["error_code"] == "IO_ERROR"
        assert "No room to write 'huge.bin'" in error["message"]
        assert str(small_storage.artifacts) in error["message"]  # where: the artifact root
        assert httpx.get(f"{url}/huge.bin", timeout=10).status_code == 404
        assert files_below(small_storage.artifacts) == []  # no partial file left behind
        assert httpx.put(f"{url}/small.bin", content=b"fits", timeout=10).status_code == 200


def test_a_registration_that_does_not_fit_fails_cleanly(small_storage: Deployment) -> None:
    source = small_storage.artifacts / "uploads" / "big"  # put there as the proxy would
    source.mkdir(parents=True)
    (source / "MLmodel").write_text("flavors: {}\n")
    (source / "weights.bin").write_bytes(os.urandom(10 * MIB))
    with running(small_storage) as server:
        client = Client(server.url)
        client.create_registered_model("Big")
        with pytest.raises(StorageFull, match="Copying the model files failed: No room to write"):
            client.create_model_version("Big", "mlflow-artifacts:/uploads/big")
        client.close()
        version = version_of(server, "Big", 1)
        assert version is not None
        assert version["status"] == "FAILED_REGISTRATION"
        assert "No room to write 'weights.bin'" in version["status_message"]
        created = httpx.post(
            f"{server.url}{MLFLOW}/model-versions/create",
            json={"name": "Big", "source": "mlflow-artifacts:/uploads/big"},
            timeout=30,
        )
        assert created.status_code == 507, created.text
    leftovers = files_below(small_storage.artifacts)
    assert sorted(path.name for path in leftovers) == ["MLmodel", "weights.bin"]  # the source
    assert not any(path.name.endswith(PARTIAL_SUFFIX) for path in leftovers)
    with opened(small_storage.tracking_uri, small_storage.artifacts) as backend:
        assert_ready_versions_complete(backend)
