"""The official MLflow client against a real ``modelreg server --auth`` process.

With ``MLFLOW_TRACKING_USERNAME``/``MLFLOW_TRACKING_PASSWORD`` (HTTP basic) or
``MLFLOW_TRACKING_TOKEN`` (bearer) the client follows the seed workflow (create a model, log
and register an sklearn model, transition, alias, load); without them, or with wrong ones, it
is refused with ``UNAUTHENTICATED``, and a user without permission with ``PERMISSION_DENIED``.
Users are managed through MLflow's user endpoints, called with MLflow's own HTTP layer (as its
``AuthServiceClient`` does; that class needs the Flask extras of ``mlflow[auth]``). No
password or token reaches the server's log.
"""

from __future__ import annotations

import base64
import contextlib
import json
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.utils.credentials import get_default_host_creds
from mlflow.utils.rest_utils import http_request, verify_rest_response

from tests.processes import running_server
from tests.startups import make_pipeline, make_startups

with warnings.catch_warnings():
    # Importing mlflow.pyfunc makes mlflow warn about type hints of its own classes.
    warnings.filterwarnings(
        "ignore", message=r".*Any type hint is inferred as AnyType", category=UserWarning
    )
    import mlflow.pyfunc
    import mlflow.sklearn

pytestmark = [
    pytest.mark.filterwarnings(
        r"ignore:``mlflow\.tracking\.client\.MlflowClient\.\w+`` is deprecated since 2\.9\.0"
        ":FutureWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:Operation with range is deprecated:pandas.errors.Pandas4Warning"
    ),
]

ADMIN_PASSWORD = "the-admins-password"
ALICE_PASSWORD = "alices-password"
BOB_PASSWORD = "bobs-password"
USERS = "/api/2.0/mlflow/users"
_CREDENTIALS = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The URL of a ``modelreg server --auth`` process and the path of its log."""
    folder = tmp_path_factory.mktemp("auth-server")
    log = folder / "server.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MODELREG_ADMIN_USERNAME", "admin")
        env.setenv("MODELREG_ADMIN_PASSWORD", ADMIN_PASSWORD)
        env.delenv("MODELREG_AUTH", raising=False)
        tracking_uri = f"sqlite:///{folder / 'registry.db'}"
        with running_server(tracking_uri, folder / "art", log, "--auth") as url:
            yield url, log


@pytest.fixture
def url(server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    """The server's URL, set as MLflow's tracking URI, with no credentials in the environment."""
    address, _ = server
    monkeypatch.setenv("MLFLOW_TRACKING_URI", address)
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", "")
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID")
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    for name in _CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    return address


@contextlib.contextmanager
def credentials(**values: str) -> Iterator[None]:
    """MLflow's credential variables set to ``values`` (username, password, token)."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in values.items():
            env.setenv(f"MLFLOW_TRACKING_{key.upper()}", value)
        yield


def auth_call(url: str, endpoint: str, method: str, **kwargs: Any) -> dict[str, Any]:
    """Call one of MLflow's user endpoints as MLflow's AuthServiceClient does."""
    host = get_default_host_creds(url)
    response = verify_rest_response(http_request(host, endpoint, method, **kwargs), endpoint)
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def create_user(url: str, username: str, password: str) -> dict[str, Any]:
    """MLflow's ``AuthServiceClient.create_user``."""
    body = {"username": username, "password": password}
    user: dict[str, Any] = auth_call(url, USERS + "/create", "POST", json=body)["user"]
    return user


def get_user(url: str, username: str) -> dict[str, Any]:
    """MLflow's ``AuthServiceClient.get_user``."""
    params = {"username": username}
    user: dict[str, Any] = auth_call(url, USERS + "/get", "GET", params=params)["user"]
    return user


@pytest.fixture(scope="module")
def users(server: tuple[str, Path]) -> None:
    """``alice`` and ``bob``, created by the administrator with MLflow's AuthServiceClient."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MLFLOW_TRACKING_USERNAME", "admin")
        env.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD)
        env.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
        alice = create_user(server[0], "alice", ALICE_PASSWORD)
        assert (alice["username"], alice["is_admin"]) == ("alice", False)
        create_user(server[0], "bob", BOB_PASSWORD)
        assert get_user(server[0], "bob")["username"] == "bob"


def _error_code(call: object) -> str:
    with pytest.raises(MlflowException) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.error_code)


def test_without_credentials_the_client_is_refused(url: str) -> None:
    client = MlflowClient()
    assert _error_code(lambda: client.search_registered_models()) == "UNAUTHENTICATED"
    assert _error_code(lambda: client.create_experiment("nope")) == "UNAUTHENTICATED"
    with credentials(username="admin", password="not-the-password"):
        assert _error_code(lambda: client.search_registered_models()) == "UNAUTHENTICATED"
    with credentials(token="mrg_not-a-token"):
        assert _error_code(lambda: client.search_registered_models()) == "UNAUTHENTICATED"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{url}/api/2.0/mlflow/registered-models/search", timeout=10)
    raised.value.close()
    assert raised.value.code == 401
    assert raised.value.headers["WWW-Authenticate"] == 'Basic realm="modelreg"'


def test_the_seed_workflow_passes_with_basic_credentials(url: str, users: None) -> None:
    frame = make_startups(40)
    pipe = make_pipeline(frame)
    with credentials(username="alice", password=ALICE_PASSWORD):
        client = MlflowClient()
        client.create_registered_model("Unicorn")
        mlflow.set_experiment("unicorn-exp")
        with mlflow.start_run(run_name="startups-linreg") as run:
            mlflow.log_params({"model": "LinearRegression"})
            mlflow.log_metric("r2", 0.887)
            info = mlflow.sklearn.log_model(
                pipe, name="model", registered_model_name="Unicorn", input_example=frame.head(2)
            )
        assert info.registered_model_version == "1"
        assert client.get_run(run.info.run_id).data.metrics == {"r2": 0.887}
        client.transition_model_version_stage("Unicorn", "1", "Production")
        client.set_registered_model_alias("Unicorn", "champion", "1")
        assert client.get_model_version_by_alias("Unicorn", "champion").version == "1"
        for uri in ("models:/Unicorn/Production", "models:/Unicorn@champion"):
            loaded = mlflow.pyfunc.load_model(uri)
            np.testing.assert_allclose(loaded.predict(frame), pipe.predict(frame))
    with credentials(username="bob", password=BOB_PASSWORD):
        client = MlflowClient()
        assert [m.name for m in client.search_registered_models("name = 'Unicorn'")] == ["Unicorn"]
        move = lambda: client.transition_model_version_stage("Unicorn", "1", "Archived")  # noqa: E731
        assert _error_code(move) == "PERMISSION_DENIED"
        assert client.get_model_version("Unicorn", "1").current_stage == "Production"


def create_token(url: str, username: str, password: str) -> str:
    """A new API token of the user, from modelreg's token endpoint."""
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    request = urllib.request.Request(
        f"{url}/api/2.0/modelreg/tokens/create",
        data=json.dumps({"name": "ci"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {pair}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        token: str = json.loads(reply.read())["value"]
    return token


def test_the_seed_workflow_passes_with_a_token(url: str, users: None) -> None:
    token = create_token(url, "alice", ALICE_PASSWORD)
    frame = make_startups(40)
    pipe = make_pipeline(frame)
    with credentials(token=token):
        client = MlflowClient()
        client.create_registered_model("Unicorn-ci")
        with mlflow.start_run(experiment_id=client.create_experiment("ci-exp")):
            mlflow.sklearn.log_model(pipe, name="model", registered_model_name="Unicorn-ci")
        client.set_registered_model_alias("Unicorn-ci", "champion", "1")
        loaded = mlflow.pyfunc.load_model("models:/Unicorn-ci@champion")
        np.testing.assert_allclose(loaded.predict(frame), pipe.predict(frame))


def test_administrators_manage_users_through_mlflows_user_endpoints(url: str, users: None) -> None:
    with credentials(username="admin", password=ADMIN_PASSWORD):
        create_user(url, "carol", "carols-password")
        admin = {"username": "carol", "is_admin": True}
        auth_call(url, USERS + "/update-admin", "PATCH", json=admin)
        assert get_user(url, "carol")["is_admin"]
        password = {"username": "carol", "password": "carols-new-password"}
        auth_call(url, USERS + "/update-password", "PATCH", json=password)
    with credentials(username="carol", password="carols-new-password"):
        assert get_user(url, "carol")["is_admin"]
    with credentials(username="bob", password=BOB_PASSWORD):
        assert _error_code(lambda: create_user(url, "x", "x-password")) == "PERMISSION_DENIED"
    with credentials(username="admin", password=ADMIN_PASSWORD):
        auth_call(url, USERS + "/delete", "DELETE", json={"username": "carol"})
    with credentials(username="carol", password="carols-new-password"):
        assert _error_code(lambda: MlflowClient().search_experiments()) == "UNAUTHENTICATED"


def test_no_password_or_token_reaches_the_server_log(
    url: str, server: tuple[str, Path], users: None
) -> None:
    token = create_token(url, "bob", BOB_PASSWORD)
    with credentials(token=token):
        MlflowClient().search_registered_models()
    with credentials(username="bob", password="bobs-wrong-password"):
        assert _error_code(lambda: MlflowClient().search_experiments()) == "UNAUTHENTICATED"
    text = server[1].read_text()
    assert "POST /api/2.0/modelreg/tokens/create" in text  # the log is the server's access log
    for secret in (ADMIN_PASSWORD, ALICE_PASSWORD, BOB_PASSWORD, "bobs-wrong-password", token):
        assert secret not in text
    assert "mrg_" not in text
