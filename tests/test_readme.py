"""The README stays true: its finding-code table matches the code, its commands exist."""

from __future__ import annotations

import re

from csvcheck.report import DESCRIPTION, SEVERITY, Code

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_codes() -> dict[str, tuple[str, str]]:
    section = README.split("## Finding codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (.+?) \|$", section, flags=re.MULTILINE)
    return {code: (severity, meaning) for code, severity, meaning in rows}


def test_every_code_is_in_the_readme_with_its_severity_and_meaning() -> None:
    expected = {str(c): (str(SEVERITY[c]), DESCRIPTION[c]) for c in Code}
    assert readme_codes() == expected


def test_readme_starts_with_the_two_commands() -> None:
    commands = re.findall(r"^(pip install .+)$", README, flags=re.MULTILINE)
    assert commands[:2] == [
        "pip install . && csvcheck check sample_data/contacts.csv",
        "pip install '.[test]' && pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()
