"""Turn a Markdown page's code blocks into one bash script that runs them in order.

``console`` blocks hold commands after a ``$ `` prompt (lines ending in ``\\`` continue them;
other lines are sample output); ``python`` blocks are written to files and run with the
interpreter on PATH. Commands that start servers run in the background and the script waits
for them to answer; ports are mapped to free ones. Other blocks (json, text...) are not run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```", re.M | re.S)
#: Commands that start a server, and the path that answers once it is up.
_SERVERS = {
    "make run": "/health",
    "modelreg server": "/health",
    "modelreg models serve": "/ping",
}
_DEFAULT_PORT = {"make run": "5000", "modelreg server": "5000", "modelreg models serve": "5000"}


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language and text."""

    lang: str
    body: str


def blocks(markdown: str) -> list[Block]:
    """The fenced code blocks of a page, in order."""
    return [Block(m["lang"], m["body"]) for m in _FENCE.finditer(markdown)]


def commands(block: Block) -> list[str]:
    """The ``$ `` commands of a console block, continuation lines joined."""
    found: list[str] = []
    pending: str | None = None
    for line in block.body.splitlines():
        if pending is not None:
            pending += "\n" + line
        elif line.startswith("$ "):
            pending = line[2:]
        else:
            continue
        if not pending.endswith("\\"):
            found.append(pending)
            pending = None
    return found


def _server(command: str) -> str | None:
    return next((name for name in _SERVERS if command.startswith(name)), None)


def script(markdown: str, ports: dict[str, int], *, skip: dict[str, str], repo: Path) -> str:
    """A bash script running every command and Python block of ``markdown`` in order.

    ``ports`` maps the ports the page uses to free ones; commands in ``skip`` are left out
    (the value says why, and lands in the script as a comment).
    """
    lines = ["set -euo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"]
    for index, block in enumerate(blocks(_mapped(markdown, ports))):
        if block.lang == "python":
            lines += [f"cat > block_{index}.py <<'MODELREG_DOC'", block.body + "MODELREG_DOC"]
            lines.append(f"python block_{index}.py")
        elif block.lang == "console":
            for command in commands(block):
                lines += _run(command, ports, skip, repo)
    return "\n".join(lines) + "\n"


def _mapped(text: str, ports: dict[str, int]) -> str:
    for documented, free in ports.items():
        text = re.sub(rf"\b{documented}\b", str(free), text)
    return text


def _run(command: str, ports: dict[str, int], skip: dict[str, str], repo: Path) -> list[str]:
    if command in skip:
        return [f"# not run here: {command}: {skip[command]}"]
    server = _server(command)
    if server is None:
        return [command]
    port = _port(command) or str(ports[_DEFAULT_PORT[server]])
    if command == "make run":
        command = f"make -C {shlex.quote(str(repo))} run PORT={port}"
    url = f"http://127.0.0.1:{port}{_SERVERS[server]}"
    wait = (
        f"for _ in $(seq 1 240); do curl -fsS {url} >/dev/null 2>&1 && break; sleep 0.5; done; "
        f"curl -fsS {url} >/dev/null"
    )
    return [f"{command} > server-{port}.log 2>&1 &", wait]


def _port(command: str) -> str | None:
    match = re.search(r"--port[ =](\d+)", command)
    return match[1] if match else None
