"""A model's timeline: what can be derived from the stored state, newest first."""

from __future__ import annotations

import re

from modelreg.backend import LocalBackend
from modelreg.entities import ModelVersion, RegisteredModel, Stage
from modelreg.server.ui.history import derived_events
from tests.ui.conftest import Ui, page


def summaries(html: str) -> list[str]:
    """The timeline's event summaries, top to bottom."""
    return re.findall(r"<strong>(?:<a [^>]+>)?([^<]+)", html)


def test_the_timeline_lists_creation_registrations_and_stages_newest_first(
    ui: Ui, unicorn: LocalBackend
) -> None:
    html = page(ui.get("/models/Unicorn/history"))
    assert summaries(html) == [
        "Version 2 moved to Staging",
        "Version 1 moved to Production",
        "Version 2 registered",
        "Version 1 registered",
        "Model Unicorn created",
    ]
    assert "@champion → v2" in html
    assert "Not recorded yet" in html
    assert "earlier stage transitions" in html


def test_archive_existing_shows_as_the_archived_stage(ui: Ui, unicorn: LocalBackend) -> None:
    unicorn.registry.transition_model_version_stage("Unicorn", 2, "Production", True)
    assert summaries(page(ui.get("/models/Unicorn/history")))[:2] == [
        "Version 2 moved to Production",
        "Version 1 moved to Archived",
    ]


def test_a_missing_model_has_no_history(ui: Ui) -> None:
    page(ui.get("/models/nope/history"), 404)


def test_events_on_the_same_millisecond_keep_their_causal_order() -> None:
    model = RegisteredModel("M", creation_timestamp=5, last_updated_timestamp=5)
    version = ModelVersion("M", 1, 5, 5, current_stage=Stage.STAGING)
    kinds = [event.kind for event in derived_events(model, [version])]
    assert kinds == ["stage", "version_created", "model_created"]
