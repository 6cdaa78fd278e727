"""Shared fixtures: files in tmp_path, the CLI through CliRunner, the public corpora."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from csvcheck.cli import main
from csvcheck.report_schema import validate_report

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
        argv = [str(a) for a in args]
        result = CliRunner().invoke(main, argv, input=input, env=env, catch_exceptions=False)
        assert_reports_valid(argv, result)
        return result

    return run


def assert_reports_valid(argv: list[str], result: Result) -> None:
    """Every report a `check` run printed (--format json) or wrote (--out) fits the schema.

    Run on every CLI call of the test suite, so a report shape no test expected still has to
    match csvcheck/report.schema.json.
    """
    if not argv or argv[0] != "check" or result.exit_code not in (0, 1):
        return
    reports: list[tuple[str, Any]] = []
    if _option(argv, "--format") == "json":
        reports.append(("stdout", json.loads(result.stdout)))
    out = _option(argv, "--out")
    if out is not None:
        reports += [(str(p), json.loads(p.read_text())) for p in Path(out).glob("*.report.json")]
    for where, report in reports:
        problems = validate_report(report)
        assert not problems, f"{where} breaks report.schema.json: {problems}"


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def report_of(result: Result) -> dict[str, Any]:
    """The JSON report a `--format json` run printed on stdout."""
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed
