"""The UI's URLs, built in one place so every page links the same way (names are quoted)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

__all__ = [
    "artifact_file",
    "experiment",
    "experiments",
    "model",
    "model_action",
    "model_history",
    "models",
    "run",
    "run_action",
    "version",
    "version_action",
    "with_query",
]


def _segment(value: object) -> str:
    return quote(str(value), safe="")


def with_query(base: str, /, **params: object) -> str:
    """``base`` with the non-empty ``params`` as its query string."""
    present = {key: str(value) for key, value in params.items() if value not in (None, "")}
    return f"{base}?{urlencode(present)}" if present else base


def models(**params: object) -> str:
    """The models list (``q``, ``order_by``, ``page_token``...)."""
    return with_query("/", **params)


def model(name: str, **params: object) -> str:
    """A registered model's page."""
    return with_query(f"/models/{_segment(name)}", **params)


def model_action(name: str, action: str) -> str:
    """Where a form on a model's page posts, e.g. ``/models/Unicorn/tags``."""
    return f"/models/{_segment(name)}/{action}"


def model_history(name: str, **params: object) -> str:
    """A registered model's timeline."""
    return with_query(f"/models/{_segment(name)}/history", **params)


def version(name: str, number: int | str) -> str:
    """A model version's page."""
    return f"/models/{_segment(name)}/versions/{_segment(number)}"


def version_action(name: str, number: int | str, action: str) -> str:
    """Where a form on a version's page posts, e.g. ``.../versions/3/stage``."""
    return f"{version(name, number)}/{action}"


def experiments(**params: object) -> str:
    """The experiments list."""
    return with_query("/experiments", **params)


def experiment(experiment_id: str, **params: object) -> str:
    """An experiment's runs table."""
    return with_query(f"/experiments/{_segment(experiment_id)}", **params)


def run(run_id: str, **params: object) -> str:
    """A run's page (``path``: the artifact folder shown)."""
    return with_query(f"/runs/{_segment(run_id)}", **params)


def run_action(run_id: str, action: str) -> str:
    """Where a form on a run's page posts, e.g. ``/runs/<id>/register``."""
    return f"/runs/{_segment(run_id)}/{action}"


def artifact_file(run_id: str, path: str) -> str:
    """The download of one artifact file of a run."""
    return with_query(f"/runs/{_segment(run_id)}/artifact", path=path)
