"""Copying a version between two running servers: files, signature, tags and lineage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import modelreg.sklearn
from modelreg import Client
from modelreg.models.checksums import CHECKSUMS_FILE_NAME
from tests.cli.conftest import Cli
from tests.processes import running_server
from tests.startups import make_pipeline, make_startups


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` except the manifest, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != CHECKSUMS_FILE_NAME
    }


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A staging and a production registry, each its own `modelreg server` on SQLite."""
    staging, production = tmp_path / "staging", tmp_path / "production"
    with (
        running_server(
            f"sqlite:///{staging / 'registry.db'}", staging / "artifacts", tmp_path / "s.log"
        ) as staging_url,
        running_server(
            f"sqlite:///{production / 'registry.db'}", production / "artifacts", tmp_path / "p.log"
        ) as production_url,
    ):
        yield staging_url, production_url


def test_copy_preserves_files_signature_tags_and_lineage(
    two_servers: tuple[str, str], tmp_path: Path
) -> None:
    staging_url, production_url = two_servers
    frame = make_startups()
    folder = tmp_path / "model"
    modelreg.sklearn.save_model(make_pipeline(frame), folder, input_example=frame.head(3))
    staging = Client(staging_url)
    staging.register_model(str(folder), "Unicorn", {"team": "growth"}, description="v1")
    staging.transition_model_version_stage("Unicorn", 1, "Production")

    cli = Cli(staging_url)
    copied = cli.json("models", "copy", "models:/Unicorn/Production", "--to", production_url)
    again = cli.json("models", "copy", "models:/Unicorn/Production", "--to", production_url)
    assert copied["version"] == again["version"] == 1  # a repeated copy makes no new version

    production = Client(production_url)
    version = production.get_model_version("Unicorn", 1)
    assert version.description == "v1"
    assert version.tags == {
        "team": "growth",
        "modelreg.source_registry": staging_url,
        "modelreg.source_name": "Unicorn",
        "modelreg.source_version": "1",
    }
    original = staging.download_model("models:/Unicorn/1", str(tmp_path / "original"))
    copy = production.download_model("models:/Unicorn/1", str(tmp_path / "copy"))
    assert digests(copy) == digests(original)
    assert "signature" in (copy / "MLmodel").read_text()
    loaded = modelreg.pyfunc.load_model(str(copy))
    assert list(loaded.predict(frame.head(3))) == list(
        modelreg.pyfunc.load_model(str(original)).predict(frame.head(3))
    )
    staging.close()
    production.close()
