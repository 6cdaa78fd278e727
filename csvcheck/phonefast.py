"""libphonenumber's parse + is_valid_number + E.164, as polars expressions over digit strings.

Private to ``phones.py``. The input is what ``phones`` has already reduced a plain value to:
its ASCII digits (3 to ``MAX_DIGITS`` of them) and whether a ``+`` led them. Each step below
names the phonenumbers function it mirrors. Rows whose metadata needs a national-prefix
transform rule (Argentina, Brazil, Japan…) are left undecided for phonenumbers itself.

The work is one pass per step over the whole column for the default region (calling
code, IDD, national prefix), then the national prefix and validity per calling code: codes
with few rows together in ``phonejoint``'s one pass, big or shared codes in a lazy plan
each, all collected at once. Patterns are compiled once per call, never per row.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from . import phonejoint
from .phonemeta import (
    MAX_NSN,
    MIN_NSN,
    RegionTable,
    calling_code_pattern,
    known,
    main_keys,
    shortest,
    table,
)
from .phonemeta import validating_keys as validating

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

ROW = "_row"
DIGITS = "_digits"
PLUS = "_plus"
E164 = "e164"
DECIDED = "_decided"
_CC = phonejoint.CC
_NSN = phonejoint.NSN
_KEY = "_key"
_BAD = "_bad"
_DIRECT = "_direct"
_PREFIX = "_prefix"
_REST = "_rest"
_STRIPPED = "_stripped"
_PLUS_CODE = "_plus_code"
_AFTER_IDD = "_after_idd"
_IDD = "_idd"
_IDD_CODE = "_idd_code"
_OWN_REST = "_own_rest"
_BY_IDD = "_by_idd"
_BY_OWN = "_by_own"
_NATIONAL = "_national"
_VALID = "_valid"


def _matches(value: pl.Expr, pattern: str | None) -> pl.Expr:
    return pl.lit(False) if pattern is None else value.str.contains(pattern)


def _in_lengths(value: pl.Expr, lengths: tuple[int, ...] | frozenset[int] | None) -> pl.Expr:
    return pl.lit(True) if lengths is None else value.str.len_chars().is_in(list(lengths))


def _strip_national_prefix(frame: Frame, column: str, region: RegionTable) -> Frame:
    """_maybe_strip_national_prefix_carrier_code, for metadata without a transform rule.

    Replaces ``column`` by the number with its national prefix stripped. Each step is its
    own column so every regex runs once (a nested expression would repeat them).
    """
    if region.national_prefix is None:
        return frame
    number = pl.col(column)
    frame = frame.with_columns(number.str.extract(region.national_prefix, 1).alias(_PREFIX))
    frame = frame.with_columns(number.str.slice(pl.col(_PREFIX).str.len_chars()).alias(_REST))
    refused = pl.col(_PREFIX).is_null() | (
        _matches(number, region.general) & ~_matches(pl.col(_REST), region.general)
    )
    stripped = pl.when(refused).then(number).otherwise(pl.col(_REST)).alias(column)
    return frame.with_columns(stripped).drop(_PREFIX, _REST)


def _leading_code(digits: pl.Expr) -> pl.Expr:
    """_extract_country_code: the known 1-3 digit calling code at the start.

    Calling codes are prefix-free (checked in phonemeta), so one alternation finds the one
    libphonenumber's shortest-first loop finds.
    """
    return digits.str.extract(calling_code_pattern(), 1)


def _with_country_codes(frame: pl.DataFrame, default: RegionTable) -> pl.DataFrame:
    """_maybe_extract_country_code, with parse's retry without the '+'."""
    digits, plus = pl.col(DIGITS), pl.col(PLUS)
    idd = (
        digits.str.extract(default.international_prefix, 1)
        if default.international_prefix
        else pl.lit(None, pl.String)
    )
    own = default.country_code
    frame = frame.with_columns(
        _leading_code(digits).alias(_PLUS_CODE),
        digits.str.slice(idd.str.len_chars()).alias(_AFTER_IDD),
        idd.is_not_null().alias(_IDD),
        digits.str.slice(len(own)).alias(_OWN_REST),
    )
    frame = _strip_national_prefix(frame, _OWN_REST, default)
    after_idd, own_rest = pl.col(_AFTER_IDD), pl.col(_OWN_REST)
    frame = frame.with_columns(
        (plus & pl.col(_PLUS_CODE).is_not_null()).alias(_DIRECT),
        (pl.col(_IDD) & (after_idd.str.slice(0, 1) != "0")).alias(_BY_IDD),
        _leading_code(after_idd).alias(_IDD_CODE),
        (
            digits.str.starts_with(own)
            & (
                (~_matches(digits, default.general) & _matches(own_rest, default.general))
                | _in_lengths(digits, default.too_long_lengths)
            )
        ).alias(_BY_OWN),
    )
    return _with_codes(frame, default)


def _with_codes(frame: pl.DataFrame, default: RegionTable) -> pl.DataFrame:
    direct, by_idd, by_own = pl.col(_DIRECT), pl.col(_BY_IDD), pl.col(_BY_OWN)
    national = ~pl.col(PLUS) & ~by_idd & ~by_own
    own = pl.lit(default.country_code)
    code = (
        pl.when(direct)
        .then(pl.col(_PLUS_CODE))
        .when(by_idd)
        .then(pl.col(_IDD_CODE))
        .when(by_own | national)
        .then(own)
    )
    frame = frame.with_columns(code.alias(_CC), national.alias(_NATIONAL))
    code_length = pl.col(_CC).str.len_chars()
    rest = (
        pl.when(direct)
        .then(pl.col(DIGITS).str.slice(code_length))
        .when(by_idd)
        .then(pl.col(_AFTER_IDD).str.slice(code_length))
        .when(by_own)
        .then(pl.col(_OWN_REST))
        .otherwise(pl.col(DIGITS))
    )
    too_short_after_idd = ~direct & by_idd & (pl.col(_AFTER_IDD).str.len_chars() <= MIN_NSN)
    keys = pl.DataFrame(
        {_CC: list(main_keys()), _KEY: list(main_keys().values())},
        schema={_CC: pl.String, _KEY: pl.String},
    )
    return (
        frame.select(
            ROW,
            DIGITS,
            PLUS,
            _CC,
            _NATIONAL,
            _DIRECT,
            rest.alias(_NSN),
            (pl.col(_CC).is_null() | too_short_after_idd).alias(_BAD),
        )
        .join(keys, on=_CC, how="left")
        .with_columns(
            pl.when(pl.col(_NATIONAL)).then(pl.lit(default.key)).otherwise(pl.col(_KEY)).alias(_KEY)
        )
    )


def _valid_in(nsn: pl.Expr, region: RegionTable) -> pl.Expr:
    """_number_type_helper(...) != UNKNOWN: the general pattern and any type pattern."""
    general = _in_lengths(nsn, region.general_lengths) & _matches(nsn, region.general)
    if not region.types:
        return pl.lit(False)
    types = pl.any_horizontal(
        _in_lengths(nsn, group.lengths) & nsn.str.contains(group.pattern) for group in region.types
    )
    return general & types


def _shared_validity(nsn: pl.Expr, country_code: str) -> pl.Expr:
    """_region_code_for_number_from_list: the first region sharing the code that claims
    the number (leading digits, else validity) decides its validity.

    One expression (a chain over the few regions sharing a code, not over rows), so a
    shared code costs no frame splits and no collects of its own.
    """
    pairs = []
    for key in validating(country_code):
        region = table(key)
        valid = _valid_in(nsn, region)
        if region.leading_digits:
            pairs.append((_matches(nsn, region.leading_digits), valid))
        else:
            pairs.append((valid, pl.lit(True)))
    chain: Then | ChainedThen = pl.when(pairs[0][0]).then(pairs[0][1])
    for claim, then in pairs[1:]:
        chain = chain.when(claim).then(then)
    return chain.otherwise(pl.lit(False))


def _with_validity(part: pl.LazyFrame, country_code: str) -> pl.LazyFrame:
    """is_valid_number on the stripped national numbers of one calling code."""
    keys = validating(country_code)
    if len(keys) > 1:
        return part.with_columns(_shared_validity(pl.col(_NSN), country_code).alias(_VALID))
    return part.with_columns(_valid_in(pl.col(_NSN), table(keys[0])).alias(_VALID))


_KEEP = (ROW, DIGITS, PLUS)
OWN_PLAN_FROM = 20_000
"""A calling code with this many rows gets its own plan instead of the joint pass."""


def _undecided(part: Frame) -> Frame:
    return part.select(*_KEEP, pl.lit(None, pl.String).alias(E164), pl.lit(False).alias(DECIDED))


def _decide_partition(part: pl.LazyFrame, key: str, country_code: str) -> pl.LazyFrame:
    region = table(key)
    if region.transform:
        return _undecided(part)
    nsn = pl.col(_NSN)
    part = _strip_national_prefix(part.with_columns(nsn.alias(_STRIPPED)), _STRIPPED, region)
    stripped = pl.col(_STRIPPED)
    kept = pl.when(_in_lengths(stripped, region.strip_lengths)).then(stripped).otherwise(nsn)
    part = _with_validity(part.with_columns(kept.alias(_NSN)), country_code)
    length = nsn.str.len_chars()
    valid = (length >= MIN_NSN) & (length <= MAX_NSN) & pl.col(_VALID)
    e164 = pl.when(valid).then(pl.concat_str(pl.lit("+" + country_code), nsn))
    return part.select(*_KEEP, e164.alias(E164), pl.lit(True).alias(DECIDED))


def _too_short_out(coded: pl.DataFrame, pieces: list[pl.DataFrame]) -> pl.DataFrame:
    """Rows shorter than every length their calling code allows are invalid whatever the
    national prefix does (stripping only shortens): decide them without a partition."""
    if coded.is_empty():
        return coded
    codes = coded.get_column(_CC).unique().to_list()
    least = pl.col(_CC).replace_strict(
        pl.Series(codes, dtype=pl.String),
        pl.Series([shortest(c) for c in codes], dtype=pl.Int64),
        return_dtype=pl.Int64,
    )
    short = pl.col(_NSN).str.len_chars() < least
    pieces.append(_invalid(coded.filter(short)))
    return coded.filter(~short)


def _invalid(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(*_KEEP, pl.lit(None, pl.String).alias(E164), pl.lit(True).alias(DECIDED))


def decide(digits: pl.DataFrame, region: str) -> pl.DataFrame:
    """Adds ``e164`` (null: invalid) and ``_decided`` to a frame of ``ROW, _digits, _plus``."""
    if not known(region):
        return _undecided(digits)  # phonenumbers itself says what an unknown region means
    default = table(region)
    coded = _with_country_codes(digits, default)
    pieces: list[pl.DataFrame] = []
    if default.transform:
        # Only '+' and a known code avoid the default region's transform rule.
        pieces.append(_undecided(coded.filter(~pl.col(_DIRECT))))
        coded = coded.filter(pl.col(_DIRECT))
    bad = coded.filter(pl.col(_BAD))
    pieces.append(
        bad.select(*_KEEP, pl.lit(None, pl.String).alias(E164), pl.lit(True).alias(DECIDED))
    )
    good = _too_short_out(coded.filter(~pl.col(_BAD)), pieces)
    single = _single_region_codes(good)
    joint = good.filter(pl.col(_CC).is_in(single))
    plans = [_joint_plan(joint)] if not joint.is_empty() else []
    # Shared and transform codes: one lazy plan per code, run together on the thread pool.
    parts = good.filter(~pl.col(_CC).is_in(single)).partition_by(_KEY, _CC, as_dict=True)
    plans += [
        _decide_partition(part.lazy(), str(key), str(cc)) for (key, cc), part in parts.items()
    ]
    return pl.concat(pieces + pl.collect_all(plans))


def _single_region_codes(coded: pl.DataFrame) -> list[str]:
    """Codes the joint pass decides: one region, no transform rule, and too few rows to
    be worth a plan of their own (tagging costs more than a plan on a big partition)."""
    counts = coded.get_column(_CC).value_counts()
    return [
        code
        for code, rows in counts.iter_rows()
        if rows < OWN_PLAN_FROM
        and len(validating(code)) == 1
        and not table(main_keys()[code]).transform
    ]


def _joint_plan(rows: pl.DataFrame) -> pl.LazyFrame:
    return phonejoint.e164(rows, _KEEP).with_columns(pl.lit(True).alias(DECIDED))
