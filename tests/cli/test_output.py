"""JSON rendering of entities: plain objects, enums as strings, pages with their token."""

from __future__ import annotations

import json

from modelreg.cli.output import entity_json, page_json
from modelreg.entities import ModelVersion, PagedList, RegisteredModel, Stage


def _version(number: int, stage: Stage = Stage.NONE) -> ModelVersion:
    return ModelVersion("M", number, 1, 2, current_stage=stage, aliases=["a"], tags={"k": "v"})


def test_entity_json_turns_enums_into_plain_strings() -> None:
    data = entity_json(_version(1, Stage.PRODUCTION))
    assert type(data["current_stage"]) is str
    assert type(data["status"]) is str
    assert (data["current_stage"], data["status"]) == ("Production", "READY")


def test_entity_json_of_a_model_nests_its_latest_versions() -> None:
    model = RegisteredModel("M", 1, 2, latest_versions=[_version(3, Stage.STAGING)])
    data = entity_json(model)
    assert data["latest_versions"][0]["current_stage"] == "Staging"
    assert type(data["latest_versions"][0]["current_stage"]) is str
    assert json.loads(json.dumps(data)) == data


def test_page_json_has_items_and_next_page_token() -> None:
    page = PagedList([_version(1), _version(2)], "tok")
    data = page_json("model_versions", page)
    assert data["next_page_token"] == "tok"
    assert [item["version"] for item in data["model_versions"]] == [1, 2]
