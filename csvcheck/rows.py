"""Per-record decisions as polars expressions: blank, number, reasons, details, duplicates.

Every record of a parsed frame gets the columns below; the clean and rejects frames are
selected from them. Used by the in-memory check (pipeline.py) and the batched one (stream.py).
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from . import checks, phones
from .headers import HeaderPlan
from .read import EXTRA, FIELDS, LINE, PROBLEM_CODE, PROBLEM_DETAIL, Parsed, field_name
from .report import DESCRIPTION, MAX_EXAMPLES, SEVERITY, Code, Severity
from .rules import NUMBER_COLUMN, Rules

REASON = "_reason"
DETAIL = "_detail"
E164 = "_e164"
NUMBER_ERROR = "_number_error"
NUMBER_WARNING = "_number_warning"
NUMBER_HINT = "_number_hint"
NUMBER_STRUCT = "_number"
BLANK = "_blank"
DUPLICATE_OF = "_duplicate_of"


STRUCTURE_CODES = (
    Code.UNBALANCED_QUOTE,
    Code.NUL_BYTE,
    Code.FIELD_TOO_LARGE,
    Code.MULTILINE_FIELD,
)
NO_COLUMN: str | None = None


WARNING_CODE = "_warning_code"
WARNING_DETAIL = "_warning_detail"


def with_problems(parsed: Parsed) -> pl.DataFrame:
    """Records with the reader's structure problems: errors reject, warnings only report."""
    if parsed.problems.is_empty():  # most batches: no join needed
        return _with_problem_columns(parsed.records)
    errors = [str(c) for c in STRUCTURE_CODES if SEVERITY[c] is Severity.ERROR]
    is_error = pl.col(PROBLEM_CODE).is_in(errors)
    per_record = parsed.problems.group_by(LINE).agg(
        pl.col(PROBLEM_CODE).filter(is_error).str.join(";"),
        pl.col(PROBLEM_DETAIL).filter(is_error).str.join("; "),
        pl.col(PROBLEM_CODE).filter(~is_error).str.join(";").alias(WARNING_CODE),
        pl.col(PROBLEM_DETAIL).filter(~is_error).str.join("; ").alias(WARNING_DETAIL),
    )
    empty_as_null = [
        pl.col(c).replace("", None) for c in (PROBLEM_CODE, PROBLEM_DETAIL, WARNING_CODE)
    ]
    per_record = per_record.with_columns(empty_as_null)
    return parsed.records.join(per_record, on=LINE, how="left", maintain_order="left")


_PROBLEM_COLUMNS = (PROBLEM_CODE, PROBLEM_DETAIL, WARNING_CODE, WARNING_DETAIL)


def _with_problem_columns(records: pl.DataFrame) -> pl.DataFrame:
    """Records that did not go through ``with_problems`` (a frame given by a caller) have none."""
    missing = [c for c in _PROBLEM_COLUMNS if c not in records.columns]
    return records.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)


def has_problem(code: Code, column: str = PROBLEM_CODE) -> pl.Expr:
    return pl.col(column).str.contains(str(code), literal=True).fill_null(False)


def _fields(width: int) -> list[pl.Expr]:
    return [pl.col(field_name(i)) for i in range(width)]


def _blank_record(width: int) -> pl.Expr:
    extra_blank = (
        pl.col(EXTRA).is_null() | pl.col(EXTRA).list.eval(checks.is_blank(pl.element())).list.all()
    )
    if width == 0:
        return pl.lit(True)
    cells_blank = pl.all_horizontal(checks.is_blank(f) for f in _fields(width))
    return (pl.col(FIELDS) == 0) | (cells_blank & extra_blank)


def _join(parts: list[pl.Expr], separator: str) -> pl.Expr:
    if not parts:
        return pl.lit("", dtype=pl.String)
    return pl.concat_str(parts, separator=separator, ignore_nulls=True)


def decide_rows(
    records: pl.DataFrame,
    header: tuple[str, ...],
    plan: HeaderPlan,
    rules: Rules,
    *,
    details: bool = True,
    hints: bool = True,
) -> pl.DataFrame:
    """Add blank flag, E.164, reasons and details to every record.

    ``details=False`` leaves the details out, for a caller that computes them later with
    :func:`detail_of` on the rows it writes or shows (a batched check, once duplicates across
    batches are known), or adds them with :func:`add_details`. ``hints=False`` leaves the
    numbers' '+' hints out too, for a caller that shows only examples
    (:func:`with_example_hints`).
    """
    records = _with_problem_columns(records)
    width = len(header)
    number = plan.number_index
    if number is not None:
        # Decided once into a struct column: each struct.field of the expression itself
        # would run the whole decision again.
        decided = phones.normalize_numbers(pl.col(field_name(number)), rules.region, hints=hints)
        records = records.with_columns(decided.alias(NUMBER_STRUCT))
        normalized = pl.col(NUMBER_STRUCT)
        number_columns = [
            normalized.struct.field(phones.E164).alias(E164),
            normalized.struct.field(phones.ERROR).alias(NUMBER_ERROR),
            normalized.struct.field(phones.WARNING).alias(NUMBER_WARNING),
            normalized.struct.field(phones.HINT).alias(NUMBER_HINT),
        ]
    else:
        number_columns = [
            pl.lit(None, pl.String).alias(c)
            for c in (E164, NUMBER_ERROR, NUMBER_WARNING, NUMBER_HINT)
        ]
    rows = records.with_columns(_blank_flags(records, width), *number_columns).drop(
        NUMBER_STRUCT, strict=False
    )
    # One chunk per column: polars 2.1 can panic (a string view read out of bounds) when
    # details are formatted on filtered rows whose string columns have several chunks.
    rows = rows.rechunk()
    rows = _with_duplicates(rows.with_columns(_reason(rows, plan, width)))
    return add_details(rows, header, plan, rules) if details else rows


def _blank_flags(records: pl.DataFrame, width: int) -> pl.Series:
    """Which records are blank; the full test runs only where the first cell is blank."""
    if width == 0:
        return pl.repeat(True, records.height, eager=True).alias(BLANK)
    first = pl.col(field_name(0))
    # A first cell that starts with a printable ASCII character is not blank: two string
    # comparisons instead of a strip of every cell.
    printable = (first >= "!") & (first < "\x80")
    maybe = records.select((pl.col(FIELDS) == 0) | ~printable.fill_null(False)).to_series()
    return _on_rows(records, maybe, _blank_record(width), False, BLANK)


def _on_rows(
    frame: pl.DataFrame, mask: pl.Series, value: pl.Expr, otherwise: str | bool, name: str
) -> pl.Series:
    """``value`` on the rows where ``mask`` holds, ``otherwise`` elsewhere.

    Computed on those rows only: a when/then would compute ``value`` on every row.
    """
    if not mask.any():
        return pl.repeat(otherwise, frame.height, eager=True).alias(name)
    # Lazy, so only the columns ``value`` reads are filtered.
    picked = frame.lazy().filter(mask).select(value.alias(name)).collect().to_series()
    base = pl.repeat(otherwise, frame.height, dtype=picked.dtype, eager=True).alias(name)
    if picked.len():
        base.scatter(mask.arg_true(), picked)  # in place
    return base


def _reason(rows: pl.DataFrame, plan: HeaderPlan, width: int) -> pl.Expr:
    """The record's reasons, joined by ';' (empty when it is clean)."""
    ragged = pl.col(FIELDS) != width
    reasons = [pl.lit(str(code)) for code in plan.blocking]
    reasons += [
        pl.col(PROBLEM_CODE),
        pl.when(ragged).then(pl.lit(str(Code.RAGGED_ROW))),
        pl.col(NUMBER_ERROR),
    ]
    at_most_one = rows.select(pl.sum_horizontal(r.is_not_null() for r in reasons).max() <= 1).item()
    if at_most_one is not False:
        # The same string a join gives when no record has two reasons, without building
        # a new string for every record.
        return pl.coalesce(*reasons, pl.lit("")).alias(REASON)
    return _join(reasons, ";").alias(REASON)


def _with_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Mark every later clean record with a number an earlier one in the frame has."""
    keyed = (pl.col(REASON) == "") & ~pl.col(BLANK)
    first_line = pl.col(LINE).min().over(pl.when(keyed).then(pl.col(E164)))
    # The first line is computed once, as a column: an expression used twice is run twice.
    rows = rows.with_columns(pl.when(keyed).then(first_line).alias(DUPLICATE_OF))
    duplicate = pl.col(DUPLICATE_OF) != pl.col(LINE)
    return rows.with_columns(
        pl.when(duplicate).then(pl.col(DUPLICATE_OF)).alias(DUPLICATE_OF),
        pl.when(duplicate)
        .then(pl.lit(str(Code.DUPLICATE_NUMBER)))
        .otherwise(pl.col(REASON))
        .alias(REASON),
    )


def _detail(width: int, plan: HeaderPlan, region: str) -> pl.Expr:
    """Why a rejected record is rejected, in words."""
    ragged = pl.col(FIELDS) != width
    details = [pl.lit(f"the file has {code}: {DESCRIPTION[code]}") for code in plan.blocking]
    details += [
        pl.col(PROBLEM_DETAIL),
        pl.when(ragged).then(
            pl.format("has {} fields; the header has {}", pl.col(FIELDS), pl.lit(width))
        ),
        _number_detail(plan.number_index, region),
    ]
    return (
        pl.when(pl.col(DUPLICATE_OF).is_not_null())
        .then(_duplicate_detail(pl.col(DUPLICATE_OF)))
        .otherwise(_join(details, "; "))
    )


def _duplicate_detail(first_line: pl.Expr) -> pl.Expr:
    return pl.format("duplicate of line {} ({})", first_line, pl.col(E164))


def detail_of(header: tuple[str, ...], plan: HeaderPlan, rules: Rules) -> pl.Expr:
    """The detail of a rejected record, as an expression over decided rows.

    For a caller that decided rows without details: it computes them only on the rows it
    writes or shows.
    """
    return _detail(len(header), plan, rules.region)


def add_details(
    rows: pl.DataFrame, header: tuple[str, ...], plan: HeaderPlan, rules: Rules
) -> pl.DataFrame:
    """Add the detail of every rejected record (empty for the others)."""
    rejected = rows.select(pl.col(REASON) != "").to_series()
    detail = detail_of(header, plan, rules)
    return rows.with_columns(_on_rows(rows, rejected, detail, "", DETAIL))


SEEN_KEY = "_seen_key"
SEEN_LINE = "_seen_line"


def no_numbers_seen() -> pl.DataFrame:
    """The numbers kept so far when checking in batches: none yet."""
    return pl.DataFrame(schema={SEEN_KEY: pl.Int64(), SEEN_LINE: pl.Int64()})


def carry_duplicates(rows: pl.DataFrame, seen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mark decided rows whose number an earlier batch kept; return them and the numbers kept.

    ``seen`` holds each kept number (E.164 digits as an integer: 16 bytes a number) with the
    line of its first occurrence, so duplicates are found across the whole file. Details, if
    ``rows`` has them, are updated for the rows marked.
    """
    candidate = ~pl.col(BLANK) & ((pl.col(REASON) == "") | pl.col(DUPLICATE_OF).is_not_null())
    # E.164 is '+' and digits: the cast reads the '+' as a sign.
    keys = rows.select(pl.when(candidate).then(pl.col(E164).cast(pl.Int64))).to_series()
    # A semi join probes the (large) numbers kept with the batch's (small) hash table; only
    # the few numbers found are looked up for the batch's rows.
    found = seen.join(keys.drop_nulls().to_frame(SEEN_KEY), on=SEEN_KEY, how="semi")
    if found.height:
        lines = found.get_column(SEEN_LINE)
        earlier = keys.replace_strict(found.get_column(SEEN_KEY), lines, default=None)
        rows = _mark_earlier(rows, earlier.alias(SEEN_LINE))
    kept = keys.is_not_null() & (rows.get_column(REASON) == "")
    numbers = pl.DataFrame(
        {SEEN_KEY: keys.filter(kept), SEEN_LINE: rows.get_column(LINE).filter(kept)}
    )
    return rows, pl.concat([seen, numbers])


def _mark_earlier(rows: pl.DataFrame, earlier: pl.Series) -> pl.DataFrame:
    """Mark the rows whose number an earlier batch kept at line ``earlier``."""
    marked = rows.with_columns(earlier).with_columns(
        pl.coalesce(SEEN_LINE, DUPLICATE_OF).alias(DUPLICATE_OF),
        pl.when(pl.col(SEEN_LINE).is_not_null())
        .then(pl.lit(str(Code.DUPLICATE_NUMBER)))
        .otherwise(pl.col(REASON))
        .alias(REASON),
    )
    if DETAIL in rows.columns:
        # The same detail decide_rows gives a duplicate within one batch.
        later = earlier.is_not_null()
        detail = _on_rows(marked, later, _duplicate_detail(pl.col(SEEN_LINE)), "", DETAIL)
        marked = marked.with_columns(detail.zip_with(later, marked.get_column(DETAIL)))
    return marked.drop(SEEN_LINE)


def _number_detail(number: int | None, region: str) -> pl.Expr:
    if number is None:
        return pl.lit(None, pl.String)
    value = pl.col(field_name(number))
    error = pl.col(NUMBER_ERROR)
    return (
        pl.when(error == Code.MISSING_NUMBER)
        .then(pl.lit("the number cell is empty"))
        .when(error == Code.EXCEL_MANGLED_NUMBER)
        .then(pl.format("'{}' was damaged by a spreadsheet: digits are lost", value))
        .when((error == Code.INVALID_NUMBER) & pl.col(NUMBER_HINT).is_not_null())
        .then(
            pl.format(
                f"'{{}}' is not a valid phone number (default region {region}); "
                "with a + in front it would be {}: check whether a + was left out",
                value,
                pl.col(NUMBER_HINT),
            )
        )
        .when(error == Code.INVALID_NUMBER)
        .then(pl.format(f"'{{}}' is not a valid phone number (default region {region})", value))
    )


def with_example_hints(rows: pl.DataFrame, plan: HeaderPlan, rules: Rules) -> pl.DataFrame:
    """Rows decided with ``hints=False``, with the '+' hints of the invalid numbers that can
    be shown as examples: the first :data:`MAX_EXAMPLES` in the frame, as findings picks
    them. phonenumbers answers those few values itself (the same answer, a test shows)."""
    number = plan.number_index
    if number is None:
        return rows
    invalid = ~pl.col(BLANK) & (pl.col(NUMBER_ERROR).fill_null("") == str(Code.INVALID_NUMBER))
    at = rows.select(invalid.arg_true().head(MAX_EXAMPLES)).to_series()
    if not len(at):
        return rows
    values = rows.get_column(field_name(number)).gather(at).to_list()
    hints = [phones.decide_number(value, rules.region).hint for value in values]
    hint = rows.get_column(NUMBER_HINT).clone().scatter(at, pl.Series(hints, dtype=pl.String))
    return rows.with_columns(hint)


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def clean_frame(clean_rows: Frame, plan: HeaderPlan, *, trim: bool = True) -> Frame:
    """The upload-ready columns of clean rows; ``trim=False`` when no value needs trimming."""
    if plan.blocking:
        empty = pl.DataFrame(schema={NUMBER_COLUMN: pl.String()})
        return empty.lazy() if isinstance(clean_rows, pl.LazyFrame) else empty
    position = {t: i for i, t in enumerate(plan.targets) if t is not None}

    def value(name: str) -> pl.Expr:
        cell = pl.col(field_name(position[name]))
        return (cell.str.strip_chars() if trim else cell).fill_null("").alias(name)

    columns = [
        pl.col(E164).alias(name) if name == NUMBER_COLUMN else value(name) for name in plan.output
    ]
    return clean_rows.select(columns)


def unique_names(names: list[str]) -> list[str]:
    """Names made unique (and non-blank) by a numeric suffix, first spelling kept as is."""
    seen: set[str] = set()
    result = []
    for index, name in enumerate(names):
        candidate = name if name.strip() else f"column_{index + 1}"
        base, n = candidate, 2
        while candidate in seen:
            candidate, n = f"{base}_{n}", n + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def rejects_frame(rejected: Frame, header: tuple[str, ...], detail: pl.Expr | None = None) -> Frame:
    """The rejects' columns; ``detail`` computes the details when the rows have none."""
    names = unique_names(["line", "reason", "detail", *header, "extra_fields"])
    cells = [pl.col(field_name(i)) for i in range(len(header))]
    # Which columns hold any cell that starts like a formula (cheap, from the first byte),
    # and whether any record has extra fields: only those need more.
    found = rejected.lazy().select(
        pl.col(EXTRA).is_not_null().any(), *(checks.starts_like_formula(c).any() for c in cells)
    )
    has_extra, *formulas = found.collect().row(0)
    originals = [
        (checks.neutralize_formula(c) if formula else c).alias(names[3 + i])
        for i, (c, formula) in enumerate(zip(cells, formulas, strict=True))
    ]
    extra = checks.neutralize_formula(pl.col(EXTRA).list.join(",")).alias(names[-1])
    return rejected.select(
        pl.col(LINE).alias("line"),
        pl.col(REASON).alias("reason"),
        (pl.col(DETAIL) if detail is None else detail).alias("detail"),
        *originals,
        *([extra] if has_extra else []),
    )
