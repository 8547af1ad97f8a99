"""Aliases: set, move, resolve, delete, reserved names — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from modelreg.errors import AliasNotFound, InvalidParameterValue, ModelVersionNotFound
from modelreg.service import RegistryService


@pytest.fixture
def unicorn(registry: RegistryService) -> RegistryService:
    """A registry holding the model Unicorn with versions 1 to 3."""
    registry.create_registered_model("Unicorn")
    for _ in range(3):
        registry.create_model_version("Unicorn", "runs:/r/model")
    return registry


def test_alias_resolves_to_its_version(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", "3")
    version = unicorn.get_model_version_by_alias("Unicorn", "champion")
    assert (version.version, version.aliases) == (3, ["champion"])
    assert unicorn.get_registered_model("Unicorn").aliases == {"champion": 3}


def test_setting_an_alias_again_moves_it(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 1)
    unicorn.set_registered_model_alias("Unicorn", "champion", 2)
    assert unicorn.get_model_version_by_alias("Unicorn", "champion").version == 2
    assert unicorn.get_model_version("Unicorn", 1).aliases == []


def test_a_version_can_hold_several_aliases(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 2)
    unicorn.set_registered_model_alias("Unicorn", "blue", 2)
    assert unicorn.get_model_version("Unicorn", 2).aliases == ["blue", "champion"]


def test_unknown_alias_is_invalid_parameter_like_mlflow(unicorn: RegistryService) -> None:
    with pytest.raises(AliasNotFound) as raised:
        unicorn.get_model_version_by_alias("Unicorn", "nope")
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert raised.value.message == "Registered model alias nope not found."


def test_alias_to_missing_version_is_not_found(unicorn: RegistryService) -> None:
    with pytest.raises(ModelVersionNotFound):
        unicorn.set_registered_model_alias("Unicorn", "champion", 9)


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("latest", "'latest' alias name (case insensitive) is reserved."),
        ("LaTeSt", "'latest' alias name (case insensitive) is reserved."),
        ("v1", "Version alias name 'v1' is reserved."),
        ("V12", "Version alias name 'V12' is reserved."),
        ("", "Registered model alias name cannot be empty."),
        ("has space", "Invalid alias name: 'has space'."),
        ("dot.ted", "Invalid alias name: 'dot.ted'."),
    ],
)
def test_reserved_and_malformed_aliases_are_refused(
    unicorn: RegistryService, alias: str, message: str
) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        unicorn.set_registered_model_alias("Unicorn", alias, 1)
    assert raised.value.message.startswith(message)


def test_v_without_digits_is_a_valid_alias(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "v1a", 1)
    assert unicorn.get_model_version_by_alias("Unicorn", "v1a").version == 1


def test_delete_alias_and_delete_absent_alias(unicorn: RegistryService) -> None:
    unicorn.set_registered_model_alias("Unicorn", "champion", 1)
    unicorn.delete_registered_model_alias("Unicorn", "champion")
    unicorn.delete_registered_model_alias("Unicorn", "champion")
    with pytest.raises(AliasNotFound):
        unicorn.get_model_version_by_alias("Unicorn", "champion")
