"""A model's timeline: every recorded change, newest first, with who made it."""

from __future__ import annotations

import re

from modelreg.backend import LocalBackend
from modelreg.identity import Principal, acting_as
from tests.ui.conftest import Ui, page


def summaries(html: str) -> list[str]:
    """The timeline's event summaries, top to bottom."""
    return re.findall(r"<strong>(?:<a [^>]+>)?([^<]+)", html)


def test_the_timeline_lists_every_change_newest_first(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.get("/models/Unicorn/history"))
    assert summaries(html) == [
        "Alias @champion set on version 2",
        "Version 2 moved from None to Staging",
        "Version 1 moved from None to Production",
        "Version 2 is READY",
        "Version 2 registered",
        "Version 1 is READY",
        "Version 1 registered",
        "Model Unicorn created",
    ]
    assert "@champion → v2" in html


def test_moves_renames_and_edits_show_before_and_after(ui: Ui, unicorn: LocalBackend) -> None:
    registry = unicorn.registry
    with acting_as(Principal("alice")):
        registry.transition_model_version_stage("Unicorn", 2, "Production", True)
        registry.set_registered_model_alias("Unicorn", "champion", 1)
        registry.update_registered_model("Unicorn", "new words")
        registry.set_registered_model_tag("Unicorn", "team", "core")
    html = page(ui.get("/models/Unicorn/history"))
    assert summaries(html)[:5] == [
        "Model tag team set to core",
        "Model description edited",
        "Alias @champion moved from version 2 to version 1",
        "Version 2 moved from Staging to Production",
        "Version 1 moved from Production to Archived",
    ]
    assert '<span class="actor">alice</span>' in html
    assert "archived when version 2 took its place" in html


def test_the_history_of_a_renamed_model_keeps_its_past(ui: Ui, unicorn: LocalBackend) -> None:
    unicorn.registry.rename_registered_model("Unicorn", "Pegasus")
    names = summaries(page(ui.get("/models/Pegasus/history")))
    assert names[0] == "Model renamed from Unicorn to Pegasus"
    assert names[-1] == "Model Unicorn created"


def test_a_missing_model_has_no_history(ui: Ui) -> None:
    page(ui.get("/models/nope/history"), 404)


def test_names_in_the_timeline_are_escaped(ui: Ui, unicorn: LocalBackend) -> None:
    unicorn.registry.set_registered_model_tag("Unicorn", "x", "<script>alert(1)</script>")
    html = page(ui.get("/models/Unicorn/history"))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
