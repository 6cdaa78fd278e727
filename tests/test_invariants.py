"""Invariant 1 as a property: no contact is lost silently, and the stats always add up."""

from __future__ import annotations

import csv
import io

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csvcheck
from csvcheck import Rules

NUMBERS = st.one_of(
    st.sampled_from(
        [
            "98765 43210",
            "+91 98765 43210",
            "09876543212",
            "919812345678",
            "12345",
            "",
            "9.19877E+11",
            "+1 415 555 2671",
            "(080) 2345 6789",
            "=1+1",
            "  ",
        ]
    ),
    st.from_regex(r"\+?[0-9 ()\-]{0,16}", fullmatch=True),
)
TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ é中,\"'=+-@ \t")), max_size=12)
ROWS = st.lists(st.tuples(NUMBERS, TEXT, TEXT), max_size=30)


def serialize(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> tuple[bytes, list[int]]:
    """CSV bytes and the physical line where each non-blank record starts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    lines, line = [], 2
    for row in rows:
        before = out.tell()
        writer.writerow(row)
        if any(cell.strip() for cell in row):
            lines.append(line)
        line += out.getvalue()[before:].count("\n")
    return out.getvalue().encode(), lines


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, list_type=st.sampled_from(["static", "dynamic"]))
def test_every_contact_is_clean_or_rejected_with_a_reason(
    rows: list[tuple[str, str, str]], list_type: str
) -> None:
    data, contact_lines = serialize(rows, ("Phone", "First Name", "notes"))
    result = csvcheck.check_bytes(data, rules=Rules(list_type=csvcheck.ListType(list_type)))
    stats = result.report.stats
    assert stats.total == stats.success + stats.duplicate + stats.failed
    assert stats.total == len(contact_lines)
    assert result.clean.height == stats.success
    rejected = result.rejects["line"].to_list()
    assert len(set(rejected)) == len(rejected)
    assert set(rejected) <= set(contact_lines)
    assert result.clean.height + len(rejected) == len(contact_lines)
    assert result.rejects.filter(pl.col("reason") == "").is_empty()
    assert result.clean["number"].is_duplicated().sum() == 0


@settings(max_examples=50, deadline=None)
@given(rows=ROWS)
def test_clean_frame_always_passes_the_schema(rows: list[tuple[str, str, str]]) -> None:
    data, _ = serialize(rows, ("number", "first_name", "last_name"))
    result = csvcheck.check_bytes(data, rules=Rules())
    csvcheck.contact_schema("static").validate(result.clean)  # type: ignore[attr-defined]
