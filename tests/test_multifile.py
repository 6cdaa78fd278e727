"""`csvcheck check` over several files and folders: one combined report, the worst exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from .conftest import report_of

Run = Callable[..., Result]

GOOD = "number,first_name\n+919876543210,Asha\n+14155552671,Bob\n"
BAD = "number,first_name\n+919876543210,Asha\n12345,Short\n"


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., Path]:
    """Write CSV files under tmp_path (sub/folders allowed) and return the path."""

    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        return path

    return write


def paths_of(combined: dict[str, Any]) -> list[str]:
    return [Path(r["input"]["path"]).name for r in combined["reports"]]


def test_all_good_files_pass(cli: Run, files: Callable[..., Path]) -> None:
    result = cli("check", files("a.csv", GOOD), files("b.csv", GOOD))
    assert result.exit_code == 0
    assert result.stdout.endswith("csvcheck: 2 files: 2 passed, 0 failed, 0 could not be checked\n")


def test_one_bad_file_fails_the_run(cli: Run, files: Callable[..., Path]) -> None:
    result = cli("check", files("a.csv", GOOD), files("b.csv", BAD))
    assert result.exit_code == 1


def test_a_file_that_cannot_be_read_beats_a_failing_one(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.csv"
    result = cli("check", files("a.csv", GOOD), missing, files("b.csv", BAD), "--format", "json")
    assert result.exit_code == 3
    assert result.stderr.count("csvcheck: error:") == 1
    assert f"{missing}: no such file" in result.stderr
    combined = report_of(result)
    assert paths_of(combined) == ["a.csv", "b.csv"]
    assert combined["errors"] == [{"path": str(missing), "message": f"{missing}: no such file"}]
    assert combined["valid"] is False


def test_every_file_is_checked_after_one_that_cannot_be(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    binary = tmp_path / "workbook.csv"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = cli("check", binary, files("b.csv", BAD), "--format", "json")
    assert result.exit_code == 3
    assert paths_of(report_of(result)) == ["b.csv"]


def test_combined_json_sums_stats_and_keeps_each_report(
    cli: Run, files: Callable[..., Path]
) -> None:
    result = cli("check", files("a.csv", GOOD), files("b.csv", BAD), "--format", "json")
    combined = report_of(result)
    assert combined["version"] == 1
    assert combined["files"] == 2
    assert [r["valid"] for r in combined["reports"]] == [True, False]
    assert combined["stats"] == {"total": 4, "success": 3, "duplicate": 0, "failed": 1}
    assert combined["valid"] is False
    assert combined["errors"] == []


def test_one_file_still_gives_the_single_report_object(
    cli: Run, files: Callable[..., Path]
) -> None:
    report = report_of(cli("check", files("a.csv", GOOD), "--format", "json"))
    assert "reports" not in report
    assert report["stats"]["total"] == 2


def test_a_folder_checks_every_csv_in_it_sorted_not_subfolders(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    files("data/b.csv", GOOD)
    files("data/a.CSV", BAD)
    files("data/notes.txt", "not a csv")
    files("data/deeper/c.csv", GOOD)
    result = cli("check", tmp_path / "data", "--format", "json")
    assert result.exit_code == 1
    assert paths_of(report_of(result)) == ["a.CSV", "b.csv"]


def test_a_folder_with_one_file_gives_the_combined_shape(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    files("data/a.csv", GOOD)
    combined = report_of(cli("check", tmp_path / "data", "--format", "json"))
    assert paths_of(combined) == ["a.csv"]


def test_a_folder_without_csv_files_cannot_be_checked(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("check", tmp_path / "empty")
    assert result.exit_code == 3
    assert f"{tmp_path / 'empty'}: no .csv file here" in result.stderr


def test_a_quoted_glob_pattern_is_expanded(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    files("x1.csv", GOOD)
    files("x2.csv", GOOD)
    files("y.csv", BAD)
    result = cli("check", str(tmp_path / "x*.csv"), "--format", "json")
    assert result.exit_code == 0
    assert paths_of(report_of(result)) == ["x1.csv", "x2.csv"]


def test_a_file_named_twice_is_checked_once(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    path = files("a.csv", GOOD)
    result = cli("check", path, tmp_path, "--format", "json")
    assert paths_of(report_of(result)) == ["a.csv"]


def test_standard_input_only_once(cli: Run) -> None:
    result = cli("check", "-", "-", input=GOOD)
    assert result.exit_code == 2
    assert "standard input (-) can be checked only once" in result.stderr


def test_standard_input_beside_a_file(cli: Run, files: Callable[..., Path]) -> None:
    result = cli("check", files("a.csv", GOOD), "-", "--format", "json", input=BAD)
    assert result.exit_code == 1
    assert [r["input"]["path"] for r in report_of(result)["reports"]][1] == "-"


def test_out_writes_each_files_outputs_under_its_stem(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("check", files("a.csv", GOOD), files("b.csv", BAD), "--out", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "a.clean.csv",
        "a.rejects.csv",
        "a.report.json",
        "b.clean.csv",
        "b.rejects.csv",
        "b.report.json",
    ]
    assert json.loads((out / "b.report.json").read_text())["stats"]["failed"] == 1


def test_out_refuses_two_inputs_with_the_same_stem(
    cli: Run, files: Callable[..., Path], tmp_path: Path
) -> None:
    first, second = files("x/contacts.csv", GOOD), files("y/Contacts.csv", BAD)
    out = tmp_path / "out"
    result = cli("check", first, second, "--out", out)
    assert result.exit_code == 2
    assert f"{first} and {second} would both write Contacts.* into --out" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("output_format", ["github", "junit", "sarif"])
def test_ci_formats_give_one_document_for_all_files(
    cli: Run, files: Callable[..., Path], output_format: str
) -> None:
    result = cli("check", files("a.csv", BAD), files("b.csv", BAD), "--format", output_format)
    assert result.exit_code == 1
    if output_format == "github":
        assert result.stdout.count("title=invalid-number") == 2
        assert result.stdout.count("csvcheck: 2 files") == 1
    elif output_format == "junit":
        root = ET.fromstring(result.stdout.encode())
        assert root.tag == "testsuites"
        assert len(root.findall("testsuite")) == 2
    else:
        log = json.loads(result.stdout)
        assert len(log["runs"]) == 1
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1]
            for r in log["runs"][0]["results"]
        }
        assert uris == {"a.csv", "b.csv"}


def test_ci_formats_print_summaries_on_stderr(cli: Run, files: Callable[..., Path]) -> None:
    result = cli("check", files("a.csv", GOOD), files("b.csv", BAD), "--format", "sarif")
    assert "a.csv: PASS (total 2" in result.stderr
    assert "b.csv: FAIL (total 2" in result.stderr


def test_single_missing_file_is_one_line_and_exit_3(cli: Run, tmp_path: Path) -> None:
    result = cli("check", tmp_path / "nope.csv", "--format", "json")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"csvcheck: error: {tmp_path / 'nope.csv'}: no such file\n"
