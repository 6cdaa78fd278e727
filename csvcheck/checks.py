"""Row checks as polars expressions over whole columns (no loops over rows)."""

from __future__ import annotations

import polars as pl

# Deliberately loose: one @, something before it, a dot in the domain, no spaces.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
FORMULA_PATTERN = r"^[=+\-@\t\r]"
# A phone number written with + and separators is data, not a formula.
PHONE_LIKE_PATTERN = r"^\+[\d\s().\-]+$"


def is_blank(value: pl.Expr) -> pl.Expr:
    """Null or only white space."""
    return value.is_null() | (value.str.strip_chars() == "")


def invalid_email(value: pl.Expr) -> pl.Expr:
    """A non-blank value that does not look like an email address."""
    trimmed = value.str.strip_chars()
    return ~is_blank(value) & ~trimmed.str.contains(EMAIL_PATTERN)


def formula_like(value: pl.Expr) -> pl.Expr:
    """A cell a spreadsheet could run as a formula."""
    starts_like_formula = value.str.contains(FORMULA_PATTERN)
    return (starts_like_formula & ~value.str.contains(PHONE_LIKE_PATTERN)).fill_null(False)


def too_long(value: pl.Expr, limit: int) -> pl.Expr:
    """Longer than ``limit`` characters."""
    return (value.str.len_chars() > limit).fill_null(False)


def has_replacement_character(value: pl.Expr) -> pl.Expr:
    """Holds U+FFFD, the mark a decoder leaves where bytes were lost."""
    return value.str.contains("\ufffd", literal=True).fill_null(False)


def needs_trim(value: pl.Expr) -> pl.Expr:
    """Has white space around it."""
    return (value != value.str.strip_chars()).fill_null(False)


def neutralize_formula(value: pl.Expr) -> pl.Expr:
    """Prefix a formula-like cell with ' so a spreadsheet shows it as text."""
    return pl.when(formula_like(value)).then(pl.lit("'") + value).otherwise(value)
