"""The permission matrix: every REST endpoint of the app, called as each role.

Every route under ``/api/`` and ``/ajax-api/`` needs an entry in ``MATRIX`` (a new endpoint
without one fails ``test_every_rest_endpoint_has_a_matrix_entry``). An entry names what the
call needs and how to make it on resources made for that call; the test then expects 401
for an anonymous caller, 403 for a role below the need, and the entry's status otherwise.

Roles: ``reader`` holds the default permission (READ), ``editor`` EDIT and ``manager``
MANAGE on the resources each call is made on, ``admin`` is an administrator. ``USER`` means
any authenticated user; ``ADMIN`` administrators only; ``PUBLIC`` anyone at all.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from modelreg.auth.accounts import AccountService
from modelreg.entities import Metric
from modelreg.entities.permissions import Permission
from modelreg.governance.policies import PromotionPolicy, PromotionTarget
from modelreg.governance.service import GovernanceService
from modelreg.identity import Principal, acting_as
from modelreg.webhooks.service import WebhookService
from tests.auth.conftest import FAST_HASHER, SecuredServer, open_secured_server

API = "/api/2.0/mlflow"
OWN = "/api/2.0/modelreg"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
ROLES = ("anonymous", "reader", "editor", "manager", "admin")
RANK = {"reader": 1, "editor": 2, "manager": 3, "admin": 4}
NEEDS = {"USER": 1, "READ": 1, "EDIT": 2, "MANAGE": 3, "ADMIN": 4}
ADMIN = Principal("admin", is_admin=True)
#: A webhook receiver that is not there (the matrix's webhooks are disabled).
NOWHERE = "http://127.0.0.1:9/"
_counter = itertools.count()


class Target:
    """Resources made for one call, each on first use, with the grants of the roles."""

    def __init__(self, server: SecuredServer) -> None:
        self.server = server
        self.n = next(_counter)

    def _grant(self, kind: str, key: str) -> None:
        grants = self.server.auth.grants
        grants.create(kind, key, "editor", Permission.EDIT)  # type: ignore[arg-type]
        grants.create(kind, key, "manager", Permission.MANAGE)  # type: ignore[arg-type]

    @cached_property
    def model(self) -> str:
        """A model with versions 1 (``@champion``) and 2."""
        name = f"model-{self.n}"
        registry = self.server.backend.registry
        with acting_as(ADMIN):
            registry.create_registered_model(name)
            for _ in range(2):
                registry.create_model_version(name, "s3://bucket/model")
            registry.set_registered_model_alias(name, "champion", 1)
            self._grant("registered_model", name)
        return name

    @cached_property
    def deleted_version(self) -> str:
        """Version 3 of the model, in the trash."""
        registry = self.server.backend.registry
        with acting_as(ADMIN):
            registry.create_model_version(self.model, "s3://bucket/model")
            registry.delete_model_version(self.model, 3)
        return "3"

    @cached_property
    def moved_alias(self) -> str:
        """An alias that went from version 1 to version 2 (so it can be rolled back)."""
        registry = self.server.backend.registry
        with acting_as(ADMIN):
            registry.set_registered_model_alias(self.model, "moved", 1)
            registry.set_registered_model_alias(self.model, "moved", 2)
        return "moved"

    @cached_property
    def policy_alias(self) -> str:
        """An alias of the model with a promotion policy."""
        governance = GovernanceService(self.server.backend.registry)
        policy = PromotionPolicy(
            PromotionTarget.of(None, "protected"),
            model_name=self.model,
            required_role=Permission.MANAGE,
        )
        with acting_as(ADMIN):
            governance.set_promotion_policy(policy)
        return "protected"

    @cached_property
    def request_id(self) -> str:
        """The editor's pending request to move version 2 to Staging."""
        governance = GovernanceService(self.server.backend.registry)
        model = self.model
        with acting_as(Principal("editor")):
            request = governance.create_transition_request(model, 2, "Staging")
        return str(request.id)

    def _experiment(self, name: str) -> str:
        with acting_as(ADMIN):
            experiment_id = self.server.backend.tracking.create_experiment(name)
            self._grant("experiment", experiment_id)
        return experiment_id

    @cached_property
    def experiment(self) -> str:
        """An experiment's id."""
        return self._experiment(f"experiment-{self.n}")

    @cached_property
    def experiment_name(self) -> str:
        """The experiment's name."""
        return self.server.backend.tracking.get_experiment(self.experiment).name

    @cached_property
    def deleted_experiment(self) -> str:
        """A deleted experiment's id."""
        experiment_id = self._experiment(f"deleted-{self.n}")
        with acting_as(ADMIN):
            self.server.backend.tracking.delete_experiment(experiment_id)
        return experiment_id

    @cached_property
    def run(self) -> str:
        """A run of the experiment with param ``p``, metric ``m`` and tag ``t``."""
        tracking = self.server.backend.tracking
        with acting_as(ADMIN):
            run_id = tracking.create_run(self.experiment).info.run_id
            tracking.log_batch(run_id, [Metric("m", 1.0, 1, 0)], [("p", "1")], [("t", "v")])
        return run_id

    @cached_property
    def artifact(self) -> str:
        """A file of the run's artifacts, as the proxy names it."""
        path = f"{self.experiment}/{self.run}/artifacts/notes.txt"
        self.server.client.put(
            f"{ARTIFACTS}/{path}", content=b"notes", headers=self.server.as_("admin")
        )
        return path

    @cached_property
    def logged_model(self) -> str:
        """A logged model of the experiment with tag ``t``."""
        logged_models = self.server.backend.logged_models
        with acting_as(ADMIN):
            model = logged_models.create_logged_model(self.experiment, "model", tags={"t": "v"})
        return model.model_id

    @cached_property
    def other_user(self) -> str:
        """A user other than the roles."""
        name = f"user-{self.n}"
        AccountService(self.server.auth.store, hasher=FAST_HASHER).create_user(
            name, "user-password"
        )
        return name

    @cached_property
    def other_token(self) -> int:
        """The id of a token of the other user."""
        accounts = AccountService(self.server.auth.store, hasher=FAST_HASHER)
        token, _ = accounts.create_token("theirs", username=self.other_user)
        return token.id

    @cached_property
    def webhook(self) -> str:
        """A disabled webhook's id (nothing is sent to its receiver, which is not there)."""
        webhooks: WebhookService = self.server.client.app.state.webhooks  # type: ignore[attr-defined]
        with acting_as(ADMIN):
            hook = webhooks.create_webhook(
                f"hook-{self.n}", NOWHERE, ["registered_model.created"], status="DISABLED"
            )
        return hook.webhook_id


@dataclass(frozen=True)
class Call:
    """What to send: path parameters, query parameters, a JSON body or raw content."""

    path: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] | None = None
    json: Any = None
    content: bytes | None = None


@dataclass(frozen=True)
class Entry:
    """What a route needs, how to call it, and the status of an allowed call."""

    need: str
    call: Callable[[Target], Call] = lambda _: Call()
    ok: int = 200


def _model(**fields: Any) -> Callable[[Target], Call]:
    """A JSON body naming the model, with ``fields``."""
    return lambda t: Call(json={"name": t.model, **fields})


def _run(**fields: Any) -> Callable[[Target], Call]:
    return lambda t: Call(json={"run_id": t.run, **fields})


def _experiment(**fields: Any) -> Callable[[Target], Call]:
    return lambda t: Call(json={"experiment_id": t.experiment, **fields})


def _logged(**body: Any) -> Callable[[Target], Call]:
    return lambda t: Call(path={"model_id": t.logged_model}, json=body or None)


def _webhook(**body: Any) -> Callable[[Target], Call]:
    return lambda t: Call(path={"webhook_id": t.webhook}, json=body or None)


_METRIC = {"key": "m", "value": 2.0, "timestamp": 2, "step": 1}

MATRIX: dict[tuple[str, str], Entry] = {
    # -- registered models -------------------------------------------------------------
    ("POST", f"{API}/registered-models/create"): Entry(
        "USER", lambda t: Call(json={"name": f"created-{t.n}"})
    ),
    ("GET", f"{API}/registered-models/get"): Entry(
        "READ", lambda t: Call(params={"name": t.model})
    ),
    ("POST", f"{API}/registered-models/rename"): Entry(
        "EDIT", lambda t: Call(json={"name": t.model, "new_name": f"renamed-{t.n}"})
    ),
    ("PATCH", f"{API}/registered-models/update"): Entry("EDIT", _model(description="d")),
    ("DELETE", f"{API}/registered-models/delete"): Entry("MANAGE", _model()),
    ("GET", f"{API}/registered-models/search"): Entry("USER"),
    ("POST", f"{API}/registered-models/set-tag"): Entry("EDIT", _model(key="k", value="v")),
    ("DELETE", f"{API}/registered-models/delete-tag"): Entry("EDIT", _model(key="k")),
    ("POST", f"{API}/registered-models/get-latest-versions"): Entry("READ", _model()),
    ("GET", f"{API}/registered-models/get-latest-versions"): Entry(
        "READ", lambda t: Call(params={"name": t.model})
    ),
    ("POST", f"{API}/registered-models/alias"): Entry("EDIT", _model(alias="new", version="2")),
    ("DELETE", f"{API}/registered-models/alias"): Entry("EDIT", _model(alias="champion")),
    ("GET", f"{API}/registered-models/alias"): Entry(
        "READ", lambda t: Call(params={"name": t.model, "alias": "champion"})
    ),
    # -- model versions ----------------------------------------------------------------
    ("POST", f"{API}/model-versions/create"): Entry(
        "EDIT", _model(source="mlflow-artifacts:/nowhere/model")
    ),
    ("GET", f"{API}/model-versions/get"): Entry(
        "READ", lambda t: Call(params={"name": t.model, "version": "1"})
    ),
    ("PATCH", f"{API}/model-versions/update"): Entry("EDIT", _model(version="1", description="d")),
    ("DELETE", f"{API}/model-versions/delete"): Entry("MANAGE", _model(version="2")),
    ("GET", f"{API}/model-versions/search"): Entry(
        "USER", lambda t: Call(params={"filter": f"name = '{t.model}'"})
    ),
    ("POST", f"{API}/model-versions/transition-stage"): Entry(
        "EDIT", _model(version="2", stage="Staging", archive_existing_versions=False)
    ),
    ("POST", f"{API}/model-versions/set-tag"): Entry(
        "EDIT", _model(version="1", key="k", value="v")
    ),
    ("DELETE", f"{API}/model-versions/delete-tag"): Entry("EDIT", _model(version="1", key="k")),
    ("GET", f"{API}/model-versions/get-download-uri"): Entry(
        "READ", lambda t: Call(params={"name": t.model, "version": "1"})
    ),
    # -- experiments -------------------------------------------------------------------
    ("POST", f"{API}/experiments/create"): Entry(
        "USER", lambda t: Call(json={"name": f"created-{t.n}"})
    ),
    ("GET", f"{API}/experiments/get"): Entry(
        "READ", lambda t: Call(params={"experiment_id": t.experiment})
    ),
    ("GET", f"{API}/experiments/get-by-name"): Entry(
        "READ",
        lambda t: Call(params={"experiment_name": t.experiment_name}),
    ),
    ("POST", f"{API}/experiments/search"): Entry("USER", lambda _: Call(json={})),
    ("GET", f"{API}/experiments/search"): Entry("USER"),
    ("POST", f"{API}/experiments/delete"): Entry("MANAGE", _experiment()),
    ("POST", f"{API}/experiments/restore"): Entry(
        "MANAGE", lambda t: Call(json={"experiment_id": t.deleted_experiment})
    ),
    ("POST", f"{API}/experiments/update"): Entry(
        "EDIT", lambda t: Call(json={"experiment_id": t.experiment, "new_name": f"r-{t.n}"})
    ),
    ("POST", f"{API}/experiments/set-experiment-tag"): Entry(
        "EDIT", _experiment(key="k", value="v")
    ),
    # -- runs --------------------------------------------------------------------------
    ("POST", f"{API}/runs/create"): Entry("EDIT", _experiment()),
    ("GET", f"{API}/runs/get"): Entry("READ", lambda t: Call(params={"run_id": t.run})),
    ("POST", f"{API}/runs/update"): Entry("EDIT", _run(status="FINISHED")),
    ("POST", f"{API}/runs/delete"): Entry("MANAGE", _run()),
    ("POST", f"{API}/runs/restore"): Entry("MANAGE", _run()),
    ("POST", f"{API}/runs/log-parameter"): Entry("EDIT", _run(key="p2", value="2")),
    ("POST", f"{API}/runs/log-metric"): Entry("EDIT", _run(**_METRIC)),
    ("POST", f"{API}/runs/log-batch"): Entry("EDIT", _run(metrics=[_METRIC])),
    ("POST", f"{API}/runs/set-tag"): Entry("EDIT", _run(key="t2", value="v")),
    ("POST", f"{API}/runs/delete-tag"): Entry("EDIT", _run(key="t")),
    ("POST", f"{API}/runs/search"): Entry(
        "READ", lambda t: Call(json={"experiment_ids": [t.experiment]})
    ),
    ("POST", f"{API}/runs/outputs"): Entry(
        "EDIT", lambda t: Call(json={"run_id": t.run, "models": [{"model_id": t.logged_model}]})
    ),
    ("GET", f"{API}/metrics/get-history"): Entry(
        "READ", lambda t: Call(params={"run_id": t.run, "metric_key": "m"})
    ),
    # -- logged models -----------------------------------------------------------------
    ("POST", f"{API}/logged-models"): Entry("EDIT", _experiment(name="model")),
    ("POST", f"{API}/logged-models/search"): Entry(
        "READ", lambda t: Call(json={"experiment_ids": [t.experiment]})
    ),
    ("GET", f"{API}/logged-models/{{model_id}}"): Entry("READ", _logged()),
    ("PATCH", f"{API}/logged-models/{{model_id}}"): Entry(
        "EDIT", _logged(status="LOGGED_MODEL_READY")
    ),
    ("PATCH", f"{API}/logged-models/{{model_id}}/tags"): Entry(
        "EDIT", _logged(tags=[{"key": "k", "value": "v"}])
    ),
    ("DELETE", f"{API}/logged-models/{{model_id}}/tags/{{key}}"): Entry(
        "EDIT", lambda t: Call(path={"model_id": t.logged_model, "key": "t"})
    ),
    ("POST", f"{API}/logged-models/{{model_id}}/params"): Entry(
        "EDIT", _logged(params=[{"key": "k", "value": "v"}])
    ),
    # -- the artifact proxy ------------------------------------------------------------
    ("GET", ARTIFACTS): Entry(
        "READ", lambda t: Call(params={"path": f"{t.experiment}/{t.run}/artifacts"})
    ),
    ("GET", f"{ARTIFACTS}/{{path:path}}"): Entry("READ", lambda t: Call(path={"path": t.artifact})),
    ("PUT", f"{ARTIFACTS}/{{path:path}}"): Entry(
        "EDIT",
        lambda t: Call(path={"path": f"{t.experiment}/{t.run}/artifacts/new.txt"}, content=b"x"),
    ),
    ("DELETE", f"{ARTIFACTS}/{{path:path}}"): Entry(
        "MANAGE", lambda t: Call(path={"path": t.artifact})
    ),
    ("GET", "/api/3.0/mlflow/server-info"): Entry("PUBLIC"),
    # -- users (MLflow's basic-auth API), on a user other than the caller ---------------
    ("POST", f"{API}/users/create"): Entry(
        "ADMIN", lambda t: Call(json={"username": f"new-{t.n}", "password": "new-password"})
    ),
    ("GET", f"{API}/users/get"): Entry("ADMIN", lambda t: Call(params={"username": t.other_user})),
    ("PATCH", f"{API}/users/update-password"): Entry(
        "ADMIN", lambda t: Call(json={"username": t.other_user, "password": "changed-password"})
    ),
    ("PATCH", f"{API}/users/update-admin"): Entry(
        "ADMIN", lambda t: Call(json={"username": t.other_user, "is_admin": True})
    ),
    ("DELETE", f"{API}/users/delete"): Entry(
        "ADMIN", lambda t: Call(json={"username": t.other_user})
    ),
    # -- permissions ---------------------------------------------------------------------
    ("POST", f"{API}/experiments/permissions/create"): Entry(
        "MANAGE", _experiment(username="reader", permission="EDIT")
    ),
    ("GET", f"{API}/experiments/permissions/get"): Entry(
        "MANAGE", lambda t: Call(params={"experiment_id": t.experiment, "username": "editor"})
    ),
    ("PATCH", f"{API}/experiments/permissions/update"): Entry(
        "MANAGE", _experiment(username="editor", permission="READ")
    ),
    ("DELETE", f"{API}/experiments/permissions/delete"): Entry(
        "MANAGE", _experiment(username="editor")
    ),
    ("POST", f"{API}/registered-models/permissions/create"): Entry(
        "MANAGE", _model(username="reader", permission="EDIT")
    ),
    ("GET", f"{API}/registered-models/permissions/get"): Entry(
        "MANAGE", lambda t: Call(params={"name": t.model, "username": "editor"})
    ),
    ("PATCH", f"{API}/registered-models/permissions/update"): Entry(
        "MANAGE", _model(username="editor", permission="READ")
    ),
    ("DELETE", f"{API}/registered-models/permissions/delete"): Entry(
        "MANAGE", _model(username="editor")
    ),
    # -- API tokens (the caller's own; another user's for revoking) ----------------------
    ("POST", f"{OWN}/tokens/create"): Entry("USER", lambda _: Call(json={"name": "new"})),
    ("GET", f"{OWN}/tokens/list"): Entry("USER"),
    ("DELETE", f"{OWN}/tokens/revoke"): Entry("ADMIN", lambda t: Call(json={"id": t.other_token})),
    # -- history -------------------------------------------------------------------------
    ("GET", f"{OWN}/registered-models/history"): Entry(
        "READ", lambda t: Call(params={"name": t.model})
    ),
    ("GET", f"{OWN}/registered-models/version-at"): Entry(
        "READ",
        lambda t: Call(
            params={"name": t.model, "alias": "champion", "timestamp": int(time.time() * 1000)}
        ),
    ),
    ("POST", f"{OWN}/registered-models/rollback"): Entry(
        "EDIT", lambda t: Call(json={"name": t.model, "alias": t.moved_alias})
    ),
    ("POST", f"{OWN}/model-versions/restore"): Entry(
        "MANAGE", lambda t: Call(json={"name": t.model, "version": t.deleted_version})
    ),
    # -- promotion policies --------------------------------------------------------------
    ("POST", f"{OWN}/policies/set"): Entry("MANAGE", _model(alias="gated", required_role="MANAGE")),
    ("GET", f"{OWN}/policies/get"): Entry(
        "READ", lambda t: Call(params={"name": t.model, "alias": t.policy_alias})
    ),
    ("GET", f"{OWN}/policies/list"): Entry("READ", lambda t: Call(params={"name": t.model})),
    ("GET", f"{OWN}/policies/effective"): Entry(
        "READ", lambda t: Call(params={"name": t.model, "alias": t.policy_alias})
    ),
    ("DELETE", f"{OWN}/policies/delete"): Entry(
        "MANAGE", lambda t: Call(json={"name": t.model, "alias": t.policy_alias})
    ),
    # -- transition requests (made by the editor) ----------------------------------------
    ("POST", f"{OWN}/transition-requests/create"): Entry(
        "EDIT", _model(version="2", stage="Staging")
    ),
    ("GET", f"{OWN}/transition-requests/get"): Entry(
        "READ", lambda t: Call(params={"id": t.request_id})
    ),
    ("GET", f"{OWN}/transition-requests/list"): Entry("USER"),
    ("POST", f"{OWN}/transition-requests/approve"): Entry(
        "MANAGE", lambda t: Call(json={"id": t.request_id})
    ),
    ("POST", f"{OWN}/transition-requests/reject"): Entry(
        "MANAGE", lambda t: Call(json={"id": t.request_id})
    ),
    # Its requester (the editor) or a manager.
    ("POST", f"{OWN}/transition-requests/cancel"): Entry(
        "EDIT", lambda t: Call(json={"id": t.request_id})
    ),
    # -- webhooks (administrators only, as in MLflow) --------------------------------------
    ("POST", f"{API}/webhooks"): Entry(
        "ADMIN",
        lambda t: Call(
            json={
                "name": f"new-hook-{t.n}",
                "url": NOWHERE,
                "events": [{"entity": "registered_model", "action": "created"}],
                "status": "DISABLED",
            }
        ),
    ),
    ("GET", f"{API}/webhooks"): Entry("ADMIN"),
    ("GET", f"{API}/webhooks/{{webhook_id}}"): Entry("ADMIN", _webhook()),
    ("PATCH", f"{API}/webhooks/{{webhook_id}}"): Entry("ADMIN", _webhook(description="d")),
    ("DELETE", f"{API}/webhooks/{{webhook_id}}"): Entry("ADMIN", _webhook()),
    ("POST", f"{API}/webhooks/{{webhook_id}}/test"): Entry("ADMIN", _webhook()),
    ("GET", f"{OWN}/webhooks/{{webhook_id}}/deliveries"): Entry("ADMIN", _webhook()),
    # No delivery has this id: an administrator gets past authorization to the 404.
    ("POST", f"{OWN}/webhooks/deliveries/{{delivery_id}}/redeliver"): Entry(
        "ADMIN", lambda _: Call(path={"delivery_id": "424242"}), ok=404
    ),
}


def expected_status(entry: Entry, role: str) -> int:
    """401 for anonymous callers, 403 below the entry's need, its status otherwise."""
    if entry.need == "PUBLIC":
        return entry.ok
    if role == "anonymous":
        return 401
    return entry.ok if RANK[role] >= NEEDS[entry.need] else 403


def _canonical(path: str) -> str:
    """The ``/api/`` path of a route (its ``/ajax-api/`` twin has the same entry)."""
    return "/api/" + path.removeprefix("/ajax-api/") if path.startswith("/ajax-api/") else path


def rest_routes(server: SecuredServer) -> list[tuple[str, str]]:
    """Every (method, path template) of the app under ``/api/`` and ``/ajax-api/``."""
    found = set()
    for route in iter_route_contexts(server.client.app.routes):  # type: ignore[attr-defined]
        if route.path and route.path.startswith(("/api/", "/ajax-api/")):
            found.update((method, route.path) for method in route.methods or ())
    return sorted(found)


def _url(template: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(:\w+)?}", lambda match: values[match.group(1)], template)


@pytest.fixture(scope="module")
def matrix_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredServer]:
    """One server for the whole matrix (each call gets resources of its own)."""
    yield from open_secured_server(tmp_path_factory.mktemp("matrix"))


def test_every_rest_endpoint_has_a_matrix_entry(matrix_server: SecuredServer) -> None:
    routes = {(method, _canonical(path)) for method, path in rest_routes(matrix_server)}
    assert sorted(routes - set(MATRIX)) == [], "endpoints without a permission-matrix entry"
    assert sorted(set(MATRIX) - routes) == [], "matrix entries of endpoints that do not exist"


@pytest.mark.parametrize("prefix", ["/api/", "/ajax-api/"])
def test_each_role_gets_the_status_the_matrix_gives(
    matrix_server: SecuredServer, prefix: str
) -> None:
    mismatches = []
    calls = 0
    for method, template in rest_routes(matrix_server):
        entry = MATRIX.get((method, _canonical(template)))
        if entry is None or not template.startswith(prefix):
            continue
        for role in ROLES:
            call = entry.call(Target(matrix_server))
            response = matrix_server.client.request(
                method,
                _url(template, call.path),
                params=call.params,
                json=call.json,
                content=call.content,
                headers=matrix_server.as_(role),
            )
            calls += 1
            wanted = expected_status(entry, role)
            if response.status_code != wanted:
                mismatches.append(
                    f"{method} {template} as {role}: {response.status_code} (expected {wanted})"
                    f" {response.text[:160]}"
                )
    assert calls >= 5 * 40
    assert not mismatches, "\n".join(mismatches)


def test_the_matrix_expects_what_a_role_may_do() -> None:
    entry = Entry("EDIT")
    assert [expected_status(entry, role) for role in ROLES] == [401, 403, 200, 200, 200]
    assert [expected_status(Entry("PUBLIC"), role) for role in ROLES] == [200] * 5
    admin_only = Entry("ADMIN", ok=404)
    assert [expected_status(admin_only, role) for role in ROLES] == [401, 403, 403, 403, 404]
