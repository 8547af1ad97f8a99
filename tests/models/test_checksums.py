"""The checksums manifest: written on save, verified on load."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import modelreg.pyfunc
import modelreg.sklearn
from modelreg.errors import InvalidParameterValue, ModelRegistryError
from modelreg.models import ModelIntegrityError, verify_checksums, write_checksums
from tests.models.conftest import read_text

MODEL_FILES = [
    "MLmodel",
    "conda.yaml",
    "input_example.json",
    "model.skops",
    "python_env.yaml",
    "requirements.txt",
    "serving_input_example.json",
]


def test_manifest_lists_every_other_file_sorted_in_sha256sum_format(saved_pipeline: Path) -> None:
    lines = read_text(saved_pipeline / "checksums").splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == MODEL_FILES
    for line in lines:
        digest, name = line.split("  ", 1)
        assert digest == hashlib.sha256((saved_pipeline / name).read_bytes()).hexdigest()


def test_model_integrity_error_is_a_data_loss_registry_error() -> None:
    assert issubclass(ModelIntegrityError, ModelRegistryError)
    assert ModelIntegrityError.error_code == "DATA_LOSS"


def modify(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-10])


TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "modified": modify,
    "truncated": truncate,
    "missing": Path.unlink,
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
@pytest.mark.parametrize("name", ["model.skops", "MLmodel", "requirements.txt"])
def test_tampered_file_is_detected_and_named(
    saved_pipeline: Path, tampering: str, name: str
) -> None:
    TAMPERINGS[tampering](saved_pipeline / name)
    with pytest.raises(ModelIntegrityError) as caught:
        modelreg.pyfunc.load_model(str(saved_pipeline))
    assert caught.value.path == name
    assert f"'{name}'" in caught.value.message


def test_tampered_model_fails_the_sklearn_loader_too(saved_pipeline: Path) -> None:
    modify(saved_pipeline / "model.skops")
    with pytest.raises(ModelIntegrityError, match=r"model\.skops"):
        modelreg.sklearn.load_model(str(saved_pipeline))


def test_added_file_is_detected(saved_pipeline: Path) -> None:
    (saved_pipeline / "extra.py").write_text("print('hi')", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="not listed") as caught:
        modelreg.pyfunc.load_model(str(saved_pipeline))
    assert caught.value.path == "extra.py"


def test_mlflows_registered_model_meta_file_is_tolerated(saved_pipeline: Path) -> None:
    (saved_pipeline / "registered_model_meta").write_text("model_name: m\n", encoding="utf-8")
    assert verify_checksums(saved_pipeline) is True


def test_malformed_manifest_is_an_integrity_error(saved_pipeline: Path) -> None:
    manifest = saved_pipeline / "checksums"
    manifest.write_text(read_text(manifest) + "not a checksum line\n", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="malformed"):
        verify_checksums(saved_pipeline)


def test_manifest_may_not_point_outside_the_folder(saved_pipeline: Path) -> None:
    manifest = saved_pipeline / "checksums"
    manifest.write_text(read_text(manifest) + f"{'0' * 64}  ../outside\n", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="malformed"):
        verify_checksums(saved_pipeline)


def test_folder_without_manifest_loads(saved_pipeline: Path, startups: pd.DataFrame) -> None:
    (saved_pipeline / "checksums").unlink()
    assert verify_checksums(saved_pipeline) is False
    assert len(modelreg.pyfunc.load_model(str(saved_pipeline)).predict(startups)) == len(startups)


def test_subfolders_are_covered(tmp_path: Path) -> None:
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts" / "a.txt").write_text("a", encoding="utf-8")
    write_checksums(tmp_path)
    assert read_text(tmp_path / "checksums").endswith("  artifacts/a.txt\n")
    (tmp_path / "artifacts" / "a.txt").write_text("b", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"artifacts/a\.txt"):
        verify_checksums(tmp_path)


def test_large_file_is_hashed_in_chunks(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"\x01" * (3 * 1024 * 1024 + 7))
    write_checksums(tmp_path)
    assert verify_checksums(tmp_path) is True
    with (tmp_path / "big.bin").open("r+b") as file:
        file.seek(3 * 1024 * 1024 + 3)
        file.write(b"\x02")
    with pytest.raises(ModelIntegrityError, match=r"big\.bin"):
        verify_checksums(tmp_path)


def test_file_names_with_newlines_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad\nname").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidParameterValue, match="newline"):
        write_checksums(tmp_path)


def test_copied_folder_still_verifies(saved_pipeline: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(saved_pipeline, copy)
    assert verify_checksums(copy) is True
