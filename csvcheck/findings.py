"""Row findings: masks over the decided records turned into counted findings with examples."""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from . import checks
from .headers import HeaderPlan
from .read import FIELDS, LINE, field_name
from .report import DESCRIPTION, MAX_EXAMPLES, SEVERITY, Code, Example, Finding, Severity
from .rows import (
    BLANK,
    DETAIL,
    DUPLICATE_OF,
    E164,
    NO_COLUMN,
    NUMBER_ERROR,
    NUMBER_WARNING,
    REASON,
    STRUCTURE_CODES,
    WARNING_CODE,
    WARNING_DETAIL,
    has_problem,
)
from .rules import MAX_VALUE_LENGTH, NUMBER_COLUMN


def in_code_order(findings: list[Finding]) -> list[Finding]:
    """Row findings in the order codes are declared, whichever batch found them first."""
    order = list(Code)
    return sorted(findings, key=lambda f: order.index(f.code))


def row_message(code: Code, count: int) -> str:
    rows = "1 row" if count == 1 else f"{count} rows"
    return f"{rows}: {DESCRIPTION[code]}"


Cell = tuple[str | None, pl.Expr, pl.Expr]
"""Where a code applies: (column name, mask of the rows it flags, value to show)."""
Plan = tuple[Code, list[Cell]]


def _examples(rows: pl.LazyFrame, cells: list[Cell], detail: pl.Expr) -> pl.LazyFrame:
    """The first rows in file order any cell flags (a row once per cell that flags it)."""
    samples = [
        rows.filter(mask)
        .head(MAX_EXAMPLES)
        .select(
            pl.col(LINE),
            pl.lit(column, pl.String).alias("column"),
            value.alias("value"),
            detail.alias(DETAIL),
        )
        for column, mask, value in cells
    ]
    return pl.concat(samples).sort(LINE, maintain_order=True).head(MAX_EXAMPLES)


def _finding(code: Code, count: int, examples: pl.DataFrame | None) -> Finding:
    found = () if examples is None else examples.iter_rows(named=True)
    return Finding(
        code=code,
        count=count,
        message=row_message(code, count),
        examples=tuple(
            Example(
                line=r[LINE],
                column=r["column"],
                value=r["value"],
                detail=r[DETAIL] or None if code in _DETAILED else None,
            )
            for r in found
        ),
    )


def _counts(rows: pl.DataFrame | pl.LazyFrame, plans: list[Plan]) -> pl.LazyFrame:
    """How many rows each plan flags, all in one pass."""
    return rows.lazy().select(
        pl.any_horizontal(mask for _, mask, _ in cells).sum().alias(str(i))
        for i, (_, cells) in enumerate(plans)
    )


def _counted(
    plans: list[tuple[pl.DataFrame, list[Plan]]],
    wanted: Collection[Code] | None,
    detail: pl.Expr,
) -> list[Finding]:
    """Findings of the plans that flag any row, each plan run on the rows given with it.

    Every count in one pass per frame; examples only for the codes found and ``wanted``.
    """
    planned = [(rows, [(c, cells) for c, cells in group if cells]) for rows, group in plans]
    counts = [
        frame.row(0)
        for frame in pl.collect_all(_counts(rows, group) for rows, group in planned if group)
    ]
    found = [
        (rows, code, cells, count)
        for (rows, group), row in zip([p for p in planned if p[1]], counts, strict=True)
        for (code, cells), count in zip(group, row, strict=True)
        if count
    ]
    sampled = [f for f in found if wanted is None or f[1] in wanted]
    examples = pl.collect_all(
        _examples(rows.lazy(), cells, detail) for rows, _, cells, _ in sampled
    )
    by_code = {f[1]: e for f, e in zip(sampled, examples, strict=True)}
    return [_finding(code, count, by_code.get(code)) for _, code, cells, count in found]


_DETAILED = {
    Code.DUPLICATE_NUMBER,
    Code.RAGGED_ROW,
    Code.INVALID_NUMBER,
    *(c for c in STRUCTURE_CODES if SEVERITY[c] is Severity.ERROR),
}


def row_findings(
    rows: pl.DataFrame,
    header: tuple[str, ...],
    plan: HeaderPlan,
    wanted: Collection[Code] | None = None,
    detail: pl.Expr | None = None,
) -> list[Finding]:
    """Counted findings of decided rows, with examples for the codes ``wanted`` (None: all).

    A batched check asks only for the codes that still lack examples. Checks of the cells'
    values run on the rows a cheap first pass keeps (:func:`checks.may_be_flagged`).
    ``detail`` computes the examples' details when the rows have none.
    """
    detail = pl.col(DETAIL) if detail is None else detail
    contact = ~pl.col(BLANK)
    number = plan.number_index
    number_name = header[number] if number is not None else None
    number_value = pl.col(field_name(number)) if number is not None else pl.lit(None, pl.String)
    number_is = pl.col(NUMBER_ERROR).fill_null("").eq
    number_warns = pl.col(NUMBER_WARNING).fill_null("").eq
    plans: list[Plan] = [
        (Code.BLANK_ROW, [(None, pl.col(BLANK), pl.lit(None, pl.String))]),
        (
            Code.RAGGED_ROW,
            [
                (
                    None,
                    contact & (pl.col(FIELDS) != len(header)),
                    pl.format("{} fields", pl.col(FIELDS)),
                )
            ],
        ),
        *(
            (
                code,
                [(NO_COLUMN, contact & has_problem(code), pl.lit(None, pl.String))],
            )
            for code in STRUCTURE_CODES
            if SEVERITY[code] is Severity.ERROR
        ),
        (
            Code.MULTILINE_FIELD,
            [
                (
                    NO_COLUMN,
                    contact & has_problem(Code.MULTILINE_FIELD, WARNING_CODE),
                    pl.col(WARNING_DETAIL),
                )
            ],
        ),
        *(
            (code, [(number_name, contact & number_is(str(code)), number_value)])
            for code in (Code.MISSING_NUMBER, Code.EXCEL_MANGLED_NUMBER, Code.INVALID_NUMBER)
        ),
        (
            Code.DUPLICATE_NUMBER,
            [(number_name, contact & pl.col(DUPLICATE_OF).is_not_null(), number_value)],
        ),
        (
            Code.NUMBER_NORMALIZED,
            [
                (
                    number_name,
                    contact & (pl.col(REASON) == "") & (pl.col(E164) != number_value),
                    number_value,
                )
            ],
        ),
        *(
            (code, [(number_name, contact & number_warns(str(code)), number_value)])
            for code in (Code.NUMBER_LETTERS_DROPPED, Code.NUMBER_EXTENSION_DROPPED)
        ),
    ]
    values = _value_plans(rows, header, plan)
    found = _counted([(rows, plans), *values], wanted, detail)
    return _in_plan_order(found, plans + [p for _, group in values for p in group])


def _in_plan_order(found: list[Finding], plans: list[Plan]) -> list[Finding]:
    order = [code for code, _ in plans]
    return sorted(found, key=lambda f: order.index(f.code))


def _value_plans(
    rows: pl.DataFrame, header: tuple[str, ...], plan: HeaderPlan
) -> list[tuple[pl.DataFrame, list[Plan]]]:
    """Checks of the kept cells' values, with the only rows they can flag.

    A cheap first pass marks, column by column, every cell a check can flag; the exact checks
    run only on the columns with a mark, and only on the rows with one.
    """
    kept = [(i, t) for i, t in enumerate(plan.targets) if t is not None]
    if not kept:
        return []
    cells = [(header[i], pl.col(field_name(i)), t) for i, t in kept]
    # A column none of whose cells holds U+FFFD needs no check cell by cell.
    replaced = rows.select(checks.holds_replacement_character(v) for _, v, _ in cells).row(0)
    invalid = pl.col(E164).is_null()
    first_pass = [
        (
            checks.starts_like_formula(v) & invalid
            if t == NUMBER_COLUMN
            else checks.may_be_flagged(v, MAX_VALUE_LENGTH)
        )
        | (checks.invalid_email(v) if t == "email" else pl.lit(False))
        | (checks.has_replacement_character(v) if holds else pl.lit(False))
        for (_, v, t), holds in zip(cells, replaced, strict=True)
    ]
    marks = rows.select(m.alias(str(i)) for i, m in enumerate(first_pass))
    marked = [count > 0 for count in marks.sum().row(0)]
    if not any(marked):
        return []
    any_mark = pl.any_horizontal(c for c, m in zip(marks.columns, marked, strict=True) if m)
    flagged = rows.filter(marks.select(any_mark).to_series())
    picked: list[ValueCell] = [
        (c, v, t, h) for (c, v, t), m, h in zip(cells, marked, replaced, strict=True) if m
    ]
    return [(flagged, _value_checks(picked))]


ValueCell = tuple[str | None, pl.Expr, str, bool]
"""A kept cell whose value is checked: (column name, value, target, holds U+FFFD)."""


def _value_checks(cells: list[ValueCell]) -> list[Plan]:
    """The exact checks of (column, value, target, holds U+FFFD) cells."""
    contact = ~pl.col(BLANK)
    clean = contact & (pl.col(REASON) == "")
    others = [(c, v) for c, v, t, _ in cells if t != NUMBER_COLUMN]
    # A number is checked as a formula only when it is not a valid number.
    number_formula = [(c, v) for c, v, t, _ in cells if t == NUMBER_COLUMN]
    invalid = pl.col(E164).is_null()
    return [
        (
            Code.INVALID_EMAIL,
            [(c, contact & checks.invalid_email(v), v) for c, v, t, _ in cells if t == "email"],
        ),
        (
            Code.FORMULA_LIKE_VALUE,
            [(c, contact & checks.formula_like(v), v) for c, v in others]
            + [(c, contact & checks.formula_like(v) & invalid, v) for c, v in number_formula],
        ),
        (
            Code.VALUE_TOO_LONG,
            [(c, contact & checks.too_long(v, MAX_VALUE_LENGTH), v) for c, v in others],
        ),
        (
            Code.REPLACEMENT_CHARACTER,
            [(c, contact & checks.has_replacement_character(v), v) for c, v, _, h in cells if h],
        ),
        (Code.VALUE_TRIMMED, [(c, clean & checks.needs_trim(v), v) for c, v in others]),
    ]
