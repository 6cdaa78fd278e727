"""Row checks as polars expressions over whole columns (no loops over rows)."""

from __future__ import annotations

import polars as pl

# Deliberately loose: one @, something before it, a dot in the domain, no spaces.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
_EMAIL_OR_BLANK = r"^\s*(?:" + EMAIL_PATTERN[1:-1] + r")?\s*$"
FORMULA_PATTERN = r"^[=+\-@\t\r]"
# A phone number written with + and separators is data, not a formula.
PHONE_LIKE_PATTERN = r"^\+[\d\s().\-]+$"


def is_blank(value: pl.Expr) -> pl.Expr:
    """Null or only white space."""
    return value.is_null() | (value.str.strip_chars() == "")


def invalid_email(value: pl.Expr) -> pl.Expr:
    """A non-blank value that does not look like an email address."""
    # One regex: white space around an address, or only white space, is allowed. The
    # address's classes hold no white space, so this is the pattern on the trimmed value.
    return ~value.str.contains(_EMAIL_OR_BLANK).fill_null(True)


def starts_like_formula(value: pl.Expr) -> pl.Expr:
    """Starts with a character a spreadsheet reads as the start of a formula.

    The same as matching ``FORMULA_PATTERN``, from the first byte alone (all six characters
    are ASCII), without a regex.
    """
    first = value.cast(pl.Binary).bin.get(0, null_on_oob=True)
    return first.is_in(list(b"=+-@\t\r")).fill_null(False)


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


def may_be_flagged(value: pl.Expr, limit: int) -> pl.Expr:
    """True for every cell :func:`formula_like`, :func:`needs_trim` or :func:`too_long` flag
    (and for a few more): a cheap first pass, the exact checks run on the cells it keeps.

    It compares each cell's start, last byte and length instead of running a regex. A flagged
    cell starts with white space or one of ``= + - @`` (all below "A"; white space beyond
    ASCII starts with a byte of at least 0x80), ends with white space (a last byte up to 0x20
    or at least 0x80), or has more than ``limit`` characters, so more than ``limit`` bytes.
    """
    last = value.cast(pl.Binary).bin.get(-1, null_on_oob=True)
    plain_start = (value >= "A") & (value < "\x80")
    plain_end = (last > 0x20) & (last < 0x80)
    odd = (~plain_start | ~plain_end) & (value != "")
    return (odd | (value.str.len_bytes() > limit)).fill_null(False)


def holds_replacement_character(value: pl.Expr) -> pl.Expr:
    """Whether any cell of the column holds U+FFFD (one search over the joined column).

    Joining cannot make a U+FFFD that no cell holds: its first byte starts a character.
    """
    return value.str.join("").str.contains("\ufffd", literal=True).fill_null(False)
