"""Artifact path checks: what is normalized, what is refused, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg.artifacts.paths import InvalidArtifactPath, is_contained, normalize, resolve_under
from modelreg.errors import InvalidParameterValue


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a", "a"),
        ("a/b/c.txt", "a/b/c.txt"),
        ("a/", "a"),
        ("./a", "a"),
        ("a//b", "a/b"),
        ("a/./b/.", "a/b"),
        ("..a/b..", "..a/b.."),
        ("...", "..."),
        ("%2e%2e/x", "%2e%2e/x"),
        ("a b/ü.txt", "a b/ü.txt"),
        ("dir:1/x", "dir:1/x"),
    ],
)
def test_normalize_keeps_safe_paths_and_drops_dot_and_empty_components(
    path: str, expected: str
) -> None:
    assert normalize(path) == expected


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../x", "'..' components"),
        ("a/../../x", "'..' components"),
        ("a/..", "'..' components"),
        ("a/./../..", "'..' components"),
        ("/etc/passwd", "absolute"),
        ("//server/share", "absolute"),
        ("..\\x", "backslashes"),
        ("a\\b", "backslashes"),
        ("C:/x", "drive letters"),
        ("c:x", "drive letters"),
        ("x\x00", "control characters"),
        ("x\r\ny", "control characters"),
        ("x\x7f", "control characters"),
    ],
)
def test_normalize_refuses_paths_that_could_leave_the_root(path: str, reason: str) -> None:
    with pytest.raises(InvalidArtifactPath) as caught:
        normalize(path)
    assert reason in caught.value.reason
    assert caught.value.path == path
    assert str(caught.value).startswith(f"INVALID_PARAMETER_VALUE: Invalid artifact path {path!r}")


@pytest.mark.parametrize("root", ["", ".", "./", ".//."])
def test_the_root_needs_allow_root(root: str) -> None:
    assert normalize(root, allow_root=True) == ""
    with pytest.raises(InvalidArtifactPath, match="inside the store is needed"):
        normalize(root)


@pytest.mark.parametrize("path", [None, b"a", 1, Path("a")])
def test_non_strings_are_refused(path: object) -> None:
    with pytest.raises(InvalidParameterValue, match="expected a string"):
        normalize(path)


def test_invalid_artifact_path_is_an_invalid_parameter_value() -> None:
    assert issubclass(InvalidArtifactPath, InvalidParameterValue)
    assert InvalidArtifactPath("x", "why").error_code == "INVALID_PARAMETER_VALUE"


def test_resolve_under_refuses_a_symlink_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    (root / "in").symlink_to(root)
    assert resolve_under(root, "in/x") == root / "in/x"
    assert resolve_under(root, "") == root
    assert not is_contained(root, root / "out")
    with pytest.raises(InvalidArtifactPath, match="symbolic link"):
        resolve_under(root, "out/x")
