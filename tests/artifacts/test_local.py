"""What only the local store does: atomic renames, file modes, symbolic links."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from modelreg.artifacts import FileInfo, InvalidArtifactPath, LocalArtifactStore
from modelreg.artifacts.atomic import PARTIAL_SUFFIX


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "root"


@pytest.fixture
def store(root: Path) -> LocalArtifactStore:
    return LocalArtifactStore(root)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the root, with a secret in it."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret").write_bytes(b"secret")
    return directory


class WatchedStream:
    """A stream that looks at the store between its chunks."""

    def __init__(self, store: LocalArtifactStore, path: str, chunks: int = 3) -> None:
        self.store = store
        self.path = path
        self.left = chunks
        self.seen: list[tuple[bool, bytes | None, list[FileInfo], list[str]]] = []

    def read(self, size: int = -1, /) -> bytes:
        target = self.store.root / self.path
        content = target.read_bytes() if target.exists() else None
        self.seen.append(
            (
                target.exists(),
                content,
                self.store.list(os.path.dirname(self.path)),
                sorted(os.listdir(target.parent)) if target.parent.exists() else [],
            )
        )
        if self.left == 0:
            return b""
        self.left -= 1
        return b"new-chunk;"


def test_a_new_file_appears_only_once_complete(store: LocalArtifactStore) -> None:
    stream = WatchedStream(store, "d/model.bin")
    store.put_stream("d/model.bin", stream)
    later_reads = stream.seen[1:]  # once the directory and the partial file exist
    assert later_reads
    for exists, _, listing, names in later_reads:
        assert not exists
        assert listing == []  # the partial file is not listed
        assert len(names) == 1
        assert names[0].endswith(PARTIAL_SUFFIX)
    assert (store.root / "d/model.bin").read_bytes() == b"new-chunk;" * 3
    assert os.listdir(store.root / "d") == ["model.bin"]


def test_an_overwritten_file_keeps_its_old_content_until_the_new_one_is_complete(
    store: LocalArtifactStore,
) -> None:
    store.put_stream("f", io.BytesIO(b"old"))
    stream = WatchedStream(store, "f")
    store.put_stream("f", stream)
    assert {content for _, content, _, _ in stream.seen} == {b"old"}
    assert (store.root / "f").read_bytes() == b"new-chunk;" * 3


class FailingStream:
    def __init__(self) -> None:
        self.calls = 0

    def read(self, size: int = -1, /) -> bytes:
        self.calls += 1
        if self.calls == 3:
            raise OSError("stream broke")
        return b"x" * 100


def test_a_failing_stream_leaves_no_partial_file_behind(store: LocalArtifactStore) -> None:
    store.put_stream("d/keep", io.BytesIO(b"keep"))
    with pytest.raises(OSError, match="stream broke"):
        store.put_stream("d/broken", FailingStream())
    assert os.listdir(store.root / "d") == ["keep"]


def test_a_failing_stream_keeps_the_old_file(store: LocalArtifactStore) -> None:
    store.put_stream("f", io.BytesIO(b"old"))
    with pytest.raises(OSError, match="stream broke"):
        store.put_stream("f", FailingStream())
    assert (store.root / "f").read_bytes() == b"old"
    assert os.listdir(store.root) == ["f"]


def test_written_files_get_the_umask_mode_not_a_private_temp_file_mode(
    store: LocalArtifactStore,
) -> None:
    previous = os.umask(0o022)
    try:
        store.put_stream("f", io.BytesIO(b"x"))
    finally:
        os.umask(previous)
    assert (store.root / "f").stat().st_mode & 0o777 == 0o644


def test_the_root_is_created_on_the_first_write(root: Path, store: LocalArtifactStore) -> None:
    assert not root.exists()
    assert store.list() == []
    assert not store.exists("")
    store.put_stream("a", io.BytesIO(b"1"))
    assert root.is_dir()
    assert store.exists("")


def test_a_relative_root_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = LocalArtifactStore("artifacts")
    assert store.root == tmp_path.resolve() / "artifacts"
    assert store.uri("a b") == (tmp_path.resolve() / "artifacts" / "a b").as_uri()


def test_a_directory_symlink_leading_out_of_the_root_is_refused(
    root: Path, store: LocalArtifactStore, outside: Path
) -> None:
    root.mkdir()
    (root / "escape").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidArtifactPath, match=r"'escape/new'.*symbolic link"):
        store.put_stream("escape/new", io.BytesIO(b"evil"))
    with pytest.raises(InvalidArtifactPath):
        store.open("escape/secret")
    with pytest.raises(InvalidArtifactPath):
        store.list("escape")
    with pytest.raises(InvalidArtifactPath):
        store.delete("escape/secret")
    assert sorted(os.listdir(outside)) == ["secret"]
    assert (outside / "secret").read_bytes() == b"secret"


def test_a_file_symlink_leading_out_of_the_root_is_refused_and_not_listed(
    root: Path, store: LocalArtifactStore, outside: Path
) -> None:
    root.mkdir()
    (root / "passwd").symlink_to(outside / "secret")
    (root / "real").write_bytes(b"real")
    with pytest.raises(InvalidArtifactPath):
        store.open("passwd")
    with pytest.raises(InvalidArtifactPath):
        store.put_stream("passwd", io.BytesIO(b"overwrite"))
    assert store.list() == [FileInfo("real", False, 4)]
    assert (outside / "secret").read_bytes() == b"secret"


def test_download_dir_skips_symlinks_leading_out_of_the_root(
    root: Path, store: LocalArtifactStore, outside: Path, tmp_path: Path
) -> None:
    store.put_stream("m/MLmodel", io.BytesIO(b"m"))
    (root / "m" / "leak").symlink_to(outside / "secret")
    store.download_dir("m", tmp_path / "copy")
    assert os.listdir(tmp_path / "copy") == ["MLmodel"]


def test_symlinks_inside_the_root_are_followed(root: Path, store: LocalArtifactStore) -> None:
    store.put_stream("real/f", io.BytesIO(b"data"))
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    with store.open("alias/f") as stream:
        assert stream.read() == b"data"
    assert store.list("alias") == [FileInfo("alias/f", False, 4)]


def test_deleting_a_symlink_inside_the_root_removes_the_link_not_its_target(
    root: Path, store: LocalArtifactStore
) -> None:
    store.put_stream("real/f", io.BytesIO(b"data"))
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    store.delete("alias")
    assert not (root / "alias").exists()
    assert (root / "real" / "f").read_bytes() == b"data"


def test_a_symlink_loop_is_refused(root: Path, store: LocalArtifactStore) -> None:
    root.mkdir()
    (root / "loop").symlink_to(root / "loop")
    with pytest.raises(InvalidArtifactPath):
        store.open("loop")
    assert store.list() == []


def test_a_symlinked_root_is_used_through_its_target(tmp_path: Path, outside: Path) -> None:
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)
    store = LocalArtifactStore(tmp_path / "link")
    assert store.list() == [FileInfo("secret", False, 6)]
    store.put_stream("new", io.BytesIO(b"n"))
    assert (outside / "new").read_bytes() == b"n"


def test_writing_below_a_file_is_refused(store: LocalArtifactStore) -> None:
    store.put_stream("a", io.BytesIO(b"file"))
    with pytest.raises(InvalidArtifactPath, match=r"'a/b'.*parent of it is a file"):
        store.put_stream("a/b", io.BytesIO(b"x"))
    with pytest.raises(InvalidArtifactPath, match=r"'a/b/c'.*parent of it is a file"):
        store.put_stream("a/b/c", io.BytesIO(b"x"))


def test_writing_over_a_directory_is_refused(store: LocalArtifactStore) -> None:
    store.put_stream("d/f", io.BytesIO(b"file"))
    with pytest.raises(InvalidArtifactPath, match=r"'d'.*is a directory"):
        store.put_stream("d", io.BytesIO(b"x"))
    assert store.list() == [FileInfo("d", True)]


def test_names_the_api_cannot_address_are_not_listed(root: Path, store: LocalArtifactStore) -> None:
    root.mkdir()
    (root / "back\\slash").write_bytes(b"x")
    (root / "new\nline").write_bytes(b"x")
    (root / "ok").write_bytes(b"x")
    assert store.list() == [FileInfo("ok", False, 1)]
