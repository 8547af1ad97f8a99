"""The ArtifactStore contract, run on the local store and on S3 (a moto server over HTTP)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modelreg.artifacts import (
    ArtifactNotFound,
    ArtifactStore,
    FileInfo,
    InvalidArtifactPath,
    artifact_store_for,
)
from modelreg.errors import InvalidParameterValue, ResourceNotFound
from tests.artifacts.conftest import Backend

ALL_BYTES = bytes(range(256)) * 17


def put(store: ArtifactStore, path: str, data: bytes) -> None:
    store.put_stream(path, io.BytesIO(data))


def read(store: ArtifactStore, path: str) -> bytes:
    with store.open(path) as stream:
        return stream.read()


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


MODEL_TREE = {
    "MLmodel": b"flavors: {}\n",
    "model.skops": ALL_BYTES,
    "empty.txt": b"",
    "code/pkg/__init__.py": b"# code\n",
    "code/pkg/deep/er/module.py": b"x = 1\n",
}


class BrokenStream:
    """Gives one chunk, then fails like a dropped connection."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, size: int = -1, /) -> bytes:
        self.reads += 1
        if self.reads > 1:
            raise OSError("connection dropped")
        return b"partial" * 1000


def store_at(backend: Backend, uri: str) -> ArtifactStore:
    """Another store on the backend's storage, built from a URI the store handed out."""
    environ = {"MLFLOW_S3_ENDPOINT_URL": getattr(backend.store, "endpoint_url", None) or ""}
    return artifact_store_for(uri, environ=environ)


# Round trips


@pytest.mark.parametrize("data", [b"", b"hello", ALL_BYTES], ids=["empty", "small", "binary"])
def test_put_stream_then_open_returns_the_same_bytes(store: ArtifactStore, data: bytes) -> None:
    put(store, "dir/file.bin", data)
    assert read(store, "dir/file.bin") == data


def test_open_streams_in_chunks(store: ArtifactStore) -> None:
    put(store, "f", ALL_BYTES)
    chunks = []
    with store.open("f") as stream:
        while chunk := stream.read(1000):
            assert len(chunk) <= 1000
            chunks.append(chunk)
    assert len(chunks) >= len(ALL_BYTES) // 1000
    assert b"".join(chunks) == ALL_BYTES


def test_put_stream_replaces_an_existing_file(store: ArtifactStore) -> None:
    put(store, "f.txt", b"old content, longer")
    put(store, "f.txt", b"new")
    assert read(store, "f.txt") == b"new"


def test_put_file_then_download_file_round_trips(store: ArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(ALL_BYTES)
    store.put_file("models/m/model.bin", source)
    target = tmp_path / "out" / "nested" / "copy.bin"
    store.download_file("models/m/model.bin", target)
    assert target.read_bytes() == ALL_BYTES


def test_put_dir_then_download_dir_round_trips_a_nested_tree(
    store: ArtifactStore, tmp_path: Path
) -> None:
    write_tree(tmp_path / "model", MODEL_TREE)
    store.put_dir("models/3", tmp_path / "model")
    assert read(store, "models/3/code/pkg/deep/er/module.py") == b"x = 1\n"
    store.download_dir("models/3", tmp_path / "copy")
    assert read_tree(tmp_path / "copy") == MODEL_TREE


def test_put_dir_to_the_root_and_download_everything(store: ArtifactStore, tmp_path: Path) -> None:
    write_tree(tmp_path / "model", MODEL_TREE)
    store.put_dir("", tmp_path / "model")
    assert read(store, "MLmodel") == MODEL_TREE["MLmodel"]
    store.download_dir("", tmp_path / "copy")
    assert read_tree(tmp_path / "copy") == MODEL_TREE


def test_put_dir_of_a_missing_local_directory_is_refused(
    store: ArtifactStore, tmp_path: Path
) -> None:
    with pytest.raises(InvalidParameterValue, match="Not a local directory"):
        store.put_dir("x", tmp_path / "missing")


def test_dot_and_empty_components_are_dropped(store: ArtifactStore) -> None:
    put(store, "./a//b/./c.txt/", b"c")
    assert read(store, "a/b/c.txt") == b"c"
    assert store.list("a/") == [FileInfo("a/b", True)]


def test_percent_encoded_dots_are_ordinary_characters(backend: Backend) -> None:
    store = backend.store
    put(store, "%2e%2e/x", b"literal")
    assert store.list() == [FileInfo("%2e%2e", True)]
    assert read(store, "%2e%2e/x") == b"literal"
    assert read(store_at(backend, store.uri("%2e%2e")), "x") == b"literal"


# Listing


def test_list_root_shows_files_and_directories_with_sizes(store: ArtifactStore) -> None:
    put(store, "b.txt", b"12345")
    put(store, "a/inner.txt", b"1")
    put(store, "c/d/e.txt", b"")
    assert store.list() == [
        FileInfo("a", True, None),
        FileInfo("b.txt", False, 5),
        FileInfo("c", True, None),
    ]


def test_list_subdirectory_gives_paths_relative_to_the_root(store: ArtifactStore) -> None:
    put(store, "models/m/MLmodel", b"abc")
    put(store, "models/m/code/x.py", b"")
    put(store, "models/mm/other", b"not in models/m")
    assert store.list("models/m") == [
        FileInfo("models/m/MLmodel", False, 3),
        FileInfo("models/m/code", True, None),
    ]


def test_list_of_a_missing_directory_is_empty(store: ArtifactStore) -> None:
    put(store, "a/b", b"1")
    assert store.list("nope") == []
    assert store.list("a/nope") == []


def test_list_of_a_file_is_empty(store: ArtifactStore) -> None:
    put(store, "a/b", b"1")
    assert store.list("a/b") == []


def test_list_of_an_empty_store_is_empty(store: ArtifactStore) -> None:
    assert store.list() == []


def test_exists_for_files_directories_and_missing_paths(store: ArtifactStore) -> None:
    assert not store.exists("a")
    put(store, "a/b/c", b"1")
    assert store.exists("a/b/c")
    assert store.exists("a/b")
    assert store.exists("a")
    assert store.exists("")
    assert not store.exists("a/b/c/d")
    assert store.exists("a/b/")
    assert not store.exists("a/bc")


# Deleting


def test_delete_file_leaves_its_siblings(store: ArtifactStore) -> None:
    put(store, "d/one", b"1")
    put(store, "d/two", b"2")
    store.delete("d/one")
    assert not store.exists("d/one")
    assert store.list("d") == [FileInfo("d/two", False, 1)]


def test_delete_directory_removes_everything_below_it_and_nothing_else(
    store: ArtifactStore,
) -> None:
    put(store, "models/1/MLmodel", b"1")
    put(store, "models/1/code/x.py", b"1")
    put(store, "models/10/MLmodel", b"10")
    put(store, "models/1.txt", b"sibling")
    store.delete("models/1")
    assert not store.exists("models/1")
    assert store.list("models") == [
        FileInfo("models/1.txt", False, 7),
        FileInfo("models/10", True, None),
    ]
    assert read(store, "models/10/MLmodel") == b"10"


def test_delete_of_a_missing_path_raises_not_found(store: ArtifactStore) -> None:
    put(store, "a/b", b"1")
    with pytest.raises(ArtifactNotFound, match=r"No such artifact: 'a/c'"):
        store.delete("a/c")


@pytest.mark.parametrize("root", ["", ".", "./."])
def test_delete_of_the_root_is_refused(store: ArtifactStore, root: str) -> None:
    put(store, "keep", b"1")
    with pytest.raises(InvalidArtifactPath):
        store.delete(root)
    assert read(store, "keep") == b"1"


# Missing files


def test_open_of_a_missing_file_raises_resource_not_found(store: ArtifactStore) -> None:
    with pytest.raises(ResourceNotFound) as caught:
        store.open("x/y")
    assert str(caught.value) == "RESOURCE_DOES_NOT_EXIST: No such artifact: 'x/y'"


def test_open_of_a_directory_raises_not_found(store: ArtifactStore) -> None:
    put(store, "d/f", b"1")
    with pytest.raises(ArtifactNotFound) as caught:
        store.open("d")
    assert caught.value.path == "d"


def test_download_file_of_a_missing_file_creates_nothing(
    store: ArtifactStore, tmp_path: Path
) -> None:
    with pytest.raises(ArtifactNotFound):
        store.download_file("missing", tmp_path / "out" / "f")
    assert not (tmp_path / "out" / "f").exists()


def test_download_dir_of_a_missing_directory_raises_not_found(
    store: ArtifactStore, tmp_path: Path
) -> None:
    put(store, "a/f", b"1")
    with pytest.raises(ArtifactNotFound):
        store.download_dir("b", tmp_path / "out")


def test_download_dir_of_a_file_is_refused(store: ArtifactStore, tmp_path: Path) -> None:
    put(store, "a/f", b"1")
    with pytest.raises(InvalidArtifactPath, match="is a file"):
        store.download_dir("a/f", tmp_path / "out")


def test_download_dir_of_an_empty_store_creates_an_empty_directory(
    store: ArtifactStore, tmp_path: Path
) -> None:
    store.download_dir("", tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


# Failed writes


def test_a_failing_stream_leaves_no_artifact(backend: Backend) -> None:
    store = backend.store
    before = backend.everything()
    with pytest.raises(OSError, match="connection dropped"):
        store.put_stream("models/new.bin", BrokenStream())
    assert not store.exists("models/new.bin")
    assert store.list("models") == []
    assert backend.everything() - before <= {"area", "area/root", "area/root/models"}


def test_a_failing_stream_keeps_the_previous_file(store: ArtifactStore) -> None:
    put(store, "f.bin", b"previous")
    with pytest.raises(OSError, match="connection dropped"):
        store.put_stream("f.bin", BrokenStream())
    assert read(store, "f.bin") == b"previous"


# Paths that would leave the store

TRAVERSALS = [
    "../x",
    "a/../../x",
    "a/../x",
    "/etc/passwd",
    "a/./../..",
    "..",
    "a/b/../../../x",
    "..\\x",
    "a\\..\\..\\x",
    "C:/Windows/x",
    "x\x00.txt",
    "a/\x00/b",
    "line\nbreak",
]

OPERATIONS: dict[str, Callable[[ArtifactStore, str, Path], Any]] = {
    "put_stream": lambda s, p, _: s.put_stream(p, io.BytesIO(b"evil")),
    "put_file": lambda s, p, tmp: s.put_file(p, tmp / "payload"),
    "put_dir": lambda s, p, tmp: s.put_dir(p, tmp / "payload_dir"),
    "open": lambda s, p, _: s.open(p),
    "download_file": lambda s, p, tmp: s.download_file(p, tmp / "got"),
    "download_dir": lambda s, p, tmp: s.download_dir(p, tmp / "got_dir"),
    "list": lambda s, p, _: s.list(p),
    "exists": lambda s, p, _: s.exists(p),
    "delete": lambda s, p, _: s.delete(p),
    "uri": lambda s, p, _: s.uri(p),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("payload", TRAVERSALS)
def test_paths_leaving_the_store_are_refused(
    backend: Backend, tmp_path: Path, operation: str, payload: str
) -> None:
    (tmp_path / "payload").write_bytes(b"evil")
    write_tree(tmp_path / "payload_dir", {"x": b"evil"})
    put(backend.store, "a/b/c", b"inside")  # so that a/.. would name something
    before = backend.everything()
    with pytest.raises(InvalidParameterValue) as caught:
        OPERATIONS[operation](backend.store, payload, tmp_path)
    assert repr(payload) in str(caught.value)
    assert backend.everything() == before


def test_non_string_paths_are_refused(store: ArtifactStore) -> None:
    with pytest.raises(InvalidArtifactPath, match="expected a string, got bytes"):
        store.open(b"a")  # type: ignore[arg-type]


# URIs


def test_uri_appends_the_path_to_the_root_uri(store: ArtifactStore) -> None:
    assert store.uri("a/b.txt") == store.uri() + "/a/b.txt"
    assert store.uri("a/./b.txt") == store.uri("a/b.txt")


def test_uri_of_the_root_builds_a_store_on_the_same_files(backend: Backend) -> None:
    put(backend.store, "x/y", b"shared")
    again = store_at(backend, backend.store.uri())
    assert read(again, "x/y") == b"shared"
    assert again.uri("x/y") == backend.store.uri("x/y")


# Progress


def assert_progress(calls: list[tuple[int, int]], total: int) -> None:
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert len(set(done)) == len(done)  # reported only when it moves
    assert {t for _, t in calls} == {total}


def test_put_dir_and_download_dir_report_increasing_progress(
    store: ArtifactStore, tmp_path: Path
) -> None:
    write_tree(tmp_path / "model", MODEL_TREE)
    total = sum(len(data) for data in MODEL_TREE.values())
    uploads: list[tuple[int, int]] = []
    store.put_dir("m", tmp_path / "model", on_progress=lambda d, t: uploads.append((d, t)))
    assert_progress(uploads, total)
    assert len(uploads) >= 4  # several files, so several reports
    downloads: list[tuple[int, int]] = []
    store.download_dir("m", tmp_path / "copy", on_progress=lambda d, t: downloads.append((d, t)))
    assert_progress(downloads, total)
    assert len(downloads) >= 4


def test_put_file_and_download_file_report_progress(store: ArtifactStore, tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(ALL_BYTES)
    calls: list[tuple[int, int]] = []
    store.put_file("f", tmp_path / "f", on_progress=lambda d, t: calls.append((d, t)))
    assert_progress(calls, len(ALL_BYTES))
    calls.clear()
    store.download_file("f", tmp_path / "g", on_progress=lambda d, t: calls.append((d, t)))
    assert_progress(calls, len(ALL_BYTES))
