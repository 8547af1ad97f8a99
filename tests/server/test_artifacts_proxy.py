"""The artifact proxy (``/api/2.0/mlflow-artifacts/artifacts``): streams, listings, safety."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.artifacts_proxy import RequestBody
from tests.server.conftest import ARTIFACTS, assert_error, ok, upload


def test_upload_then_download_round_trips_bytes(client: TestClient, artifact_root: Path) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)  # several chunks
    upload(client, "1/models/m-1/artifacts/model.skops", payload)
    assert (artifact_root / "1/models/m-1/artifacts/model.skops").read_bytes() == payload
    response = client.get(f"{ARTIFACTS}/1/models/m-1/artifacts/model.skops")
    assert response.status_code == 200
    assert response.content == payload
    assert response.headers["content-type"] == "application/octet-stream"


def test_upload_answers_200_with_an_empty_body(client: TestClient) -> None:
    response = client.put(f"{ARTIFACTS}/1/run/artifacts/notes.txt", content=b"hello")
    assert (response.status_code, response.content) == (200, b"")


def test_upload_replaces_an_existing_file(client: TestClient) -> None:
    upload(client, "a/notes.txt", b"first")
    upload(client, "a/notes.txt", b"second")
    assert client.get(f"{ARTIFACTS}/a/notes.txt").content == b"second"


@pytest.mark.parametrize("name", ["MLmodel", "conda.yaml", "input_example.json", "req.txt"])
def test_text_files_are_served_as_text_plain(client: TestClient, name: str) -> None:
    upload(client, f"m/{name}", b"text")
    response = client.get(f"{ARTIFACTS}/m/{name}")
    assert response.headers["content-type"].startswith("text/plain")


def test_listing_names_entries_relative_to_the_folder(client: TestClient) -> None:
    upload(client, "1/run/artifacts/extra/d.json", b'{"a": 1}\n')
    upload(client, "1/run/artifacts/extra/notes.txt", b"hello artifacts\n")
    upload(client, "1/run/artifacts/extra/deeper/x.bin", b"x")
    listing = ok(client.get(ARTIFACTS, params={"path": "1/run/artifacts/extra"}))
    assert listing == {
        "files": [
            {"path": "d.json", "is_dir": False, "file_size": 9},
            {"path": "deeper", "is_dir": True},
            {"path": "notes.txt", "is_dir": False, "file_size": 16},
        ]
    }
    root = ok(client.get(ARTIFACTS))
    assert root == {"files": [{"path": "1", "is_dir": True}]}


@pytest.mark.parametrize("path", ["1/nothing/here", "1/run/artifacts/notes.txt"])
def test_listing_a_missing_folder_or_a_file_is_an_empty_object(
    client: TestClient, path: str
) -> None:
    upload(client, "1/run/artifacts/notes.txt", b"x")
    assert ok(client.get(ARTIFACTS, params={"path": path})) == {}


def test_download_of_a_missing_file_is_404_with_mlflows_message(client: TestClient) -> None:
    response = client.get(f"{ARTIFACTS}/1/run/artifacts/model")
    assert_error(
        response, 404, "RESOURCE_DOES_NOT_EXIST", "No such artifact: '1/run/artifacts/model'"
    )


def test_download_of_a_folder_is_404(client: TestClient) -> None:
    upload(client, "1/folder/file.txt", b"x")
    assert_error(client.get(f"{ARTIFACTS}/1/folder"), 404, "RESOURCE_DOES_NOT_EXIST")


def test_delete_a_file_then_a_folder(client: TestClient, artifact_root: Path) -> None:
    upload(client, "1/run/a.txt", b"a")
    upload(client, "1/run/sub/b.txt", b"b")
    assert ok(client.delete(f"{ARTIFACTS}/1/run/a.txt")) == {}
    assert not (artifact_root / "1/run/a.txt").exists()
    assert ok(client.delete(f"{ARTIFACTS}/1/run")) == {}
    assert not (artifact_root / "1/run").exists()
    assert_error(client.delete(f"{ARTIFACTS}/1/run"), 404, "RESOURCE_DOES_NOT_EXIST")


TRAVERSALS = [
    "%2e%2e/outside.txt",
    "a/%2E%2E/%2e%2e/outside.txt",
    "..%2Foutside.txt",
    "/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_refused_on_every_operation(
    client: TestClient, tmp_path: Path, path: str
) -> None:
    url = f"{ARTIFACTS}/{path}"
    assert_error(client.put(url, content=b"x"), 400, "INVALID_PARAMETER_VALUE", "artifact path")
    assert_error(client.get(url), 400, "INVALID_PARAMETER_VALUE", "artifact path")
    assert_error(client.delete(url), 400, "INVALID_PARAMETER_VALUE", "artifact path")
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize("path", ["../", "a/../../x", "/etc"])
def test_listing_outside_the_root_is_refused(client: TestClient, path: str) -> None:
    response = client.get(ARTIFACTS, params={"path": path})
    assert_error(response, 400, "INVALID_PARAMETER_VALUE", "artifact path")


def test_registry_copies_are_read_only(client: TestClient, artifact_root: Path) -> None:
    copy = artifact_root / "registry" / "abc" / "MLmodel"
    copy.parent.mkdir(parents=True)
    copy.write_text("flavors: {}\n")
    assert client.get(f"{ARTIFACTS}/registry/abc/MLmodel").text == "flavors: {}\n"
    response = client.put(f"{ARTIFACTS}/registry/abc/MLmodel", content=b"tampered")
    assert_error(response, 403, "PERMISSION_DENIED")
    assert_error(client.put(f"{ARTIFACTS}/./registry/x", content=b"x"), 403, "PERMISSION_DENIED")
    assert_error(client.delete(f"{ARTIFACTS}/registry/abc"), 403, "PERMISSION_DENIED")
    assert copy.read_text() == "flavors: {}\n"


def test_ui_twin_prefix_serves_the_same_files(client: TestClient) -> None:
    upload(client, "twin/file.txt", b"same")
    assert client.get("/ajax-api/2.0/mlflow-artifacts/artifacts/twin/file.txt").content == b"same"


def test_request_body_reads_exact_sizes_across_chunks() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"abc", b"defgh", b"", b"ij"):
            yield part

    async def read_all() -> list[bytes]:
        body = RequestBody(chunks())
        return [await anyio.to_thread.run_sync(body.read, 4) for _ in range(4)]

    assert anyio.run(read_all) == [b"abcd", b"efgh", b"ij", b""]


def test_public_uri_maps_locations_under_a_relative_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    uris = ArtifactUris("mlartifacts")
    assert uris.public_uri("mlartifacts/1/run/artifacts") == "mlflow-artifacts:/1/run/artifacts"
    absolute = (tmp_path / "mlartifacts" / "1").as_uri()
    assert uris.public_uri(absolute) == "mlflow-artifacts:/1"
    assert uris.public_uri("s3://bucket/elsewhere") == "s3://bucket/elsewhere"
    assert uris.location("mlflow-artifacts:/1/x") == f"{absolute}/x"
