"""The pre-commit hook, run the way pre-commit runs it: `entry` + args + the staged file names."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
yaml = pytest.importorskip("yaml")

GOOD = "number,first_name\n+919876543210,Asha\n+14155552671,Bob\n"
BAD = "number,first_name\n+919876543210,Asha\n12345,Short\n"


@pytest.fixture(scope="module")
def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (only,) = [h for h in hooks if h["id"] == "csvcheck"]
    return dict(only)


def run_hook(hook: dict[str, Any], cwd: Path, *names: str) -> subprocess.CompletedProcess[str]:
    """Run `entry` with the hook's args and the file names, as pre-commit does.

    Where the `csvcheck` console script is not installed (tests run from a source tree), the
    same program is reached as `python -m csvcheck`, with this project importable.
    """
    command = shlex.split(hook["entry"])
    if shutil.which(command[0]) is None:
        command = [sys.executable, "-m", "csvcheck", *command[1:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*command, *hook.get("args", []), *names],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_hook_definition(hook: dict[str, Any]) -> None:
    assert hook["entry"] == "csvcheck check"
    assert hook["language"] == "python"
    matches = re.compile(hook["files"]).search
    assert matches("lists/contacts.csv")
    assert not matches("contacts.csv.bak")
    assert not matches("README.md")


def test_hook_passes_a_good_file_and_fails_a_bad_one(hook: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "good.csv").write_text(GOOD)
    (tmp_path / "lists" / "bad.csv").write_text(BAD)
    good = run_hook(hook, tmp_path, "lists/good.csv")
    assert good.returncode == 0, good.stderr
    bad = run_hook(hook, tmp_path, "lists/good.csv", "lists/bad.csv")
    assert bad.returncode == 1, bad.stderr
    assert "lists/bad.csv: FAIL" in bad.stdout
    assert "line 3 [number] '12345'" in bad.stdout
    assert "\x1b[" not in bad.stdout


def test_hook_fails_a_file_it_cannot_read(hook: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text(GOOD)
    (tmp_path / "sheet.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = run_hook(hook, tmp_path, "good.csv", "sheet.csv")
    assert result.returncode == 3
    assert "csvcheck: error: sheet.csv" in result.stderr
