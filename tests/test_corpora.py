"""Public corpora: csv-spectrum parses to its expected JSON; every frictionless-py file gives a
report or a one-line error, and its structural problems are reported where they are."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from csvcheck.read import field_name, parse
from csvcheck.sniff import sniff

from .conftest import CORPORA, report_of

Cli = Callable[..., Result]

SPECTRUM = CORPORA / "csv-spectrum"
FRICTIONLESS = CORPORA / "frictionless-py" / "data"
SPECTRUM_NAMES = sorted(p.stem for p in (SPECTRUM / "csvs").glob("*.csv"))
FRICTIONLESS_FILES = sorted(
    str(p.relative_to(FRICTIONLESS)) for p in FRICTIONLESS.rglob("*") if p.is_file()
)
UPSTREAM_MISMATCH = {"location_coordinates"}


def records_as_dicts(data: bytes) -> list[dict[str, str | None]]:
    parsed = parse(sniff(data))
    return [
        {name: record[field_name(i)] for i, name in enumerate(parsed.header)}
        for record in parsed.records.to_dicts()
    ]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(reason="upstream JSON does not match its CSV", strict=True),
        )
        if n in UPSTREAM_MISMATCH
        else n
        for n in SPECTRUM_NAMES
    ],
)
def test_csv_spectrum_parses_to_its_expected_json(corpora: Path, name: str) -> None:
    data = (SPECTRUM / "csvs" / f"{name}.csv").read_bytes()
    expected = json.loads((SPECTRUM / "json" / f"{name}.json").read_text(encoding="utf-8"))
    assert records_as_dicts(data) == expected


def check_json(cli: Cli, path: Path, *args: str) -> tuple[Result, dict[str, Any] | None]:
    result = cli("check", path, "--format", "json", *args)
    return result, report_of(result) if result.exit_code in (0, 1) else None


def codes_at(report: dict[str, Any], code: str) -> list[int | None]:
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, f"{code} not reported: {[f['code'] for f in report['findings']]}"
    return [e.get("line") for e in found[0]["examples"]]


@pytest.mark.parametrize("list_type", ["static", "dynamic"])
@pytest.mark.parametrize("name", FRICTIONLESS_FILES)
def test_every_frictionless_file_gives_a_report_or_a_one_line_error(
    corpora: Path, cli: Cli, name: str, list_type: str
) -> None:
    result, report = check_json(cli, FRICTIONLESS / name, "--type", list_type)
    if report is None:
        assert result.exit_code == 3
        assert result.stderr.startswith("csvcheck: error: ")
        assert result.stderr.count("\n") == 1
        return
    stats = report["stats"]
    assert stats["total"] == stats["success"] + stats["duplicate"] + stats["failed"]
    blank = sum(f["count"] for f in report["findings"] if f["code"] == "blank-row")
    assert stats["total"] == report["input"]["records"] - blank


def test_invalid_csv_reports_each_structural_problem_at_its_place(corpora: Path, cli: Cli) -> None:
    _, report = check_json(cli, FRICTIONLESS / "invalid.csv", "--type", "dynamic")
    assert report is not None
    assert report["columns"]["input"] == ["id", "name", "", "name"]
    blank_header = next(f for f in report["findings"] if f["code"] == "blank-header")
    assert blank_header["examples"][0]["column"] == "column 3"
    assert codes_at(report, "duplicate-header") == [None, None]
    assert codes_at(report, "ragged-row") == [2, 3, 5]
    assert codes_at(report, "blank-row") == [4]


@pytest.mark.parametrize(
    ("name", "duplicated"),
    [("duplicate-headers.csv", "id"), ("duplicate-column.csv", "B")],
)
def test_duplicate_headers_are_reported_not_renamed(
    corpora: Path, cli: Cli, name: str, duplicated: str
) -> None:
    _, report = check_json(cli, FRICTIONLESS / name, "--type", "dynamic")
    assert report is not None
    assert report["columns"]["input"].count(duplicated) >= 2
    assert codes_at(report, "duplicate-header") == [None] * report["columns"]["input"].count(
        duplicated
    )


def test_blank_headers_are_reported(corpora: Path, cli: Cli) -> None:
    _, report = check_json(cli, FRICTIONLESS / "blank-headers.csv")
    assert report is not None
    assert report["columns"]["input"] == ["id", "", "age"]
    assert codes_at(report, "blank-header") == [None]


@pytest.mark.parametrize(
    ("name", "ragged", "blank"),
    [
        ("defective-rows.csv", [2, 3], []),
        ("structure-errors.csv", [5], [4]),
        ("without-headers-extra.csv", [3], []),
        ("blank-rows.csv", [], [4]),
        ("blank-rows-no-fields.csv", [], [3]),
        ("skip-blank-at-the-end.csv", [2], [4]),
    ],
)
def test_ragged_and_blank_rows_are_reported_with_their_lines(
    corpora: Path, cli: Cli, name: str, ragged: list[int], blank: list[int]
) -> None:
    _, report = check_json(cli, FRICTIONLESS / name, "--type", "dynamic")
    assert report is not None
    if ragged:
        assert codes_at(report, "ragged-row") == ragged
    if blank:
        assert codes_at(report, "blank-row") == blank
    assert report["stats"]["total"] == report["input"]["records"] - len(blank)


def test_many_blank_rows_are_counted_not_contacts(corpora: Path, cli: Cli) -> None:
    _, report = check_json(cli, FRICTIONLESS / "blank-rows-multiple.csv", "--type", "dynamic")
    assert report is not None
    blank = next(f for f in report["findings"] if f["code"] == "blank-row")
    assert report["stats"]["total"] == report["input"]["records"] - blank["count"] == 2


def test_bom_is_stripped_and_cjk_survives(corpora: Path) -> None:
    sniffed = sniff((FRICTIONLESS / "bom.csv").read_bytes())
    parsed = parse(sniffed)
    assert sniffed.bom
    assert parsed.header == ("id", "name")
    assert "中国人" in parsed.records.get_column("c1").to_list()


@pytest.mark.parametrize(
    ("name", "encoding", "header", "value"),
    [
        ("latin1.csv", "cp1252", ("id", "name"), "©"),
        ("table-with-accents.csv", "cp1252", None, "Année"),
    ],
)
def test_single_byte_encodings_are_decoded(
    corpora: Path, name: str, encoding: str, header: tuple[str, ...] | None, value: str
) -> None:
    sniffed = sniff((FRICTIONLESS / name).read_bytes())
    parsed = parse(sniffed)
    assert sniffed.encoding == encoding
    if header is not None:
        assert parsed.header == header
    assert value in parsed.header or value in parsed.records.get_column("c1").to_list()


def test_greek_iso_8859_7_is_reported_as_converted_and_readable_with_the_override(
    corpora: Path, cli: Cli
) -> None:
    path = FRICTIONLESS / "table-infer-iso-8859-7.csv"
    _, report = check_json(cli, path)
    assert report is not None
    assert "encoding-converted" in {f["code"] for f in report["findings"]}
    names = parse(sniff(path.read_bytes(), encoding="iso-8859-7")).records.get_column("c2")
    assert "Λεωνιδας" in names.to_list()


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [
        ("delimiter.csv", ";"),
        ("issue-1009-semicolon.csv", ";"),
        ("table-with-accents.csv", ";"),
        ("dialect.csv", "|"),
        ("table.tsv", "\t"),
        ("issue-1478/table.csv", "|"),
    ],
)
def test_other_delimiters_are_detected(corpora: Path, name: str, delimiter: str) -> None:
    assert sniff((FRICTIONLESS / name).read_bytes()).delimiter == delimiter


def test_mixed_crlf_and_lf_rows_are_read_correctly(corpora: Path) -> None:
    sniffed = sniff((FRICTIONLESS / "issue-1478" / "table.csv").read_bytes())
    records = parse(sniffed).records
    assert sniffed.line_endings == "mixed"
    assert records.height == 9
    assert records.get_column("_fields").to_list() == [4] * 9
    assert not any("\r" in v for v in records.get_column("c3").to_list())


def test_leading_zeros_stay_text(corpora: Path) -> None:
    records = parse(sniff((FRICTIONLESS / "leading-zeros.csv").read_bytes())).records
    assert records.get_column("c0").to_list() == ["01", "002", "00003"]


@pytest.mark.parametrize(
    ("name", "says"),
    [("compression/implicit-gz.csv", "gzip"), ("compression/implicit-zip.csv", "ZIP archive")],
)
def test_compressed_files_are_not_text(corpora: Path, cli: Cli, name: str, says: str) -> None:
    result = cli("check", FRICTIONLESS / name)
    assert result.exit_code == 3
    assert says in result.stderr


def test_empty_and_header_only_files_get_a_clear_finding(corpora: Path, cli: Cli) -> None:
    _, empty = check_json(cli, FRICTIONLESS / "empty.csv")
    _, header_only = check_json(cli, FRICTIONLESS / "without-rows.csv")
    assert empty is not None
    assert header_only is not None
    assert "empty-file" in {f["code"] for f in empty["findings"]}
    assert "no-records" in {f["code"] for f in header_only["findings"]}
