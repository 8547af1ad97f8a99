"""Every command of the README and the quick start runs as written (so the docs cannot drift)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.docs.documented import Block, blocks, commands, script
from tests.processes import free_port

REPO = Path(__file__).parents[2]
#: Commands the pages show that this suite cannot run inside itself, and why.
NOT_RUN_HERE = {
    "make test": "it is what .ci/run runs; running it inside the suite would recurse",
}


def run_page(page: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The page's commands, in a scratch folder with the repository's examples beside them."""
    (tmp_path / "examples").symlink_to(REPO / "examples")
    text = (REPO / page).read_text()
    ports = {"5000": free_port(), "5001": free_port()}
    bash = script(text, ports, skip=NOT_RUN_HERE, repo=REPO)
    (tmp_path / "page.sh").write_text(bash)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MODELREG_CACHE_DIR": str(tmp_path / "cache"),
        # `make run` starts the server from the repository: keep its data in the scratch folder.
        "MODELREG_TRACKING_URI": f"sqlite:///{tmp_path / 'modelreg-data' / 'registry.db'}",
        "COLUMNS": "200",
    }
    return subprocess.run(
        ["bash", "page.sh"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )


def succeeded(done: subprocess.CompletedProcess[str], tmp_path: Path) -> str:
    """The page's output, once it ran to the end (else fail with its output and logs)."""
    logs = "".join(f"\n--- {log.name}\n{log.read_text()}" for log in tmp_path.glob("*.log"))
    assert done.returncode == 0, done.stdout + done.stderr + logs
    return done.stdout


def test_every_command_of_the_readme_runs(tmp_path: Path) -> None:
    output = succeeded(run_page("README.md", tmp_path), tmp_path)
    assert "Unicorn" in output


def test_every_command_of_the_quick_start_runs(tmp_path: Path) -> None:
    done = succeeded(run_page("docs/quickstart.md", tmp_path), tmp_path)
    assert "registered Unicorn version 1" in done
    assert '{"predictions":[' in done
    assert "Rolled back the stage Production of 'Unicorn' to version 1." in done


def test_console_blocks_join_continued_lines_and_skip_output() -> None:
    block = Block("console", "$ modelreg server \\\n    --port 5000\nlistening\n$ echo hi\nhi\n")
    assert commands(block) == ["modelreg server \\\n    --port 5000", "echo hi"]
    assert [b.lang for b in blocks("```python\nx = 1\n```\n\n```json\n{}\n```\n")] == [
        "python",
        "json",
    ]


def test_servers_start_in_the_background_on_mapped_ports() -> None:
    page = "```console\n$ modelreg server --port 5000\n$ make test\n```\n"
    bash = script(page, {"5000": 6123}, skip={"make test": "recursion"}, repo=REPO)
    assert "modelreg server --port 6123 > server-6123.log 2>&1 &" in bash
    assert "curl -fsS http://127.0.0.1:6123/health" in bash
    assert "# not run here: make test: recursion" in bash


def test_the_reference_pages_are_generated_from_the_current_code() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
