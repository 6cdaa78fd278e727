"""Numbers → E.164 as polars expressions; the only module that imports phonenumbers.

The answer for every value is exactly libphonenumber's: ``parse`` with the default region,
``is_valid_number``, ``format_number(E164)``. Each distinct value is decided once.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
import polars as pl

E164 = "e164"
ERROR = "error"
RESULT_DTYPE = pl.Struct({E164: pl.String(), ERROR: pl.String()})

# Spreadsheet damage: scientific notation (9.19876E+11) or a float tail (919876543210.0).
# Digits were lost or the text was reinterpreted; libphonenumber would read the digits left.
EXCEL_MANGLED = re.compile(r"^\s*\+?\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$|^\s*\+?\d+\.0+\s*$")


def phonenumbers_version() -> str:
    """Version of the metadata that decides validity."""
    return str(phonenumbers.__version__)


def is_supported_region(region: str) -> bool:
    """Whether libphonenumber knows the region code (``IN``, ``US``, …)."""
    return region.upper() in phonenumbers.SUPPORTED_REGIONS


@cache
def _decide(value: str | None, region: str) -> tuple[str | None, str | None]:
    if value is None or not value.strip():
        return None, "missing-number"
    if EXCEL_MANGLED.match(value):
        return None, "excel-mangled-number"
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None, "invalid-number"
    if not phonenumbers.is_valid_number(parsed):
        return None, "invalid-number"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def decide_number(value: str | None, region: str = "IN") -> tuple[str | None, str | None]:
    """(E.164 or None, finding code or None) for one value."""
    return _decide(value, region.upper())


def _normalize_series(values: pl.Series, region: str) -> pl.Series:
    distinct = values.unique(maintain_order=True)
    # A Python call per distinct value: libphonenumber is the authority and has no
    # vectorized form; lists repeat values often, so deciding each once is the saving.
    decided = [_decide(v, region) for v in distinct.to_list()]
    lookup = pl.DataFrame(
        {
            "value": distinct,
            E164: [d[0] for d in decided],
            ERROR: [d[1] for d in decided],
        },
        schema={"value": pl.String(), E164: pl.String(), ERROR: pl.String()},
    )
    joined = values.to_frame("value").join(
        lookup, on="value", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(pl.struct(E164, ERROR).alias(values.name)).to_series()


def normalize_numbers(expr: pl.Expr, region: str = "IN") -> pl.Expr:
    """A struct ``{e164, error}`` per value: E.164 when valid, else a finding code.

    ``error`` is one of ``missing-number``, ``excel-mangled-number``, ``invalid-number``.
    Usable in any (lazy) frame: ``pl.col("phone").pipe(normalize_numbers, region="IN")``.
    """
    code = region.upper()
    return expr.cast(pl.String).map_batches(
        lambda s: _normalize_series(s, code), return_dtype=RESULT_DTYPE
    )
