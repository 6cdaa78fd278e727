"""Any bytes in: a report whose every contact is accounted for, or a CsvcheckError; nothing else."""

from __future__ import annotations

import csv
import io

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csvcheck
from csvcheck.errors import CsvcheckError
from csvcheck.read import EXTRA, LINE, parse
from csvcheck.sniff import sniff

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMBERS = st.sampled_from(
    ["9876543210", "+91 98765 43211", "09876543212", "12345", "", "9.19877E+11", "98765 43210"]
)
TEXT = st.text(alphabet=st.sampled_from(list("ab Zé中,;|\"\t'=")), max_size=8)
CONTACT_ROWS = st.lists(st.tuples(NUMBERS, TEXT, TEXT), min_size=0, max_size=15)
INSERTS = st.sampled_from(['"', "\r", "\n", "\r\n", ",", ";", "\t", "|", "\x00", "\ufeff", "é"])


def contacts_csv(rows: list[tuple[str, str, str]], delimiter: str, eol: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=eol)
    writer.writerow(["Mobile", "First Name", "notes"])
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def mutated_contacts(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    text = contacts_csv(draw(CONTACT_ROWS), delimiter, draw(st.sampled_from(["\n", "\r\n", "\r"])))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if action == "insert":
            text = text[:at] + draw(INSERTS) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-16-le"]))
    return text.encode(encoding, errors="replace")


def assert_every_contact_accounted_for(data: bytes, result: csvcheck.CheckResult) -> None:
    stats = result.report.stats
    assert stats.total == stats.success + stats.duplicate + stats.failed
    # Read the records again and count the non-blank ones independently of the pipeline.
    records = parse(sniff(data)).records
    cells = [pl.col(c) for c in records.columns if c.startswith("c")]
    cells.append(pl.col(EXTRA).list.join(""))
    has_text = pl.any_horizontal(c.str.strip_chars().fill_null("") != "" for c in cells)
    contact_lines = records.filter(has_text).get_column(LINE).to_list()
    rejected_lines = result.rejects.get_column("line").to_list()
    if not result.report.columns.input:
        assert contact_lines == rejected_lines == []
        return
    assert len(set(rejected_lines)) == len(rejected_lines)
    assert set(rejected_lines) <= set(contact_lines)
    assert result.clean.height + len(rejected_lines) == len(contact_lines) == stats.total
    assert all(reason for reason in result.rejects.get_column("reason").to_list())


def check_or_refuse(data: bytes) -> csvcheck.CheckResult | None:
    try:
        return csvcheck.check_bytes(data, rules=csvcheck.Rules(list_type="dynamic"))
    except CsvcheckError:
        return None


@SETTINGS
@given(data=st.binary(max_size=600))
def test_random_bytes_give_a_report_or_a_csvcheck_error(data: bytes) -> None:
    result = check_or_refuse(data)
    if result is not None:
        assert_every_contact_accounted_for(data, result)


@SETTINGS
@given(data=mutated_contacts())
def test_mutated_contact_files_never_lose_a_contact(data: bytes) -> None:
    result = check_or_refuse(data)
    if result is not None:
        assert_every_contact_accounted_for(data, result)


@SETTINGS
@given(rows=CONTACT_ROWS, delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_unmutated_contact_files_are_always_read(
    rows: list[tuple[str, str, str]], delimiter: str
) -> None:
    data = contacts_csv(rows, delimiter, "\r\n").encode("utf-16")
    result = csvcheck.check_bytes(data, rules=csvcheck.Rules())
    assert (result.report.input.encoding, result.report.input.delimiter) == ("utf-16-le", delimiter)
    assert result.report.stats.total == sum(any(cell.strip() for cell in row) for row in rows)
    assert_every_contact_accounted_for(data, result)
