"""A registry whose artifact root is on S3 (a real moto server): register, load, cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import modelreg.pyfunc
import modelreg.sklearn
from modelreg import Client
from modelreg.config import CACHE_DIR_ENV
from modelreg.models import ModelIntegrityError
from tests.startups import make_pipeline, make_startups


@pytest.fixture
def s3_client_env(
    monkeypatch: pytest.MonkeyPatch, moto_endpoint: str, s3_bucket: str, tmp_path: Path
) -> Client:
    monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    return Client(
        f"sqlite:///{tmp_path / 'registry.db'}", artifact_root=f"s3://{s3_bucket}/modelreg"
    )


def test_log_register_and_load_from_s3(
    s3_client_env: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3_bucket: str
) -> None:
    client = s3_client_env
    data: pd.DataFrame = make_startups()
    pipeline = make_pipeline(data)
    modelreg.sklearn.save_model(pipeline, tmp_path / "model", input_example=data.head(2))
    experiment_id = client.create_experiment("s3-exp")
    run = client.create_run(experiment_id)
    assert run.info.artifact_uri.startswith(f"s3://{s3_bucket}/modelreg/")
    client.log_artifacts(run.info.run_id, str(tmp_path / "model"), "model")

    registration = client._backend.registration
    version = registration.register_model(f"runs:/{run.info.run_id}/model", "Unicorn")
    assert (version.storage_location or "").startswith(f"s3://{s3_bucket}/modelreg/registry/")

    first = registration.download_model("models:/Unicorn/1")
    second = registration.download_model("models:/Unicorn/latest")
    assert first == second  # cached by content: downloaded once
    assert first.is_relative_to(tmp_path / "cache")
    model = modelreg.pyfunc.load_model(str(first))
    assert np.allclose(model.predict(data), pipeline.predict(data))


def test_a_tampered_s3_copy_never_enters_the_cache(
    s3_client_env: Client, tmp_path: Path, s3_bucket: str, s3_client: object
) -> None:
    client = s3_client_env
    data = make_startups()
    modelreg.sklearn.save_model(make_pipeline(data), tmp_path / "model")
    registration = client._backend.registration
    version = registration.register_model(str(tmp_path / "model"), "Unicorn")
    prefix = (version.storage_location or "").removeprefix(f"s3://{s3_bucket}/")
    s3_client.put_object(  # type: ignore[attr-defined]
        Bucket=s3_bucket, Key=f"{prefix}/MLmodel", Body=b"flavors: {}\n"
    )
    with pytest.raises(ModelIntegrityError, match="MLmodel"):
        registration.download_model("models:/Unicorn/1")
    assert not any((tmp_path / "cache" / "models").glob("[0-9a-f]*"))
