"""Row findings: masks over the decided records turned into counted findings with examples."""

from __future__ import annotations

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


def _masked_finding(
    rows: pl.DataFrame, code: Code, cells: list[tuple[str | None, pl.Expr, pl.Expr]], count: int
) -> Finding:
    """One finding for the ``count`` rows where any (column, mask, value) cell matches."""
    samples = [
        rows.lazy()
        .filter(mask)
        .head(MAX_EXAMPLES)
        .select(
            pl.col(LINE),
            pl.lit(column, pl.String).alias("column"),
            value.alias("value"),
            pl.col(DETAIL),
        )
        for column, mask, value in cells
    ]
    merged = pl.concat(samples).sort(LINE, maintain_order=True).head(MAX_EXAMPLES).collect()
    examples = tuple(
        Example(
            line=r[LINE],
            column=r["column"],
            value=r["value"],
            detail=r[DETAIL] or None if code in _DETAILED else None,
        )
        for r in merged.iter_rows(named=True)
    )
    return Finding(code=code, count=count, message=row_message(code, count), examples=examples)


def _counted(
    rows: pl.DataFrame, plans: list[tuple[Code, list[tuple[str | None, pl.Expr, pl.Expr]]]]
) -> list[Finding]:
    """Findings of the plans that match any row: every count in one pass, examples only
    for the codes found."""
    planned = [(code, cells) for code, cells in plans if cells]
    counts = rows.select(
        pl.any_horizontal(mask for _, mask, _ in cells).sum().alias(str(i))
        for i, (_, cells) in enumerate(planned)
    ).row(0)
    return [
        _masked_finding(rows, code, cells, count)
        for (code, cells), count in zip(planned, counts, strict=True)
        if count
    ]


_DETAILED = {
    Code.DUPLICATE_NUMBER,
    Code.RAGGED_ROW,
    Code.INVALID_NUMBER,
    *(c for c in STRUCTURE_CODES if SEVERITY[c] is Severity.ERROR),
}


def row_findings(rows: pl.DataFrame, header: tuple[str, ...], plan: HeaderPlan) -> list[Finding]:
    contact = ~pl.col(BLANK)
    clean = contact & (pl.col(REASON) == "")
    number = plan.number_index
    number_name = header[number] if number is not None else None
    number_value = pl.col(field_name(number)) if number is not None else pl.lit(None, pl.String)
    kept = [(i, t) for i, t in enumerate(plan.targets) if t is not None]
    others = [(header[i], pl.col(field_name(i))) for i, t in kept if t != NUMBER_COLUMN]
    kept_cells = [(header[i], pl.col(field_name(i))) for i, _ in kept]
    number_is = pl.col(NUMBER_ERROR).fill_null("").eq
    number_warns = pl.col(NUMBER_WARNING).fill_null("").eq
    email = [(header[i], pl.col(field_name(i))) for i, t in kept if t == "email"]
    number_formula = [] if number is None else [(number_name, number_value, pl.col(E164).is_null())]
    plans: list[tuple[Code, list[tuple[str | None, pl.Expr, pl.Expr]]]] = [
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
            [(number_name, clean & (pl.col(E164) != number_value), number_value)],
        ),
        *(
            (code, [(number_name, contact & number_warns(str(code)), number_value)])
            for code in (Code.NUMBER_LETTERS_DROPPED, Code.NUMBER_EXTENSION_DROPPED)
        ),
        (Code.INVALID_EMAIL, [(c, contact & checks.invalid_email(v), v) for c, v in email]),
        (
            Code.FORMULA_LIKE_VALUE,
            [(c, contact & checks.formula_like(v), v) for c, v in others]
            + [
                (c, contact & checks.formula_like(v) & exempt_not, v)
                for c, v, exempt_not in number_formula
            ],
        ),
        (
            Code.VALUE_TOO_LONG,
            [(c, contact & checks.too_long(v, MAX_VALUE_LENGTH), v) for c, v in others],
        ),
        (
            Code.REPLACEMENT_CHARACTER,
            [(c, contact & checks.has_replacement_character(v), v) for c, v in kept_cells],
        ),
        (Code.VALUE_TRIMMED, [(c, clean & checks.needs_trim(v), v) for c, v in others]),
    ]
    return _counted(rows, plans)
