"""The rules of DESIGN.md through the library: check_file and check_frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import csvcheck
from csvcheck import Code, Rules, Severity

CheckText = Callable[..., csvcheck.CheckResult]


@pytest.fixture
def check(write_csv: Callable[..., Path]) -> CheckText:
    def run(text: str, **kwargs: object) -> csvcheck.CheckResult:
        return csvcheck.check_file(write_csv(text), **kwargs)  # type: ignore[arg-type]

    return run


def codes(result: csvcheck.CheckResult) -> set[str]:
    return set(result.report.codes)


def test_valid_indian_numbers_in_many_shapes_become_e164(check: CheckText) -> None:
    result = check("number\n98765 43210\n09876543212\n+91-98450-12345\n919812345678\n")
    assert result.clean["number"].to_list() == [
        "+919876543210",
        "+919876543212",
        "+919845012345",
        "+919812345678",
    ]
    assert result.report.valid
    assert result.report.finding(Code.NUMBER_NORMALIZED).count == 4  # type: ignore[union-attr]


def test_number_already_in_e164_is_not_reported_as_normalized(check: CheckText) -> None:
    result = check("number\n+919876543210\n")
    assert Code.NUMBER_NORMALIZED not in codes(result)


def test_region_option_reads_national_numbers_of_that_country(check: CheckText) -> None:
    result = check("number\n(415) 555-2671\n", region="US")
    assert result.clean["number"].to_list() == ["+14155552671"]


def test_invalid_number_is_rejected_with_its_line_and_value(check: CheckText) -> None:
    result = check("number,first_name\n+919876543210,A\n12345,B\n")
    finding = result.report.finding(Code.INVALID_NUMBER)
    assert finding is not None
    assert finding.severity is Severity.ERROR
    assert (finding.examples[0].line, finding.examples[0].value) == (3, "12345")
    assert result.rejects.select("line", "reason", "first_name").rows() == [
        (3, "invalid-number", "B")
    ]
    assert not result.report.valid


def test_missing_number_is_rejected(check: CheckText) -> None:
    result = check("number,first_name\n,Nobody\n")
    assert result.rejects["reason"].to_list() == ["missing-number"]
    assert result.report.stats.failed == 1


@pytest.mark.parametrize("damaged", ["9.19877E+11", "9.19877e11", "919876543210.0", "9,19877E+11"])
def test_excel_damaged_numbers_are_rejected_never_repaired(check: CheckText, damaged: str) -> None:
    result = check(f'number\n"{damaged}"\n')
    assert result.rejects["reason"].to_list() == ["excel-mangled-number"]
    assert result.clean.is_empty()


def test_later_duplicate_is_rejected_pointing_at_the_first_line(check: CheckText) -> None:
    result = check("number,first_name\n98765 43210,First\n+91 98765 43210,Second\n")
    assert result.clean["first_name"].to_list() == ["First"]
    assert result.rejects.select("line", "reason").rows() == [(3, "duplicate-number")]
    assert "line 2" in result.rejects["detail"][0]
    assert result.report.stats.duplicate == 1


def test_duplicate_of_a_rejected_row_is_kept_as_the_first_valid_occurrence(
    check: CheckText,
) -> None:
    result = check("number,first_name,last_name\n9876543210,Short\n9876543210,Full,Row\n")
    assert result.clean["first_name"].to_list() == ["Full"]
    assert result.rejects["reason"].to_list() == ["ragged-row"]


def test_blank_rows_are_not_contacts(check: CheckText) -> None:
    result = check("number,first_name\n\n+919876543210,A\n,\n  ,  \n")
    assert result.report.stats.total == 1
    assert result.report.finding(Code.BLANK_ROW).count == 3  # type: ignore[union-attr]
    assert result.rejects.is_empty()


def test_static_list_drops_unknown_columns_with_a_warning(check: CheckText) -> None:
    result = check("number,city\n+919876543210,Pune\n")
    assert result.clean.columns == ["number"]
    assert result.report.columns.dropped == ("city",)
    assert result.report.finding(Code.UNKNOWN_COLUMN).severity is Severity.WARNING  # type: ignore[union-attr]


def test_dynamic_list_keeps_variables(check: CheckText) -> None:
    result = check("number,due_amount\n+919876543210,1500\n", list_type="dynamic")
    assert result.clean.columns == ["number", "due_amount"]
    assert result.report.columns.variables == ("due_amount",)
    assert result.report.valid


def test_dynamic_list_with_six_variables_cannot_be_uploaded(check: CheckText) -> None:
    header = "number," + ",".join(f"v{i}" for i in range(6))
    result = check(f"{header}\n+919876543210,1,2,3,4,5,6\n", list_type="dynamic")
    assert Code.TOO_MANY_VARIABLES in codes(result)
    assert result.clean.is_empty()
    assert result.report.stats.failed == 1


def test_variable_names_must_be_letters_digits_underscore(check: CheckText) -> None:
    result = check("number,Due Amount\n+919876543210,1500\n", list_type="dynamic")
    finding = result.report.finding(Code.INVALID_VARIABLE_NAME)
    assert finding is not None
    assert finding.examples[0].column == "Due Amount"
    assert not result.report.valid


def test_variable_names_are_case_sensitive_and_kept(check: CheckText) -> None:
    result = check("number,DueAmount\n+919876543210,1500\n", list_type="dynamic")
    assert result.clean.columns == ["number", "DueAmount"]


def test_header_aliases_and_spellings_resolve_to_standard_columns(check: CheckText) -> None:
    result = check(
        "\u00a0Mobile Number ,First-Name,LAST NAME,Company,E-mail,Tags\n9876543210,a,b,c,d@e.fg,t\n"
    )
    assert result.clean.columns == [
        "number",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "tag",
    ]
    assert result.report.finding(Code.HEADER_RENAMED).count == 6  # type: ignore[union-attr]


def test_number_column_is_written_first(check: CheckText) -> None:
    result = check("first_name,phone\nAsha,9876543210\n")
    assert result.clean.columns == ["number", "first_name"]


def test_explicit_mapping_chooses_the_number_column(write_csv: Callable[..., Path]) -> None:
    path = write_csv("Landline,Cell\n02223456789,9876543210\n")
    rules = Rules(mapping=(("number", "Landline"),))
    result = csvcheck.check_file(path, rules=rules)
    assert result.clean["number"].to_list() == ["+912223456789"]


def test_mapping_to_a_missing_column_is_a_usage_error(write_csv: Callable[..., Path]) -> None:
    path = write_csv("a\n1\n")
    with pytest.raises(csvcheck.UsageError, match="no column 'Mobile'"):
        csvcheck.check_file(path, rules=Rules(mapping=(("number", "Mobile"),)))


def test_two_columns_that_both_mean_number_are_a_duplicate_header(check: CheckText) -> None:
    result = check("Phone,Mobile\n9876543210,9845012345\n")
    assert Code.DUPLICATE_HEADER in codes(result)
    assert result.clean.is_empty()
    assert result.rejects.height == 1


def test_blank_header_is_reported_not_renamed(check: CheckText) -> None:
    result = check("number,,first_name\n9876543210,x,A\n")
    assert Code.BLANK_HEADER in codes(result)
    assert result.clean.columns == ["number", "first_name"]


def test_missing_number_column_rejects_every_row(check: CheckText) -> None:
    result = check("name,email\nAsha,a@b.co\n")
    assert Code.MISSING_NUMBER_COLUMN in codes(result)
    assert result.rejects["reason"].to_list() == ["missing-number-column"]
    assert result.report.stats.failed == 1


def test_invalid_email_is_a_warning_and_the_row_is_kept(check: CheckText) -> None:
    result = check("number,email\n9876543210,not-an-email\n")
    assert result.report.finding(Code.INVALID_EMAIL).severity is Severity.WARNING  # type: ignore[union-attr]
    assert result.clean.height == 1
    assert result.report.valid


@pytest.mark.parametrize("value", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_flagged_and_neutralised_in_rejects(
    check: CheckText, value: str
) -> None:
    result = check(f'number,first_name\n9876543210,"{value}"\n12345,"{value}"\n')
    assert result.report.finding(Code.FORMULA_LIKE_VALUE).count == 2  # type: ignore[union-attr]
    assert result.rejects["first_name"].to_list() == ["'" + value]


def test_e164_numbers_are_not_formula_like(check: CheckText) -> None:
    result = check("number\n+919876543210\n+91 98450 12345\n")
    assert Code.FORMULA_LIKE_VALUE not in codes(result)


def test_overlong_value_is_a_warning(check: CheckText) -> None:
    result = check(f"number,first_name\n9876543210,{'x' * 256}\n")
    assert result.report.finding(Code.VALUE_TOO_LONG).count == 1  # type: ignore[union-attr]
    assert Code.VALUE_TOO_LONG not in codes(check(f"number,first_name\n9876543210,{'x' * 255}\n"))


def test_values_are_trimmed_and_the_fix_is_reported(check: CheckText) -> None:
    result = check("number,first_name\n9876543210,  Asha \n")
    assert result.clean["first_name"].to_list() == ["Asha"]
    assert Code.VALUE_TRIMMED in codes(result)


def test_static_list_over_the_cap_counts_existing_contacts(check: CheckText) -> None:
    text = "number\n9876543210\n9845012345\n9812345678\n"
    assert Code.SPLIT not in codes(check(text, rules=Rules(max_rows=3)))
    assert Code.SPLIT in codes(check(text, rules=Rules(max_rows=3, existing=1)))
    assert Code.TOO_MANY_ROWS in codes(check(text, rules=Rules(max_rows=3, existing=3)))


def test_strict_fails_on_fixes_and_warnings(check: CheckText) -> None:
    text = "number\n98765 43210\n"
    assert check(text).report.valid
    assert not check(text, rules=Rules(strict=True)).report.valid
    assert check("number\n+919876543210\n", rules=Rules(strict=True)).report.valid


def test_stats_add_up_and_mirror_exotel(check: CheckText) -> None:
    result = check("number\n9876543210\n9876543210\n123\n\n9845012345\n")
    stats = result.report.stats
    assert (stats.total, stats.success, stats.duplicate, stats.failed) == (4, 2, 1, 1)


def test_empty_file_is_a_finding(check: CheckText) -> None:
    result = check("")
    assert Code.EMPTY_FILE in codes(result)
    assert not result.report.valid


def test_header_only_file_has_no_contacts(check: CheckText) -> None:
    result = check("number,first_name\n")
    assert Code.NO_RECORDS in codes(result)
    assert result.report.stats.total == 0


def test_unknown_region_is_a_usage_error(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(csvcheck.UsageError, match="unknown region"):
        csvcheck.check_file(write_csv("number\n1\n"), region="XX")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(csvcheck.InputError, match="no such file"):
        csvcheck.check_file(tmp_path / "nope.csv")


def test_check_frame_reads_a_polars_frame() -> None:
    frame = pl.DataFrame({"Phone": ["98765 43210", "bad", None], "first_name": ["A", "B", "C"]})
    result = csvcheck.check_frame(frame, list_type="static", region="IN")
    assert result.clean.rows() == [("+919876543210", "A")]
    assert result.rejects.select("line", "reason").rows() == [
        (3, "invalid-number"),
        (4, "missing-number"),
    ]


def test_check_frame_accepts_non_string_columns() -> None:
    frame = pl.DataFrame({"number": [919876543210, 919845012345]})
    result = csvcheck.check_frame(frame)
    assert result.clean["number"].to_list() == ["+919876543210", "+919845012345"]


def test_report_records_the_phonenumbers_version(check: CheckText) -> None:
    import phonenumbers

    assert check("number\n9876543210\n").report.tool["phonenumbers"] == phonenumbers.__version__


@pytest.mark.parametrize("list_type", ["static", "dynamic"])
def test_duplicate_kept_column_is_reported_not_a_crash(check: CheckText, list_type: str) -> None:
    result = check("number,email,email\n+919876543210,a@b.co,c@d.co\n", list_type=list_type)
    assert Code.DUPLICATE_HEADER in codes(result)
    assert result.clean.columns == ["number"]
    assert result.rejects.columns[-2:] == ["email", "email_2"]
