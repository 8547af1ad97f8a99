"""Searching models and versions: filters, ordering and keyset paging — on both backends."""

from __future__ import annotations

import threading

import pytest

from modelreg.errors import InvalidFilter, InvalidParameterValue
from modelreg.service import RegistryService

PROMPT_CLAUSE = "tag.`mlflow.prompt.is_prompt` != 'true'"


@pytest.fixture
def zoo(registry: RegistryService) -> RegistryService:
    """Models with mixed-case names and tags, some with versions."""
    registry.create_registered_model("Unicorn", tags={"team": "a", "owner name": "ann"})
    registry.create_registered_model("Unicorn-v2", tags={"team": "b"})
    registry.create_registered_model("unicorn-lower", tags={"mlflow.prompt.is_prompt": "false"})
    registry.create_registered_model("Pegasus", tags={"mlflow.prompt.is_prompt": "true"})
    registry.create_registered_model("Griffin_1")
    registry.create_model_version("Unicorn", "runs:/r1/model", run_id="r1", tags={"ok": "yes"})
    registry.create_model_version("Unicorn", "s3://bucket/m", run_id="r2")
    registry.create_model_version("Unicorn", "runs:/r3/model", run_id="r3")
    registry.create_model_version("Pegasus", "runs:/r1/other", run_id="r1")
    return registry


def names(results: list) -> list[str]:  # type: ignore[type-arg]
    return [item.name for item in results]


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        (None, ["Griffin_1", "Pegasus", "Unicorn", "Unicorn-v2", "unicorn-lower"]),
        ("name = 'Unicorn'", ["Unicorn"]),
        ('name = "Unicorn"', ["Unicorn"]),
        ("name != 'Unicorn'", ["Griffin_1", "Pegasus", "Unicorn-v2", "unicorn-lower"]),
        ("name LIKE 'Unicorn%'", ["Unicorn", "Unicorn-v2"]),
        ("name LIKE 'unicorn%'", ["unicorn-lower"]),
        ("name ILIKE 'unicorn%'", ["Unicorn", "Unicorn-v2", "unicorn-lower"]),
        ("name like 'Uni%-%'", ["Unicorn-v2"]),
        ("name LIKE 'Griffin_1'", ["Griffin_1"]),
        ("name IN ('Pegasus', 'Unicorn')", ["Pegasus", "Unicorn"]),
        ("tags.team = 'a'", ["Unicorn"]),
        ("tags.`team` = 'b'", ["Unicorn-v2"]),
        ("tag.team != 'a'", ["Griffin_1", "Pegasus", "Unicorn-v2", "unicorn-lower"]),
        ("tags.`owner name` = 'ann'", ["Unicorn"]),
        ("tags.team LIKE '%'", ["Unicorn", "Unicorn-v2"]),
        ("tags.team ILIKE 'A'", ["Unicorn"]),
        ("name LIKE '%corn%' AND tags.team = 'a'", ["Unicorn"]),
        ("name ILIKE 'UNI%' and tags.team != 'a'", ["Unicorn-v2", "unicorn-lower"]),
        (PROMPT_CLAUSE, ["Griffin_1", "Unicorn", "Unicorn-v2", "unicorn-lower"]),
        (f"name LIKE 'Unicorn%' AND {PROMPT_CLAUSE}", ["Unicorn", "Unicorn-v2"]),
    ],
)
def test_registered_model_filters(
    zoo: RegistryService, filter_string: str | None, expected: list[str]
) -> None:
    assert names(zoo.search_registered_models(filter_string)) == expected


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("name = 'Unicorn'", [("Unicorn", 3), ("Unicorn", 2), ("Unicorn", 1)]),
        ("run_id = 'r1'", [("Pegasus", 1), ("Unicorn", 1)]),
        ("run_id IN ('r1', 'r3')", [("Pegasus", 1), ("Unicorn", 3), ("Unicorn", 1)]),
        ("run_id NOT IN ('r1')", [("Unicorn", 3), ("Unicorn", 2)]),
        ("source_path LIKE 's3://%'", [("Unicorn", 2)]),
        ("name = 'Unicorn' AND version_number > 1", [("Unicorn", 3), ("Unicorn", 2)]),
        ("name = 'Unicorn' AND version_number <= 1", [("Unicorn", 1)]),
        ("version_number = 1", [("Pegasus", 1), ("Unicorn", 1)]),
        ("tags.ok = 'yes'", [("Unicorn", 1)]),
        ("name ILIKE 'uni%' AND tags.ok != 'yes'", [("Unicorn", 3), ("Unicorn", 2)]),
    ],
)
def test_model_version_filters(
    zoo: RegistryService, filter_string: str, expected: list[tuple[str, int]]
) -> None:
    found = zoo.search_model_versions(filter_string, order_by=["name", "version_number DESC"])
    assert [(v.name, v.version) for v in found] == expected


def test_model_versions_default_order_is_newest_update_first(zoo: RegistryService) -> None:
    zoo.transition_model_version_stage("Unicorn", 1, "Staging")
    assert [(v.name, v.version) for v in zoo.search_model_versions()][:2] == [
        ("Unicorn", 1),
        ("Pegasus", 1),
    ]


@pytest.mark.parametrize(
    ("filter_string", "fragment"),
    [
        ("name LIKEE 'x'", "position 5"),
        ("description = 'x'", "invalid attribute key 'description'"),
        ("name = 'x' OR name = 'y'", "expected AND"),
        ("name = 'unterminated", "position"),
        ("tags.team > 'a'", "comparator >"),
        ("name = 3", "quoted strings"),
        ("run_id IN ('a')", "invalid attribute key 'run_id'"),
        ("name = 'a' AND", "found the end"),
    ],
)
def test_bad_registered_model_filters_name_the_problem(
    zoo: RegistryService, filter_string: str, fragment: str
) -> None:
    with pytest.raises(InvalidFilter) as raised:
        zoo.search_registered_models(filter_string)
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert fragment in raised.value.message


def test_bad_model_version_filter(zoo: RegistryService) -> None:
    with pytest.raises(InvalidFilter, match="'version_number' is compared with numbers"):
        zoo.search_model_versions("version_number = 'x'")


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (["name DESC"], ["unicorn-lower", "Unicorn-v2", "Unicorn", "Pegasus", "Griffin_1"]),
        (
            ["creation_timestamp"],
            ["Unicorn", "Unicorn-v2", "unicorn-lower", "Pegasus", "Griffin_1"],
        ),
        (
            ["last_updated_timestamp DESC"],
            ["Pegasus", "Unicorn", "Griffin_1", "unicorn-lower", "Unicorn-v2"],
        ),
        (["timestamp DESC"], ["Pegasus", "Unicorn", "Griffin_1", "unicorn-lower", "Unicorn-v2"]),
    ],
)
def test_order_by(zoo: RegistryService, order_by: list[str], expected: list[str]) -> None:
    assert names(zoo.search_registered_models(order_by=order_by)) == expected


@pytest.mark.parametrize(
    "order_by", [["size"], ["name SIDEWAYS"], ["name", "name DESC"], ["a b c"]]
)
def test_bad_order_by_is_refused(zoo: RegistryService, order_by: list[str]) -> None:
    with pytest.raises(InvalidFilter):
        zoo.search_registered_models(order_by=order_by)


@pytest.mark.parametrize("max_results", [0, -1, 1001])
def test_max_results_out_of_range_is_refused(zoo: RegistryService, max_results: object) -> None:
    with pytest.raises(InvalidParameterValue, match="max_results"):
        zoo.search_registered_models(max_results=max_results)  # type: ignore[arg-type]


def test_page_token_from_other_search_or_garbage_is_refused(zoo: RegistryService) -> None:
    page = zoo.search_registered_models(max_results=1)
    assert page.token is not None
    with pytest.raises(InvalidFilter, match="different filter"):
        zoo.search_registered_models("name LIKE 'U%'", max_results=1, page_token=page.token)
    with pytest.raises(InvalidFilter, match="page_token"):
        zoo.search_registered_models(max_results=1, page_token="garbage!")


def test_last_page_has_no_token(zoo: RegistryService) -> None:
    assert zoo.search_registered_models(max_results=5).token is None
    assert zoo.search_registered_models(max_results=4).token is not None


def test_latest_versions_and_aliases_come_with_search_results(zoo: RegistryService) -> None:
    zoo.set_registered_model_alias("Unicorn", "champion", 2)
    (unicorn,) = zoo.search_registered_models("name = 'Unicorn'")
    assert unicorn.aliases == {"champion": 2}
    assert [v.version for v in unicorn.latest_versions] == [3]


@pytest.mark.parametrize("order_by", [None, ["last_updated_timestamp DESC"], ["name DESC"]])
def test_paging_through_250_models_while_inserting(
    registry: RegistryService, order_by: list[str] | None
) -> None:
    for i in range(250):
        registry.create_registered_model(f"model-{i:03d}")
    seen: list[str] = []
    token = None
    inserted = 0
    while True:
        page = registry.search_registered_models(
            "name LIKE 'model-%'", max_results=40, order_by=order_by, page_token=token
        )
        seen.extend(model.name for model in page)
        # New models appear between pages: before, after and in the middle of the order.
        for name in (f"model-{inserted:03d}a", f"model-zz{inserted}", f"model-!{inserted}"):
            registry.create_registered_model(name)
        inserted += 1
        token = page.token
        if token is None:
            break
    originals = {f"model-{i:03d}" for i in range(250)}
    assert len(seen) == len(set(seen)), "a model was returned twice"
    assert originals <= set(seen), f"skipped: {sorted(originals - set(seen))[:5]}"


def test_paging_is_consistent_under_concurrent_writers(registry: RegistryService) -> None:
    for i in range(250):
        registry.create_registered_model(f"m-{i:03d}")
    stop = threading.Event()

    def insert() -> None:
        i = 0
        while not stop.is_set():
            registry.create_registered_model(f"m-{i:03d}-new")
            i += 1

    writer = threading.Thread(target=insert)
    writer.start()
    try:
        seen: list[str] = []
        token = None
        while True:
            page = registry.search_registered_models(max_results=25, page_token=token)
            seen.extend(model.name for model in page)
            if (token := page.token) is None:
                break
    finally:
        stop.set()
        writer.join()
    assert len(seen) == len(set(seen))
    assert {f"m-{i:03d}" for i in range(250)} <= set(seen)


def test_model_version_paging(zoo: RegistryService) -> None:
    first = zoo.search_model_versions(max_results=3)
    second = zoo.search_model_versions(max_results=3, page_token=first.token)
    assert second.token is None
    assert len({(v.name, v.version) for v in [*first, *second]}) == 4


def test_max_results_must_be_an_int_in_python(local_registry: RegistryService) -> None:
    with pytest.raises(InvalidParameterValue, match="max_results"):
        local_registry.search_registered_models(max_results="10")  # type: ignore[arg-type]
