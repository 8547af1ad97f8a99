"""MLflow's published path-traversal and file-read payloads (CVE-2023-1177, CVE-2023-2780,
CVE-2023-6015, CVE-2023-6909, CVE-2024-1483, CVE-2024-3573 and their variants), sent to every
endpoint that reads or writes artifact or model files: all refused, nothing read or written
outside the server's artifact root."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from modelreg.config import Settings
from modelreg.server import create_app

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
API = "/api/2.0/mlflow"
SECRET = "top secret outside the artifact root"

#: Artifact paths that try to leave the root (encoded, double-encoded, absolute, Windows...).
PATHS = [
    "../secret.txt",
    "..%2Fsecret.txt",
    "%2e%2e%2fsecret.txt",
    "%2E%2E/%2E%2E/secret.txt",
    "%252e%252e%252fsecret.txt",
    "..%5csecret.txt",
    "a/../../secret.txt",
    "a/./../../secret.txt",
    "/etc/passwd",
    "//etc/passwd",
    "%2Fetc%2Fpasswd",
    "C:%5CWindows%5Cwin.ini",
    "secret.txt%00.png",
    "..;/secret.txt",
]
#: Artifact locations a client may try to give an experiment.
LOCATIONS = [
    "file:///etc",
    "/etc",
    "file://{root}/../outside",
    "{root}/../outside",
    "mlflow-artifacts:/../../etc",
    "mlflow-artifacts:/a/../../../etc",
]
#: Model version sources that name files of the server's disk.
SOURCES = [
    "file:///etc/passwd",
    "/etc",
    "file://{outside}",
    "{outside}",
    "mlflow-artifacts:/../outside",
    "mlflow-artifacts:/%2e%2e/outside",
    "http://localhost/#/../../../outside",
]


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """The server's artifact root, and a secret folder beside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "MLmodel").write_text("flavors: {}\n")
    return {"root": tmp_path / "artifacts", "outside": outside}


@pytest.fixture
def client(tmp_path: Path, layout: dict[str, Path]) -> Iterator[TestClient]:
    settings = Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}", artifact_root=str(layout["root"])
    )
    with TestClient(create_app(settings)) as client:
        client.post(f"{API}/registered-models/create", json={"name": "Unicorn"})
        yield client


def _never_leaks(response_text: str) -> None:
    assert SECRET not in response_text
    assert "root:x:0:0" not in response_text


@pytest.mark.parametrize("path", PATHS)
def test_the_artifact_proxy_refuses_every_traversal(
    client: TestClient, layout: dict[str, Path], path: str
) -> None:
    url = f"{ARTIFACTS}/{path}"
    # A payload either is refused, or names (literally) a file inside the root; it never
    # reaches the secret beside it, for reading, writing or deleting.
    for response in (
        client.get(url),
        client.put(url, content=b"overwritten"),
        client.get(url),
        client.delete(url),
        client.get(ARTIFACTS, params={"path": path}),
    ):
        assert response.status_code < 500, (path, response.status_code)
        _never_leaks(response.text)
    assert (layout["outside"] / "secret.txt").read_text() == SECRET
    written = [p for p in layout["outside"].parent.rglob("*") if p.is_file()]
    assert all(layout["root"] in p.parents for p in written if p.read_bytes() == b"overwritten"), (
        written
    )


@pytest.mark.parametrize("location", LOCATIONS)
def test_experiments_cannot_point_at_the_servers_disk(
    client: TestClient, layout: dict[str, Path], location: str
) -> None:
    location = location.format(root=layout["root"])
    response = client.post(
        f"{API}/experiments/create", json={"name": "e", "artifact_location": location}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize("source", SOURCES)
def test_model_sources_never_copy_files_of_the_servers_disk(
    client: TestClient, layout: dict[str, Path], source: str
) -> None:
    source = source.format(outside=layout["outside"])
    response = client.post(
        f"{API}/model-versions/create", json={"name": "Unicorn", "source": source}
    )
    _never_leaks(response.text)
    if response.status_code == 200:  # recorded as given, as MLflow does: never copied
        version = response.json()["model_version"]
        assert version["source"] == source
        uri = client.get(
            f"{API}/model-versions/get-download-uri",
            params={"name": "Unicorn", "version": version["version"]},
        ).json()["artifact_uri"]
        assert uri == source  # the client's own disk, not a proxied copy of the server's
    else:
        assert response.status_code == 400, response.text
    copies = layout["root"] / "registry"
    assert not [p for p in copies.rglob("*") if p.is_file() and p.read_text() == SECRET]


@pytest.mark.parametrize("path", PATHS)
def test_the_ui_file_downloads_refuse_every_traversal(
    client: TestClient, layout: dict[str, Path], path: str
) -> None:
    run = client.post(f"{API}/runs/create", json={"experiment_id": "0"}).json()["run"]
    run_id = run["info"]["run_id"]
    for url in (f"/runs/{run_id}/artifact?path={path}", f"/runs/{run_id}?path={path}"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        _never_leaks(response.text)
    download = client.get(f"/runs/{run_id}/artifact", params={"path": f"../../../{path}"})
    assert download.status_code in (400, 404)
