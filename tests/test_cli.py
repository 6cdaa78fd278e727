"""`csvcheck check` as a user runs it: output streams, formats, exit codes, --out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from click.testing import Result

from csvcheck.errors import OutputError
from csvcheck.output import atomic_write

from .conftest import SAMPLES, report_of

Cli = Callable[..., Result]
WriteCsv = Callable[..., Path]

GOOD = "number,first_name\n+919876543210,Asha\n+919845012345,Ravi\n"
BAD = "Mobile,First Name\n98765 43210,Asha\n12345,Ravi\n98765-43210,Dup\n"


def test_passing_file_exits_0_with_a_readable_report(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(GOOD))
    assert result.exit_code == 0
    assert "PASS" in result.stdout
    assert "total 2, success 2, duplicate 0, failed 0" in result.stdout


def test_failing_file_exits_1_and_says_which_lines_fail(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(BAD))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    assert "line 3 [Mobile] '12345'" in result.stdout
    assert "duplicate of line 2" in result.stdout


def test_json_format_prints_only_the_report_on_stdout(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(BAD), "--format", "json")
    report = report_of(result)
    assert report["version"] == 1
    assert report["stats"] == {"total": 3, "success": 1, "duplicate": 1, "failed": 1}
    assert report["valid"] is False
    assert report["columns"]["renamed"] == {"Mobile": "number", "First Name": "first_name"}
    assert report["options"] == {"type": "static", "region": "IN", "existing": 0, "strict": False}
    invalid = next(f for f in report["findings"] if f["code"] == "invalid-number")
    assert invalid["examples"] == [
        {
            "line": 3,
            "column": "Mobile",
            "value": "12345",
            "detail": "'12345' is not a valid phone number (default region IN)",
        }
    ]
    assert "FAIL" in result.stderr


def test_out_writes_clean_rejects_and_report(cli: Cli, write_csv: WriteCsv, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("check", write_csv(BAD), "--out", out, "--format", "json")
    assert result.exit_code == 1
    clean = (out / "contacts.clean.csv").read_bytes()
    assert clean == b"number,first_name\n+919876543210,Asha\n"
    rejects = pl.read_csv(out / "contacts.rejects.csv", infer_schema=False)
    assert rejects.columns == ["line", "reason", "detail", "Mobile", "First Name"]
    assert rejects.select("line", "reason", "Mobile").rows() == [
        ("3", "invalid-number", "12345"),
        ("4", "duplicate-number", "98765-43210"),
    ]
    written = json.loads((out / "contacts.report.json").read_text())
    assert written["outputs"]["clean"] == [str(out / "contacts.clean.csv")]
    assert written["outputs"]["rejects"] == str(out / "contacts.rejects.csv")
    assert report_of(result)["outputs"] == written["outputs"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_without_out_nothing_is_written(cli: Cli, write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv(BAD)
    cli("check", path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_clean_output_is_utf8_without_bom_and_number_first(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv("\ufeffFirst Name,Phone\nJosé,9876543210\n")
    cli("check", path, "--out", tmp_path / "o")
    assert (
        tmp_path / "o" / "contacts.clean.csv"
    ).read_bytes() == "number,first_name\n+919876543210,José\n".encode()


def test_outputs_never_overwrite_the_input(tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(GOOD)
    with pytest.raises(OutputError, match="overwrite the input"):
        atomic_write(source, lambda handle: handle.write(b"x"), protect=source)
    assert source.read_text() == GOOD


def test_stdin_is_read_for_dash(cli: Cli) -> None:
    result = cli("check", "-", "--format", "json", input=GOOD.encode())
    assert report_of(result)["stats"]["success"] == 2


def test_strict_turns_fixes_into_a_failure(cli: Cli, write_csv: WriteCsv) -> None:
    path = write_csv("number\n98765 43210\n")
    assert cli("check", path).exit_code == 0
    assert cli("check", path, "--strict").exit_code == 1


def test_missing_file_exits_3_with_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", tmp_path / "nope.csv")
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        f"csvcheck: error: {tmp_path / 'nope.csv'}: no such file"
    ]
    assert result.stdout == ""


def test_excel_workbook_exits_3_and_says_what_to_do(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(b"PK\x03\x04\x14\x00\x06\x00rest-of-xlsx", name="contacts.csv"))
    assert result.exit_code == 3
    assert "Excel workbook" in result.stderr
    assert "CSV UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "list"],
        ["--region", "XX"],
        ["--existing", "-1"],
        ["--map", "number"],
        ["--map", "number=NoSuchColumn"],
        ["--format", "yaml"],
        ["--max-rows", "0"],
    ],
)
def test_bad_options_exit_2(cli: Cli, write_csv: WriteCsv, args: list[str]) -> None:
    result = cli("check", write_csv(GOOD), *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_map_option_chooses_the_number_column(cli: Cli, write_csv: WriteCsv) -> None:
    path = write_csv("Landline,Name\n02223456789,Office\n")
    result = cli("check", path, "--map", "number=Landline", "--format", "json")
    report = report_of(result)
    assert report["columns"]["renamed"] == {"Landline": "number"}
    assert report["stats"]["success"] == 1


def test_dynamic_type_option(cli: Cli) -> None:
    result = cli(
        "check", SAMPLES / "too_many_variables.csv", "--type", "dynamic", "--format", "json"
    )
    assert result.exit_code == 1
    codes = {f["code"] for f in report_of(result)["findings"]}
    assert {"too-many-variables", "invalid-variable-name"} <= codes


def test_max_rows_option_overrides_the_cap(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(GOOD), "--max-rows", "1", "--format", "json")
    split = next(f for f in report_of(result)["findings"] if f["code"] == "split")
    assert split["count"] == 2


def test_version_option(cli: Cli) -> None:
    assert cli("--version").stdout.startswith("csvcheck, version ")


RULES_THROUGH_CLI = [
    ("number\n98765 43210\n", [], 0, {"number-normalized"}),
    ("number\n12345\n", [], 1, {"invalid-number"}),
    ("number,first_name\n,A\n", [], 1, {"missing-number"}),
    ('number\n"9.19877E+11"\n', [], 1, {"excel-mangled-number"}),
    ("number\n9876543210\n+919876543210\n", [], 1, {"duplicate-number", "number-normalized"}),
    ("name\nAsha\n", [], 1, {"missing-number-column", "unknown-column"}),
    ("Mobile Number\n+919876543210\n", [], 0, {"header-renamed"}),
    ("number,city\n+919876543210,Pune\n", [], 0, {"unknown-column"}),
    ("number,city\n+919876543210,Pune\n", ["--type", "dynamic"], 0, set()),
    ("number,a b\n+919876543210,1\n", ["--type", "dynamic"], 1, {"invalid-variable-name"}),
    (
        "number,a,b,c,d,e,f\n+919876543210,1,2,3,4,5,6\n",
        ["--type", "dynamic"],
        1,
        {"too-many-variables"},
    ),
    (
        "number,a,b,c,d,e,f\n+919876543210,1,2,3,4,5,6\n",
        ["--type", "dynamic", "--max-variables", "6"],
        0,
        set(),
    ),
    ("number,number\n+919876543210,+919845012345\n", [], 1, {"duplicate-header"}),
    ("number,\n+919876543210,\n", [], 0, {"blank-header"}),
    ("number,email\n+919876543210,nope\n", [], 0, {"invalid-email"}),
    ("number,first_name\n+919876543210,=2+2\n", [], 0, {"formula-like-value"}),
    (f"number,first_name\n+919876543210,{'y' * 300}\n", [], 0, {"value-too-long"}),
    ("number,first_name\n+919876543210, A \n", [], 0, {"value-trimmed"}),
    ("number,first_name\n+919876543210,Jos\ufffd\n", [], 0, {"replacement-character"}),
    ("number\n+919876543210\n\n", [], 0, {"blank-row"}),
    ("number,first_name\n+919876543210\n", [], 1, {"ragged-row"}),
    ("number\n+919876543210\n+919845012345\n", ["--max-rows", "1"], 0, {"split"}),
    ("number\n+919876543210\n", ["--existing", "100000"], 1, {"too-many-rows"}),
    ("number\n+919876543210\n", ["--max-bytes", "10"], 1, {"file-too-large"}),
    ("number\n", [], 1, {"no-records"}),
    ("", [], 1, {"empty-file"}),
    ("\ufeffnumber\n+919876543210\n", [], 0, {"bom-removed"}),
]


@pytest.mark.parametrize(("text", "args", "exit_code", "expected"), RULES_THROUGH_CLI)
def test_each_rule_through_the_cli(
    cli: Cli, write_csv: WriteCsv, text: str, args: list[str], exit_code: int, expected: set[str]
) -> None:
    result = cli("check", write_csv(text), "--format", "json", *args)
    report = report_of(result)
    assert {f["code"] for f in report["findings"]} == expected
    assert result.exit_code == exit_code
    stats = report["stats"]
    assert stats["total"] == stats["success"] + stats["duplicate"] + stats["failed"]
