"""Records with physical line numbers: never padded, truncated or merged, whatever the file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import csvcheck
from csvcheck.read import Parsed, parse, parse_fast, parse_utf8, parse_with_csv
from csvcheck.sniff import sniff
from csvcheck.structure import FIELD_SIZE_LIMIT, _start_of_last_lines, _text_line_count

from .conftest import SAMPLES, report_of

Cli = Callable[..., Result]
WriteCsv = Callable[..., Path]


def read(text: str, delimiter: str | None = None) -> Parsed:
    return parse(sniff(text.encode(), delimiter=delimiter))


def rows(parsed: Parsed) -> list[dict[str, Any]]:
    return parsed.records.to_dicts()


def check(data: str | bytes, **options: Any) -> csvcheck.CheckResult:
    raw = data.encode() if isinstance(data, str) else data
    return csvcheck.check_bytes(raw, rules=csvcheck.Rules(**options))


def finding(result: csvcheck.CheckResult, code: str) -> csvcheck.Finding:
    found = result.report.finding(csvcheck.Code(code))
    assert found is not None, result.report.codes
    return found


# ---------------------------------------------------------------- line endings


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_every_line_ending_gives_the_same_records_and_lines(eol: str) -> None:
    text = eol.join(["number,name", "1,a", '2,"b', 'c"', "", "3,d"]) + eol
    parsed = read(text)
    assert parsed.header == ("number", "name")
    assert [(r["_line"], r["_fields"], r["c0"]) for r in rows(parsed)] == [
        (2, 2, "1"),
        (3, 2, "2"),
        (5, 0, None),
        (6, 2, "3"),
    ]
    assert rows(parsed)[1]["c1"] == f"b{eol}c"


def test_mixed_line_endings_are_each_a_line_break() -> None:
    parsed = read("number,name\r\n1,a\n2,b\r3,c\r\n")
    assert [(r["_line"], r["c0"], r["c1"]) for r in rows(parsed)] == [
        (2, "1", "a"),
        (3, "2", "b"),
        (4, "3", "c"),
    ]


def test_crlf_mixed_with_lf_keeps_values_free_of_carriage_returns() -> None:
    parsed = read("a|b\r\n1|x\n2|y\r\n")
    assert [r["c1"] for r in rows(parsed)] == ["x", "y"]


# ---------------------------------------------------------------- structure


def test_a_quoted_newline_keeps_the_record_on_the_line_where_it_starts() -> None:
    parsed = read('number,notes\n1,"two\nlines"\n2,"three\n\nlines"\n3,x\n')
    assert [(r["_line"], r["c1"]) for r in rows(parsed)] == [
        (2, "two\nlines"),
        (4, "three\n\nlines"),
        (7, "x"),
    ]


def test_commas_and_doubled_quotes_inside_quotes_are_values() -> None:
    parsed = read('number,name\n1,"Rao, Asha ""AR"""\n')
    assert rows(parsed)[0]["c1"] == 'Rao, Asha "AR"'


def test_short_records_are_not_padded_and_long_ones_not_truncated() -> None:
    parsed = read('a,b,c\n1,2\n1,2,3,4,"5,6"\n1,2,3\n')
    assert [(r["_fields"], r["c2"], r["_extra"]) for r in rows(parsed)] == [
        (2, None, None),
        (5, "3", ["4", "5,6"]),
        (3, "3", None),
    ]


def test_blank_lines_are_records_with_no_fields() -> None:
    parsed = read("a,b\n\n1,2\n\n")
    assert [(r["_line"], r["_fields"]) for r in rows(parsed)] == [(2, 0), (3, 2), (4, 0)]


def test_blank_lines_before_the_header_are_skipped_and_lines_still_count() -> None:
    parsed = read("\n,,\n\nnumber,name\n1,a\n")
    assert (parsed.header, parsed.header_line) == (("number", "name"), 4)
    assert rows(parsed)[0]["_line"] == 5


def test_a_quote_inside_an_unquoted_field_is_a_literal_character() -> None:
    parsed = read("number,height\n1,5'10\" tall\n2,6'\n")
    assert [(r["_line"], r["c1"]) for r in rows(parsed)] == [(2, "5'10\" tall"), (3, "6'")]


def test_header_cells_are_kept_as_written_blank_and_duplicate_ones_too() -> None:
    parsed = read("id,,name,name\n1,2,3,4\n")
    assert parsed.header == ("id", "", "name", "name")


# ---------------------------------------------------------------- the fast reader


def test_the_fast_reader_takes_ordinary_files_with_quoted_commas() -> None:
    text = 'number,name\r\n+919876543210,"Rao, Asha"\r\n+919876543211,Ravi\r\n'
    assert parse_fast(text.encode(), ",") is not None


@pytest.mark.parametrize(
    "text",
    ['a,b\n1,"open\n', 'a,b\n1,x"y\n', 'a,b\n"x" ,1\n'],
    ids=["unclosed-quote", "quote-mid-field", "text-after-closing-quote"],
)
def test_the_fast_reader_hands_irregular_quoting_to_the_csv_reader(text: str) -> None:
    assert parse_fast(text.encode(), ",") is None


FIELD = st.one_of(
    st.text(alphabet="ab ;é\x00", max_size=4),
    st.text(alphabet='ab;,"\n\r ', max_size=5).map(lambda s: '"' + s.replace('"', '""') + '"'),
    st.text(alphabet='ab;"', max_size=3),
)
RECORDS = st.lists(st.lists(FIELD, max_size=4).map(";".join), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=RECORDS, eol=st.sampled_from(["\n", "\r\n", "\r"]), final=st.booleans())
def test_the_fast_reader_reads_exactly_what_the_csv_module_reads(
    records: list[str], eol: str, final: bool
) -> None:
    text = eol.join(records) + (eol if final else "")
    fast = parse_fast(text.encode(), ";")
    if fast is None:
        return
    slow = parse_with_csv(text, ";")
    assert (fast.header, fast.header_line) == (slow.header, slow.header_line)
    assert_frame_equal(fast.records, slow.records)


# ---------------------------------------------------------------- broken files


def test_an_unclosed_quote_is_reported_at_the_line_where_it_opens() -> None:
    text = 'number,name\n9876543210,Asha\n9876543211,"Ravi\n9876543212,Mira\n9876543213,Dev\n'
    result = check(text)
    found = finding(result, "unbalanced-quote")
    assert found.examples[0].line == 3
    assert found.examples[0].detail is not None
    assert "lines 3 to 5 (3 lines)" in found.examples[0].detail
    rejected = result.rejects.row(0, named=True)
    assert (rejected["line"], rejected["reason"]) == (3, "unbalanced-quote")
    assert result.report.stats.total == 2


def test_a_stray_quote_closed_lines_later_is_reported_where_it_opens() -> None:
    text = (
        'number,name,city\n9876543210,"Asha,Pune\n9876543211,Ravi,Goa\n'
        '9876543212,Mira\n9876543213,Dev,"Agra\n9876543214,Lata,Pune\n'
    )
    result = check(text)
    found = finding(result, "unbalanced-quote")
    assert found.examples[0].line == 2
    assert found.examples[0].detail is not None
    assert "runs from line 2 to line 5" in found.examples[0].detail
    assert result.rejects.get_column("reason").to_list() == ["unbalanced-quote;ragged-row"]


def test_a_stray_quote_closed_lines_later_with_text_after_it_is_an_error() -> None:
    text = (
        'number,name,city\n9876543210,"Asha,Pune\n9876543211,Ravi,Goa\n'
        '9876543212,Mira" Rao,Delhi\n9876543213,Dev,Agra\n'
    )
    result = check(text)
    found = finding(result, "unbalanced-quote")
    assert found.examples[0].line == 2
    assert "line 2 to line 4 with text after its closing quote" in (found.examples[0].detail or "")
    assert result.rejects.get_column("line").to_list() == [2]
    assert result.report.stats.success == 1


def test_a_quoted_field_over_several_lines_is_kept_with_a_warning() -> None:
    text = 'number,name,city\n9876543210,"Asha,Pune\n9876543211,Ravi",Goa\n9876543212,Mira,Agra\n'
    result = check(text)
    found = finding(result, "multiline-field")
    assert (found.severity, found.examples[0].line) == ("warning", 2)
    assert "up to line 3, are contacts hidden inside it" in (found.examples[0].value or "")
    assert result.report.stats.success == 2


def test_an_unclosed_quote_in_the_header_is_a_one_line_error(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv('"number,name\n9876543210,Asha\n'))
    assert result.exit_code == 3
    assert "line 1: a quote opened in the header is never closed" in result.stderr


def test_nul_bytes_reject_their_record() -> None:
    result = check(b"number,name\n9876543210,As\x00ha\n9876543211,Ravi\n")
    assert finding(result, "nul-byte").examples[0].line == 2
    assert result.rejects.get_column("line").to_list() == [2]
    assert result.report.stats.success == 1


def test_a_field_over_the_size_bound_rejects_its_record() -> None:
    big = "x" * (FIELD_SIZE_LIMIT + 1)
    result = check(f"number,notes\n9876543210,{big}\n9876543211,ok\n")
    assert finding(result, "field-too-large").examples[0].line == 2
    assert result.report.stats.success == 1


def test_ragged_and_blank_rows_are_reported_with_their_lines() -> None:
    result = check("number,name\n9876543210,Asha,extra\n\n,\n9876543211\n9876543212,Mira\n")
    assert [e.line for e in finding(result, "ragged-row").examples] == [2, 5]
    assert [e.line for e in finding(result, "blank-row").examples] == [3, 4]
    assert result.report.stats.total == 3


# ---------------------------------------------------------------- empty input


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\r\n,,\r\n"], ids=["no-bytes", "lf", "commas"])
def test_a_file_with_no_header_is_empty(data: bytes) -> None:
    result = check(data)
    errors = [f.code for f in result.report.findings if f.severity == "error"]
    assert errors == ["empty-file"]
    assert result.report.stats.total == 0


def test_a_header_only_file_has_no_records() -> None:
    result = check("number,name\n")
    assert "no-records" in result.report.codes
    assert result.report.input.records == 0


def test_the_dash_reads_standard_input(cli: Cli) -> None:
    result = cli("check", "-", "--format", "json", input=b"number;name\r\n9876543210;Jos\xe9\r\n")
    report = report_of(result)
    assert report["input"]["path"] == "-"
    assert (report["input"]["encoding"], report["input"]["delimiter"]) == ("cp1252", ";")
    assert report["stats"]["success"] == 1


def test_the_reader_matches_python_csv_on_a_realistic_file() -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "name", "notes"])
    writer.writerows([f"98765432{i:02d}", f"N{i}", f"a, b\n{i}" * (i % 2)] for i in range(50))
    parsed = read(out.getvalue())
    expected = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    got = parsed.records.select(pl.concat_list("c0", "c1", "c2")).to_series().to_list()
    assert got == expected


# ---------------------------------------------------------------- sample files


def test_sample_old_mac_file_with_cr_line_endings_is_read(cli: Cli) -> None:
    report = report_of(cli("check", SAMPLES / "old_mac_cr.csv", "--format", "json"))
    assert report["input"]["line_endings"] == "CR"
    assert report["stats"] == {"total": 3, "success": 3, "duplicate": 0, "failed": 0}


def test_sample_broken_structure_file_reports_every_problem_at_its_line(cli: Cli) -> None:
    result = cli("check", SAMPLES / "broken_structure.csv", "--format", "json")
    report = report_of(result)
    lines = {
        f["code"]: [e.get("line") for e in f["examples"]]
        for f in report["findings"]
        if f["code"] in {"ragged-row", "blank-row", "unbalanced-quote"}
    }
    assert lines == {"ragged-row": [3, 5, 8], "blank-row": [4, 6], "unbalanced-quote": [8]}
    assert report["stats"] == {"total": 5, "success": 2, "duplicate": 0, "failed": 3}
    assert result.exit_code == 1


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "\n", "\r", "\r\n"]), max_size=12).map("".join))
def test_the_last_lines_are_found_from_the_end_of_any_mix_of_line_breaks(text: str) -> None:
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    starts = [0, *breaks[: _text_line_count(text) - 1]]
    for count in range(1, len(starts) + 1):
        assert _start_of_last_lines(text, count) == starts[-count]


def test_a_record_with_thousands_of_fields_is_read_without_a_frame_that_wide() -> None:
    parsed = read("number,name\n9876543210,Asha\n9876543211," + ",".join(["x"] * 5000) + "\n")
    assert parsed.records.width == 5
    assert parsed.records.get_column("_fields").to_list() == [2, 5001]
    assert len(parsed.records.get_column("_extra").to_list()[1]) == 4999


@pytest.mark.parametrize("delimiter", [".", "\\", "^", " ", "§", "\uff1b"])
def test_any_one_character_delimiter_is_read(delimiter: str) -> None:
    text = f'number{delimiter}name\n9876543210{delimiter}"a{delimiter}b"\n'
    parsed = read(text, delimiter=delimiter)
    assert parsed.header == ("number", "name")
    assert rows(parsed)[0]["c1"] == f"a{delimiter}b"


def test_a_line_offset_moves_every_line_number_and_message() -> None:
    text = 'number,name\n9876543210,"A\nB",x\n9876543211,"open\n9876543212,C\n'
    parsed = parse(sniff(text.encode()), line_offset=100)
    assert parsed.header_line == 101
    assert parsed.records.get_column("_line").to_list() == [102, 104]
    problems = parsed.problems.rows()
    assert [(line, code) for line, code, _ in problems] == [
        (104, "unbalanced-quote"),
        (102, "unbalanced-quote"),
    ]
    assert "lines 104 to 105" in problems[0][2]
    assert "from line 102 to line 103" in problems[1][2]


# ---------------------------------------------------------------- text without quotes


def same_as_the_csv_module(text: str, delimiter: str = ",") -> Parsed:
    """The fast reader's records for text, after checking they are the csv module's."""
    fast = parse_fast(text.encode(), delimiter)
    assert fast is not None
    slow = parse_with_csv(text, delimiter)
    assert (fast.header, fast.header_line) == (slow.header, slow.header_line)
    assert_frame_equal(fast.records, slow.records)
    return fast


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_without_quotes_blank_lines_are_records_with_no_fields(eol: str) -> None:
    text = eol.join(["number,name", "", "1,a", "", "", "2,b", ",", " ", ""])
    parsed = same_as_the_csv_module(text)
    assert [(r["_line"], r["_fields"]) for r in rows(parsed)] == [
        (2, 0),
        (3, 2),
        (4, 0),
        (5, 0),
        (6, 2),
        (7, 2),
        (8, 1),
    ]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_without_quotes_a_header_after_blank_lines_keeps_line_numbers(eol: str) -> None:
    parsed = same_as_the_csv_module(eol.join(["", ",,", " , \t", "number,name", "1,a", "2"]))
    assert (parsed.header, parsed.header_line) == (("number", "name"), 4)
    assert [(r["_line"], r["_fields"], r["c1"]) for r in rows(parsed)] == [
        (5, 2, "a"),
        (6, 1, None),
    ]


def test_without_quotes_a_trailing_empty_field_is_a_field() -> None:
    parsed = same_as_the_csv_module("a,b,c\n1,2,\n1,2\n1,2,,\n,,\n")
    assert [(r["_fields"], r["c2"], r["_extra"]) for r in rows(parsed)] == [
        (3, "", None),
        (2, None, None),
        (4, "", [""]),
        (3, "", None),
    ]


def test_without_quotes_records_longer_than_the_header_keep_every_field() -> None:
    parsed = same_as_the_csv_module("a;b\r1;2;3;4\r5\r6;7;8;9;10;11;12;13;14;15\r", ";")
    assert [(r["_fields"], r["_extra"]) for r in rows(parsed)] == [
        (4, ["3", "4"]),
        (1, None),
        (10, ["8", "9", "10", "11", "12", "13", "14", "15"]),
    ]


def test_without_quotes_a_batch_offset_moves_every_line() -> None:
    parsed = parse_fast(b"number,name\n\n1,a\n", ",", line_offset=40)
    assert parsed is not None
    assert parsed.header_line == 41
    assert parsed.records.get_column("_line").to_list() == [42, 43]


UNQUOTED_FIELD = st.text(alphabet="ab ;é\x00\x1c\t", max_size=4)
UNQUOTED_RECORDS = st.lists(
    st.lists(UNQUOTED_FIELD, max_size=6).map(";".join), min_size=1, max_size=10
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=UNQUOTED_RECORDS, eol=st.sampled_from(["\n", "\r\n", "\r"]), final=st.booleans())
def test_without_quotes_the_fast_reader_reads_exactly_what_the_csv_module_reads(
    records: list[str], eol: str, final: bool
) -> None:
    text = eol.join(records) + (eol if final else "")
    slow = parse_with_csv(text, ";")
    fast = parse_fast(text.encode(), ";")
    if (
        not slow.header
        or max(slow.records.get_column("_fields"), default=0) > 4 * len(slow.header) + 4
    ):
        return  # no header, or a record too wide: the csv reader's case
    assert fast is not None
    assert (fast.header, fast.header_line) == (slow.header, slow.header_line)
    assert_frame_equal(fast.records, slow.records)


def test_the_bytes_reader_gives_what_the_text_reader_gives() -> None:
    text = 'number,name\n9876543210,"A\nB",x\n9876543211,"open\n9876543212,C\n'
    from_text = parse(sniff(text.encode()), line_offset=7)
    from_bytes = parse_utf8(text.encode(), ",", line_offset=7)
    assert (from_bytes.header, from_bytes.header_line) == (from_text.header, from_text.header_line)
    assert_frame_equal(from_bytes.records, from_text.records)
    assert_frame_equal(from_bytes.problems, from_text.problems)
    assert len(from_bytes.problems) == 2


@pytest.mark.parametrize("at", [0, 1, FIELD_SIZE_LIMIT // 2 - 3, FIELD_SIZE_LIMIT // 2 + 1])
@pytest.mark.parametrize("delimiter", [",", "§"])
def test_a_field_over_the_size_bound_is_found_wherever_it_starts(at: int, delimiter: str) -> None:
    d = delimiter
    text = (
        f"number{d}notes\n" + f"1{d}x\n" * (at // 4) + f"2{d}" + "y" * (FIELD_SIZE_LIMIT + 1) + "\n"
    )
    text += f"3{d}z\n" * 200_000
    found = parse_utf8(text.encode(), delimiter).problems
    assert found.get_column("_code").to_list() == ["field-too-large"]
    assert found.get_column("_line").to_list() == [at // 4 + 2]


def test_a_large_file_of_short_fields_has_no_field_over_the_bound() -> None:
    text = "number,notes\n" + "9876543210,x\n" * (FIELD_SIZE_LIMIT // 10)
    assert parse_utf8(text.encode(), ",").problems.is_empty()


@pytest.mark.parametrize(
    "text",
    [
        "number,name\n1,a\n\n2,b\n",
        'number,name\r\n1,"a\r\nb"\r\n2,c',
        "number,name\r1,a\r\r2,b\r",
        "number,name\n1,a\r\n2,b\r3,c\n",
    ],
    ids=["lf", "crlf-quoted", "cr", "mixed"],
)
def test_line_breaks_counted_by_the_caller_give_what_counting_here_gives(text: str) -> None:
    data = text.encode()
    crlf = data.count(b"\r\n")
    counted = (crlf, data.count(b"\n") - crlf, data.count(b"\r") - crlf)
    own = parse_utf8(data, ",", line_offset=3)
    given = parse_utf8(data, ",", line_offset=3, line_breaks=counted)
    assert (given.header, given.header_line) == (own.header, own.header_line)
    assert_frame_equal(given.records, own.records)
    assert_frame_equal(given.problems, own.problems)


@pytest.mark.parametrize("text", ["number,name\n1,a\n\n2,b\n", 'number,name\n1,"a\nb"\n2,c\n'])
@pytest.mark.parametrize("wrong", [0, 2, 9])
def test_a_wrong_count_of_lf_line_breaks_still_reads_the_same_records(
    text: str, wrong: int
) -> None:
    right = parse_utf8(text.encode(), ",", line_offset=3)
    given_wrong = parse_utf8(text.encode(), ",", line_offset=3, line_breaks=(0, wrong, 0))
    assert (given_wrong.header, given_wrong.header_line) == (right.header, right.header_line)
    assert_frame_equal(given_wrong.records, right.records)


def test_a_record_without_quotes_longer_than_every_quoted_one_keeps_every_field() -> None:
    text = 'a,b\n"x, y",1\n1,2,3,4,5\n"p""q",2\n\n6\n'
    parsed = same_as_the_csv_module(text)
    assert [(r["_fields"], r["c0"], r["_extra"]) for r in rows(parsed)] == [
        (2, "x, y", None),
        (5, "1", ["3", "4", "5"]),
        (2, 'p"q', None),
        (0, None, None),
        (1, "6", None),
    ]


def test_quoted_records_are_counted_with_delimiters_and_quotes_inside_their_fields() -> None:
    text = 'a;b;c\n"1;2";"say ""hi; there""";\n"x"\n"";"";"";""\n"m\nn";o\n'
    parsed = same_as_the_csv_module(text, ";")
    assert [(r["_line"], r["_fields"]) for r in rows(parsed)] == [(2, 3), (3, 1), (4, 4), (5, 2)]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_long_record_after_a_header_over_two_lines_keeps_every_field(eol: str) -> None:
    text = eol.join(["", 'a,"b', 'c"', '"q",1', "1,2,3,4", "", "5,6,7", "8"]) + eol
    parsed = same_as_the_csv_module(text)
    assert (parsed.header, parsed.header_line) == (("a", f"b{eol}c"), 2)
    assert [(r["_line"], r["_fields"], r["_extra"]) for r in rows(parsed)] == [
        (4, 2, None),
        (5, 4, ["3", "4"]),
        (6, 0, None),
        (7, 3, ["7"]),
        (8, 1, None),
    ]
