"""The root command: --version, --help, where the registry is, and a light import."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelreg.__about__ import __version__
from modelreg.cli.app import app
from modelreg.client import Client
from modelreg.config import TRACKING_URI_ENV


def test_version_option_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"modelreg {__version__}\n"


def test_help_lists_the_command_groups() -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("models", "versions", "db", "--tracking-uri", TRACKING_URI_ENV):
        assert group in result.stdout


def test_every_command_has_help() -> None:
    runner = CliRunner()
    groups = {
        "models": ["create", "list", "search", "get", "rename", "delete"],
        "versions": [
            "create", "list", "get", "transition", "set-alias", "delete-alias", "delete"
        ],
        "db": ["upgrade", "current"],
    }  # fmt: skip
    for group, commands in groups.items():
        for command in commands:
            result = runner.invoke(app, [group, command, "--help"])
            assert result.exit_code == 0, (group, command, result.output)
            assert "--json" in result.stdout, (group, command)


@pytest.mark.parametrize("args", [[], ["nope"], ["models"], ["models", "get"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(app, args).exit_code == 2


def test_tracking_uri_comes_from_the_environment(tracking_uri: str, client: Client) -> None:
    client.create_registered_model("FromEnv")
    result = CliRunner(env={TRACKING_URI_ENV: tracking_uri}).invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    assert "FromEnv" in result.stdout


def test_tracking_uri_option_wins_over_the_environment(
    tracking_uri: str, client: Client, tmp_path: Path
) -> None:
    client.create_registered_model("FromOption")
    runner = CliRunner(env={TRACKING_URI_ENV: f"sqlite:///{tmp_path / 'other.db'}"})
    result = runner.invoke(app, ["--tracking-uri", tracking_uri, "models", "list"])
    assert "FromOption" in result.stdout


def test_default_registry_is_embedded_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(TRACKING_URI_ENV, raising=False)
    result = CliRunner().invoke(app, ["models", "create", "Embedded"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "modelreg-data" / "registry.db").is_file()


def test_a_folder_tracking_uri_holds_the_registry(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    result = CliRunner().invoke(app, ["--tracking-uri", str(folder), "models", "create", "M"])
    assert result.exit_code == 0, result.output
    assert (folder / "registry.db").is_file()


# -- a light import: `modelreg --help` must not load SQLAlchemy -------------------------------

_HEAVY = (
    "sqlalchemy",
    "alembic",
    "modelreg.client",
    "modelreg.backend",
    "modelreg.service",
    "modelreg.store",
)


def _module_imports(module: str) -> set[str]:
    """The modules ``module`` imports when it is imported (TYPE_CHECKING blocks aside)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    names: set[str] = set()
    for node in tree.body:  # module level only: imports inside functions are the lazy ones
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def test_the_cli_imports_no_heavy_module_at_startup() -> None:
    seen: set[str] = set()
    pending = ["modelreg.cli.app"]
    while pending:
        module = pending.pop()
        for name in _module_imports(module):
            parts = name.split(".")
            parents = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
            for candidate in parents:
                if candidate.startswith("modelreg") and candidate not in seen:
                    seen.add(candidate)
                    if _is_module(candidate):
                        pending.append(candidate)
            assert not name.startswith(_HEAVY), f"{module} imports {name} at module level"
    assert "modelreg.cli.versions" in seen  # the walk did follow the command modules
