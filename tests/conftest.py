"""Shared fixtures: files in tmp_path, the CLI through CliRunner, the public corpora."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from csvcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture
def corpora() -> Path:
    """../shared/corpora, or a skip when it is not laid beside the project."""
    if not CORPORA.is_dir():
        pytest.skip(f"public corpora not found at {CORPORA}")
    return CORPORA


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(content: str | bytes, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the csvcheck command line as a user would, capturing stdout and stderr apart."""

    def run(
        *args: str | Path, input: bytes | str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return CliRunner().invoke(
            main, [str(a) for a in args], input=input, env=env, catch_exceptions=False
        )

    return run


def report_of(result: Result) -> dict[str, Any]:
    """The JSON report a `--format json` run printed on stdout."""
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed
