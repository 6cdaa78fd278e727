"""Numbers → E.164 as polars expressions; with its private helpers the only phonenumbers user.

The answer for every value is exactly libphonenumber's: ``parse`` with the default region,
``is_valid_number``, ``format_number(E164)``. Plain values (ASCII digits with spaces, dashes,
dots, parentheses and a leading ``+``) are decided by polars expressions built from
phonenumbers' own metadata (``phonefast``, ``phonemeta``); everything else (letters,
extensions, Unicode digits, national-prefix transform rules…) goes to phonenumbers itself,
once per distinct value. The differential tests prove the two paths agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import polars as pl

from . import phonefast, phonemeta

E164 = "e164"
ERROR = "error"
WARNING = "warning"
HINT = "hint"
RESULT_DTYPE = pl.Struct(
    {E164: pl.String(), ERROR: pl.String(), WARNING: pl.String(), HINT: pl.String()}
)

MISSING = "missing-number"
EXCEL = "excel-mangled-number"
INVALID = "invalid-number"
LETTERS_DROPPED = "number-letters-dropped"
EXTENSION_DROPPED = "number-extension-dropped"

# Spreadsheet damage: scientific notation (9.19876E+11) or a float tail (919876543210.0).
# Digits were lost or the text was reinterpreted; libphonenumber would read the digits left.
EXCEL_MANGLED = re.compile(r"^\s*\+?\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$|^\s*\+?\d+\.0+\s*$")
# The same on ASCII, for polars; values it misses that EXCEL_MANGLED catches are not plain.
_EXCEL_ASCII = (
    r"^[ \t\n\r\f\v]*\+?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+[ \t\n\r\f\v]*$"
    r"|^[ \t\n\r\f\v]*\+?[0-9]+\.0+[ \t\n\r\f\v]*$"
)
_BLANK_ASCII = r"^[ \t]*$"
# Plain: no letters, extension marks (x # , ; ~), Unicode or second '+'. For these
# libphonenumber's extraction keeps the digits in order and the '+' if it leads them.
_PLAIN = r"^[ (]*\+?[0-9 ().\-]*$"
# A plain number, then an extension: libphonenumber reads the digits after "ext", "extn" or
# "x" (with an optional "." and spaces or dashes) as an extension and parses the number
# before it. Explicit labels allow 20 digits, "x" 9: up to 7 are read here.
_EXTENSION = r"^([ (]*\+?[0-9 ().\-]*?)[ ]*(?:[Ee][Xx][Tt][Nn]?|[Xx])\.?[ \-]*[0-9]{1,7}$"
# ASCII letters among plain characters after the first three digits (before them the value
# is not a number), with no "x" or "int" (extension marks): libphonenumber drops one or two
# letters and reads three or more on a phone keypad (1-800-FLOWERS).
_LETTERS = r"^[ (]*\+?(?:[ ().\-]*[0-9]){3}[0-9 ().\-A-WYZa-wyz]*$"
_NOT_LETTERS = r"[Ii][Nn][Tt]"
_KEYPAD_FROM = 3
_KEYPAD = {
    letter: digit
    for digit, keys in zip(
        "23456789", ("ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"), strict=True
    )
    for key in keys
    for letter in (key, key.lower())
}
_DROPPED = dict.fromkeys(_KEYPAD, "")
_SEPARATORS = [" ", "(", ")", ".", "-", "+"]
_LEADING_PLUS = r"^[ (]*\+"
_MAX_INPUT = 250
FAST_FROM = 2000
"""Fewer plain values than this go to phonenumbers: compiling the patterns (~0.1 s) costs more."""
_VALUE = "_value"
_MISSING = "_missing"
_EXCEL = "_excel"
_PLAIN_SHAPE = "_plain_shape"
_PLAIN_COLUMN = "_plain"
_EXTENSION_PART = "_extension_part"
_LETTER_COUNT = "_letter_count"
_ANSWERS = (E164, ERROR, WARNING, HINT)
_START = re.compile("[+\uff0b\\d]")  # libphonenumber's first character of a number
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Decision:
    """libphonenumber's answer for one value."""

    e164: str | None = None
    """The number in E.164, or None when it is not valid."""
    error: str | None = None
    """missing-number, excel-mangled-number or invalid-number."""
    warning: str | None = None
    """number-letters-dropped or number-extension-dropped: valid, but a person should look."""
    hint: str | None = None
    """For an invalid number: its E.164 form if it is valid with a '+' in front."""


def phonenumbers_version() -> str:
    """Version of the metadata that decides validity."""
    return phonemeta.version()


def is_supported_region(region: str) -> bool:
    """Whether libphonenumber knows the region code (``IN``, ``US``, …)."""
    return phonemeta.known(region.upper())


def _parse(value: str, region: str) -> tuple[str | None, str | None]:
    """(E.164 or None, extension or None) straight from phonenumbers."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(number):
        return None, None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, number.extension or None


def _warning(value: str, extension: str | None) -> str | None:
    if extension:
        return EXTENSION_DROPPED
    start = _START.search(value)
    tail = value[start.start() :] if start else ""
    # Three or more letters after the number starts are read as a keypad (vanity) number.
    vanity = len(_ASCII_LETTER.findall(tail)) >= 3
    has_letters = any(ch.isalpha() for ch in value)
    return LETTERS_DROPPED if has_letters and not vanity else None


@lru_cache(maxsize=50_000)
def _plus_hint(value: str, region: str) -> str | None:
    """The E.164 form of a value with a '+' in front, when phonenumbers finds it valid."""
    return _parse("+" + value, region)[0]


@lru_cache(maxsize=200_000)  # bounded: a long-running process meets many lists
def _decide(value: str | None, region: str) -> Decision:
    if value is None or not value.strip():
        return Decision(error=MISSING)
    if EXCEL_MANGLED.match(value):
        return Decision(error=EXCEL)
    e164, extension = _parse(value, region)
    if e164 is None:
        hint = None if "+" in value or "\uff0b" in value else _plus_hint(value, region)
        return Decision(error=INVALID, hint=hint)
    return Decision(e164=e164, warning=_warning(value, extension))


def decide_number(value: str | None, region: str = "IN") -> Decision:
    """libphonenumber's answer for one value, decided by phonenumbers itself."""
    return _decide(value, region.upper())


def _digits(value: pl.Expr, letters: dict[str, str]) -> pl.Expr:
    """The value with the separators removed and ASCII letters replaced (literal, fast)."""
    old = _SEPARATORS + list(letters)
    return value.str.replace_many(old, [""] * len(_SEPARATORS) + list(letters.values()))


def _classified(values: pl.Series) -> pl.DataFrame:
    value = pl.col(_VALUE)
    frame = values.to_frame(_VALUE).lazy().with_row_index(phonefast.ROW)
    short = value.str.len_bytes() <= _MAX_INPUT
    frame = frame.with_columns(
        (value.is_null() | value.str.contains(_BLANK_ASCII)).alias(_MISSING),
        value.str.contains(_EXCEL_ASCII).fill_null(False).alias(_EXCEL),
        (short & value.str.contains(_PLAIN)).fill_null(False).alias(_PLAIN_SHAPE),
        value.str.contains(_LEADING_PLUS).fill_null(False).alias(phonefast.PLUS),
    )
    plain_shape = pl.col(_PLAIN_SHAPE)
    others = pl.when(~plain_shape & short).then(value)
    letters = pl.when(others.str.contains(_LETTERS) & ~others.str.contains(_NOT_LETTERS))
    frame = frame.with_columns(
        others.str.extract(_EXTENSION, 1).alias(_EXTENSION_PART),
        letters.then(value.str.count_matches("[A-Za-z]")).alias(_LETTER_COUNT),
    )
    count, extension = pl.col(_LETTER_COUNT), pl.col(_EXTENSION_PART)
    # Only the values read here use their digits: removing the separators _PLAIN allows
    # (and the letters) is enough, and a literal multi-replace is faster than a regex.
    dropped = pl.when(count < _KEYPAD_FROM).then(value)
    digits = (
        pl.when(extension.is_not_null())
        .then(_digits(extension, {}))
        .when(count < _KEYPAD_FROM)
        .then(_digits(dropped, _DROPPED))
        .otherwise(_digits(value, _KEYPAD))  # plain values have no letter to read
    )
    frame = frame.with_columns(digits.alias(phonefast.DIGITS))
    fast = (
        ~pl.col(_MISSING)
        & ~pl.col(_EXCEL)
        & (plain_shape | extension.is_not_null() | count.is_not_null())
        & pl.col(phonefast.DIGITS).str.len_bytes().is_between(3, phonemeta.MAX_DIGITS)
    )
    return frame.with_columns(fast.fill_null(False).alias(_PLAIN_COLUMN)).collect()


FEW_HINTS = 5_000
"""Up to this many numbers asked for a hint in a batch, their number types are matched in
Python (see phonefast.decide)."""


def _hints(frame: pl.DataFrame, region: str) -> pl.Series:
    """The '+' hint of every row: for the invalid numbers written without a '+', the E.164
    form they would have with a '+' in front, when that is valid."""
    asked = pl.col(phonefast.DECIDED) & pl.col(phonefast.E164).is_null() & ~pl.col(phonefast.PLUS)
    hint = frame.select(pl.when(asked).then(pl.col(phonefast.HINT))).to_series()
    # The fast path decided most hints with the numbers; the rest (transform rules) are
    # asked of phonenumbers.
    slow = frame.select((asked & ~pl.col(phonefast.HINT_DECIDED)).arg_true()).to_series()
    values = frame.get_column(_VALUE).gather(slow).to_list()
    return hint.scatter(slow, pl.Series([_plus_hint(v, region) for v in values], dtype=pl.String))


def _slow(
    answers: pl.DataFrame, rows: pl.Series, values: list[str | None], region: str
) -> pl.DataFrame:
    """The answers with phonenumbers' own for the values at ``rows`` (positions)."""
    # A Python call per value, cached (lru) so that a value repeated in the list is
    # decided once: libphonenumber itself decides what the fast path cannot.
    decisions = [_decide(v, region) for v in values]
    return answers.with_columns(
        answers.get_column(c).scatter(
            rows, pl.Series([getattr(d, c) for d in decisions], dtype=pl.String)
        )
        for c in _ANSWERS
    )


def _normalize_series(
    values: pl.Series, region: str, fast_from: int = FAST_FROM, hints: bool = True
) -> pl.Series:
    frame = _classified(values)
    plain = pl.col(_PLAIN_COLUMN)
    if frame.select(plain.sum()).item() < fast_from:
        plain = pl.lit(False)
    masked = pl.when(plain).then(pl.col(phonefast.DIGITS)).alias(phonefast.DIGITS)
    asked = FEW_HINTS if hints else None
    frame = phonefast.decide(frame.with_columns(masked), region, hints=asked)
    hint = (
        _hints(frame, region)
        if hints
        else pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    )
    missing, excel, e164 = pl.col(_MISSING), pl.col(_EXCEL), pl.col(phonefast.E164)
    error = pl.when(missing).then(pl.lit(MISSING)).when(excel).then(pl.lit(EXCEL))
    count = pl.col(_LETTER_COUNT)
    warning = (
        pl.when(e164.is_null())
        .then(None)
        .when(pl.col(_EXTENSION_PART).is_not_null())
        .then(pl.lit(EXTENSION_DROPPED))
        .when(count < _KEYPAD_FROM)
        .then(pl.lit(LETTERS_DROPPED))
    )
    answers = frame.select(
        e164.alias(E164),
        error.when(e164.is_null()).then(pl.lit(INVALID)).alias(ERROR),
        warning.cast(pl.String).alias(WARNING),
        hint.alias(HINT),
    )
    slow = frame.select((~missing & ~excel & ~pl.col(phonefast.DECIDED)).arg_true()).to_series()
    if len(slow):
        answers = _slow(answers, slow, frame.get_column(_VALUE).gather(slow).to_list(), region)
        if not hints:  # phonenumbers gave the slow values theirs
            answers = answers.with_columns(pl.lit(None, pl.String).alias(HINT))
    return answers.select(pl.struct(_ANSWERS).alias(values.name)).to_series()


def normalize_numbers(expr: pl.Expr, region: str = "IN", *, hints: bool = True) -> pl.Expr:
    """A struct ``{e164, error, warning, hint}`` per value, exactly as libphonenumber decides.

    ``e164`` is set when the number is valid; otherwise ``error`` is ``missing-number``,
    ``excel-mangled-number`` or ``invalid-number``. ``warning`` marks a valid number a person
    should still look at (``number-letters-dropped``, ``number-extension-dropped``);
    ``hint`` is the E.164 form of an invalid number that is valid with a ``+`` in front.
    ``hints=False`` leaves ``hint`` null and skips its second pass over the invalid numbers
    (about a tenth of the time), for a caller that shows few of them
    (:func:`decide_number` gives one value's).
    Usable in any (lazy) frame: ``pl.col("phone").pipe(normalize_numbers, region="IN")``.
    """
    code = region.upper()
    return expr.cast(pl.String).map_batches(
        lambda s: _normalize_series(s, code, hints=hints), return_dtype=RESULT_DTYPE
    )
