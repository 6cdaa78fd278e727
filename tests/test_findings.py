"""Row findings: counts always, examples only for the codes asked for, value checks exact."""

from __future__ import annotations

import polars as pl

from csvcheck import Code, Rules, check_frame
from csvcheck.findings import row_findings
from csvcheck.headers import resolve_headers
from csvcheck.read import EXTRA, FIELDS, LINE, field_name
from csvcheck.rows import decide_rows

HEADER = ("phone", "first_name", "email", "company")


def decided(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    records = pl.DataFrame(
        {
            LINE: list(range(2, len(rows) + 2)),
            FIELDS: [len(HEADER)] * len(rows),
            **{field_name(i): [r[i] for r in rows] for i in range(len(HEADER))},
            EXTRA: [None] * len(rows),
        },
        schema_overrides={EXTRA: pl.List(pl.String)},
    )
    return decide_rows(records, HEADER, resolve_headers(HEADER, Rules()), Rules())


ROWS = [
    ("98765 43210", "Asha", "asha@example.com", "Apex"),
    ("12345", "=HYPERLINK(1)", "nope", "Apex"),
    ("98765 43211", "Ravi ", "ravi@example.com", "Orbit"),
    ("98765 43212", "Meera", "meera@example.com", "+91 tools"),
    ("12346", "Isha", "", "x" * 300),
]


def test_codes_not_asked_for_are_counted_without_examples() -> None:
    rows = decided(ROWS)
    plan = resolve_headers(HEADER, Rules())
    everything = {f.code: f for f in row_findings(rows, HEADER, plan)}
    counted = {f.code: f for f in row_findings(rows, HEADER, plan, [Code.INVALID_NUMBER])}
    assert {c: f.count for c, f in counted.items()} == {c: f.count for c, f in everything.items()}
    assert [e.line for e in counted[Code.INVALID_NUMBER].examples] == [3, 6]
    assert counted[Code.INVALID_EMAIL].examples == ()
    assert everything[Code.INVALID_EMAIL].examples[0].value == "nope"


def test_every_value_check_finds_its_cells_after_the_first_pass() -> None:
    columns = dict(zip(HEADER, zip(*ROWS, strict=True), strict=True))
    report = check_frame(pl.DataFrame(columns)).report
    found = {f.code: [(e.line, e.column, e.value) for e in f.examples] for f in report.findings}
    assert found[Code.FORMULA_LIKE_VALUE] == [
        (3, "first_name", "=HYPERLINK(1)"),
        (5, "company", "+91 tools"),
    ]
    assert found[Code.VALUE_TRIMMED] == [(4, "first_name", "Ravi ")]
    assert found[Code.INVALID_EMAIL] == [(3, "email", "nope")]
    assert found[Code.VALUE_TOO_LONG] == [(6, "company", "x" * 300)]
