"""The installed ``modelreg`` console script, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from modelreg.__about__ import __version__


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_installed_script_creates_and_lists_models(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("modelreg")
    assert script.is_file(), f"console script not installed next to {sys.executable}"
    uri = f"sqlite:///{tmp_path / 'registry.db'}"

    created = _run(str(script), "--tracking-uri", uri, "models", "create", "Unicorn", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    listed = _run(str(script), "--tracking-uri", uri, "models", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    page = json.loads(listed.stdout)
    assert [model["name"] for model in page["registered_models"]] == ["Unicorn"]
    assert page["next_page_token"] is None

    as_module = _run(sys.executable, "-m", "modelreg.cli.app", "--version", cwd=tmp_path)
    assert as_module.stdout == f"modelreg {__version__}\n"
