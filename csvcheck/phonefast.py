"""libphonenumber's parse + is_valid_number + E.164, as one polars plan over digit strings.

Private to ``phones.py``. The input is what ``phones`` has already reduced a plain value to:
its ASCII digits (3 to ``MAX_DIGITS`` of them; null for a value phones decides otherwise) and
whether a ``+`` led them. Each step below names the phonenumbers function it mirrors. Rows
whose metadata needs a national-prefix transform rule (Argentina, Brazil, Japan…) are left
undecided for phonenumbers itself.

Every value here is ASCII (digits, and tags of digits, letters and ``.:_``), so lengths
are counted in bytes, which polars does without decoding.

Most rows are the default region's own valid numbers, which ``phoneown``'s short road
decides first; the plan below decides the rest. The '+' hints of the invalid numbers written
without one are the same question asked with a '+': those rows join the plan as rows of
their own, so a batch pays for one plan, not two.

Every step is a column of one frame (a lazy plan, collected a few times): no partition or
plan per region. The default region's own patterns find the calling code; the national
prefix and validity of every region are ``phonejoint``'s few joint regexes, so batch after
batch uses the same patterns and polars compiles each about once per thread. Validity is
matched over (row, region) pairs, so that the rows of shared calling codes (+1, +7, +44…),
with a pair for each region that may claim them, go through the same two matches.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from . import phonejoint, phoneown
from .phonemeta import (
    MAX_NSN,
    MIN_NSN,
    RegionTable,
    calling_code_pattern,
    known,
    table,
)

ROW = "_row"
DIGITS = "_digits"
PLUS = "_plus"
E164 = "e164"
DECIDED = "_decided"
HINT = "hint"
HINT_DECIDED = "_hint_decided"
_ASKED = "_asked"
_POSITION = "_position"
_CC = "_cc"
_NSN = "_nsn"
_TAG = "_tag"
_SHARED = "_shared"
_LEAD = "_lead"
_CANDIDATE = "_candidate"
_SINGLE = "_single"
_SIZED = "_sized"
_AT = "_at"
_REGION = "_region"
_BAD = "_bad"
_DIRECT = "_direct"
_NATIONAL = "_national"
_PREFIX = "_prefix"
_FOUND = "_found"
_REST = "_rest"
_REFUSED = "_refused"
_STRIPPED = "_stripped"
_PLUS_CODE = "_plus_code"
_AFTER_IDD = "_after_idd"
_IDD = "_idd"
_IDD_CODE = "_idd_code"
_OWN_REST = "_own_rest"
_BY_IDD = "_by_idd"
_BY_OWN = "_by_own"
_TEMPORARY = (_CC, _NSN, _TAG, _BAD, _SHARED, _SINGLE)


def _matches(value: pl.Expr, pattern: str | None) -> pl.Expr:
    return pl.lit(False) if pattern is None else value.str.contains(pattern)


def _in_lengths(value: pl.Expr, lengths: tuple[int, ...] | frozenset[int] | None) -> pl.Expr:
    return pl.lit(True) if lengths is None else value.str.len_bytes().is_in(list(lengths))


def _strip_own_prefix(frame: pl.LazyFrame, column: str, region: RegionTable) -> pl.LazyFrame:
    """_maybe_strip_national_prefix_carrier_code with the default region's own patterns.

    Replaces ``column`` by the number with its national prefix stripped. Each step is its
    own column so every regex runs once (a nested expression would repeat them).
    """
    if region.national_prefix is None:
        return frame
    number = pl.col(column)
    frame = frame.with_columns(number.str.extract(region.national_prefix, 1).alias(_PREFIX))
    frame = frame.with_columns(number.str.slice(pl.col(_PREFIX).str.len_bytes()).alias(_REST))
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


def may_be_valid_with_plus(digits: pl.Expr) -> pl.Expr:
    """False (or null) where a '+' and these digits cannot be a valid number: no calling code
    starts them, or their length is none its regions allow (``phonejoint.plus_lengths``)."""
    lengths = phonejoint.plus_lengths()
    code = _leading_code(digits)
    tag = pl.concat_str(code, pl.lit("."), digits.str.len_bytes().cast(pl.String))
    return tag.is_in(list(lengths.tags)) | code.is_in(list(lengths.unbounded))


def _with_country_codes(frame: pl.LazyFrame, default: RegionTable) -> pl.LazyFrame:
    """_maybe_extract_country_code, with parse's retry without the '+'.

    Each regex only sees the rows whose answer can depend on it (others are masked to
    null, which the regex engine skips): the calling code after a '+' only where a '+' was
    written, the IDD and the default code only where that gave no known code, the default
    code's national-prefix test only where the digits start with it.
    """
    digits, plus = pl.col(DIGITS), pl.col(PLUS)
    frame = frame.with_columns(_leading_code(pl.when(plus).then(digits)).alias(_PLUS_CODE))
    frame = frame.with_columns((plus & pl.col(_PLUS_CODE).is_not_null()).alias(_DIRECT))
    # A '+' and a known calling code decide the code: the steps below are for other rows.
    undecided = pl.when(~pl.col(_DIRECT)).then(digits)
    idd = (
        undecided.str.extract(default.international_prefix, 1)
        if default.international_prefix
        else pl.lit(None, pl.String)
    )
    own = default.country_code
    starts_own = undecided.str.starts_with(own).fill_null(False)
    frame = frame.with_columns(
        digits.str.slice(idd.str.len_bytes()).alias(_AFTER_IDD),
        idd.is_not_null().alias(_IDD),
        pl.when(starts_own).then(digits.str.slice(len(own))).alias(_OWN_REST),
    )
    frame = _strip_own_prefix(frame, _OWN_REST, default)
    after_idd, own_rest = pl.col(_AFTER_IDD), pl.col(_OWN_REST)
    by_idd = pl.col(_IDD) & (after_idd.str.slice(0, 1) != "0")
    owned = pl.when(starts_own).then(digits)
    frame = frame.with_columns(
        by_idd.alias(_BY_IDD),
        _leading_code(pl.when(by_idd).then(after_idd)).alias(_IDD_CODE),
        (
            starts_own
            & (
                (~_matches(owned, default.general) & _matches(own_rest, default.general))
                | _in_lengths(digits, default.too_long_lengths)
            ).fill_null(False)
        ).alias(_BY_OWN),
    )
    return _with_codes(frame, default)


def _with_codes(frame: pl.LazyFrame, default: RegionTable) -> pl.LazyFrame:
    """Calling code, national number and the tag of the metadata parse reads it with."""
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
    code_length = pl.col(_CC).str.len_bytes()
    rest = (
        pl.when(direct)
        .then(pl.col(DIGITS).str.slice(code_length))
        .when(by_idd)
        .then(pl.col(_AFTER_IDD).str.slice(code_length))
        .when(by_own)
        .then(pl.col(_OWN_REST))
        .otherwise(pl.col(DIGITS))
    )
    too_short_after_idd = ~direct & by_idd & (pl.col(_AFTER_IDD).str.len_bytes() <= MIN_NSN)
    # National numbers are read with the default region's metadata, the others with their
    # calling code's main region, whose tag is the code itself.
    own_tag = pl.lit(phonejoint.tag_of(default))
    return frame.with_columns(
        rest.alias(_NSN),
        (pl.col(_CC).is_null() | too_short_after_idd).alias(_BAD),
        pl.when(pl.col(_NATIONAL)).then(own_tag).otherwise(pl.col(_CC)).alias(_TAG),
    )


def _tag(tag: pl.Expr, number: pl.Expr) -> pl.Expr:
    return pl.concat_str(tag, pl.lit(":"), number)


def _any_length_tag(tag: pl.Expr, number: pl.Expr) -> pl.Expr:
    return pl.concat_str(tag, pl.lit("." + phonejoint.ANY_LENGTH + ":"), number)


def _sized_tag(tag: pl.Expr, number: pl.Expr) -> pl.Expr:
    length = number.str.len_bytes().cast(pl.String)
    return pl.concat_str(tag, pl.lit("."), length, pl.lit(":"), number)


def _stripped(frame: pl.LazyFrame, tables: phonejoint.Joint) -> pl.LazyFrame:
    """_maybe_strip_national_prefix_carrier_code, then parse's length test on the result."""
    tag, nsn = pl.col(_TAG), pl.col(_NSN)
    # The tagged number with the match removed: what follows the prefix where one matched
    # (a replace finds the match without the capture engines an extract needs).
    frame = frame.with_columns(_tag(tag, nsn).str.replace(tables.national_prefix, "").alias(_REST))
    # Every match holds "TAG:", so a match made the value shorter.
    shorter = pl.col(_REST).str.len_bytes() < tag.str.len_bytes() + nsn.str.len_bytes() + 1
    frame = frame.with_columns(shorter.fill_null(False).alias(_FOUND))
    rest, found = pl.col(_REST), pl.col(_FOUND)
    viable = _any_length_tag(pl.when(found).then(tag), nsn).str.contains(tables.general)
    still = _any_length_tag(pl.when(found).then(tag), rest).str.contains(tables.general)
    frame = frame.with_columns((~found | (viable & ~still)).alias(_REFUSED))
    frame = frame.with_columns(pl.when(pl.col(_REFUSED)).then(nsn).otherwise(rest).alias(_STRIPPED))
    stripped = pl.col(_STRIPPED)
    length = pl.concat_str(tag, pl.lit("."), stripped.str.len_bytes().cast(pl.String))
    kept = pl.when(~pl.col(_REFUSED)).then(length).is_in(list(tables.strip_lengths))
    return frame.with_columns(
        pl.when(kept.fill_null(False)).then(stripped).otherwise(nsn).alias(_NSN)
    ).drop(_FOUND, _REST, _REFUSED, _STRIPPED)


def _validity(frame: pl.DataFrame, in_python: pl.Series | None) -> pl.Series:
    """Is each row's number valid in the region its calling code gives it?

    _number_type_helper(...) != UNKNOWN, over (row, region) pairs: one pair per row of a
    single-region code, a pair per candidate region for a shared code (see ``_pairs``).
    The general description (all regions' joint pattern) first; where it fits, any number
    type's description: for most rows, the joint pattern of the regions present; for the
    rows ``in_python`` marks (a few '+' hints), each region's own pattern in Python (their
    regions vary from batch to batch: compiling their joint pattern in polars would cost
    more than all the matches).
    """
    general = phonejoint.joint().general
    fitting = (
        _pairs(frame)
        .with_columns(_sized_tag(pl.col(_REGION), pl.col(_NSN)).alias(_SIZED))
        .filter(pl.col(_SIZED).str.contains(general))
        .select(_AT, _REGION, _SIZED)
        .collect()
    )
    if in_python is None:
        by_python = fitting.clear()
    else:
        python = in_python.gather(fitting.get_column(_AT))
        by_python, fitting = fitting.filter(python), fitting.filter(~python)
    present = fitting.get_column(_REGION).unique().sort().to_list()
    typed = fitting.get_column(_SIZED).str.contains(phonejoint.types(tuple(present)))
    regions, numbers = by_python.get_column(_REGION), by_python.get_column(_SIZED)
    typed_in_python = pl.Series(
        [
            phonejoint.python_types(region).match(number) is not None
            for region, number in zip(regions.to_list(), numbers.to_list(), strict=True)
        ],
        dtype=pl.Boolean,
    )
    at = pl.concat(
        [fitting.get_column(_AT).filter(typed), by_python.get_column(_AT).filter(typed_in_python)]
    )
    return pl.repeat(False, frame.height, eager=True).scatter(at, True)


def _pairs(frame: pl.DataFrame) -> pl.LazyFrame:
    """(row, region, national number) for every region a row's number may be valid in."""
    rows = frame.lazy().with_row_index(_AT)
    single = rows.filter(pl.col(_SINGLE).is_not_null()).select(
        _AT, pl.col(_SINGLE).alias(_REGION), _NSN
    )
    if not frame.select(pl.col(_SHARED).any()).item():
        return single
    return pl.concat([single, _shared_pairs(rows.filter(pl.col(_SHARED)))])


@cache
def _claims() -> tuple[pl.Expr, pl.Expr, pl.DataFrame, pl.DataFrame]:
    """For rows of shared calling codes: (leading groups, claiming region, the regions
    without leading digits of each code with their places, the place of each region).

    Built once: the expressions have a branch per region with leading digits.
    """
    rules = phonejoint.shared()
    leading = _tag(pl.col(_CC), pl.col(_NSN)).str.extract_groups(rules.leading).alias(_LEAD)
    groups = pl.col(_LEAD).struct
    claimer = pl.coalesce(
        pl.when(groups.field(f"g{i}").is_not_null()).then(pl.lit(t))
        for i, t in enumerate(rules.leading_tags)
    ).alias(_candidate(0))
    codes = list(rules.codes)
    candidates: dict[str, list[str] | list[str | None] | list[int | None]] = {_CC: codes}
    for k, slot in enumerate(rules.candidates, start=1):
        candidates[_candidate(k)] = [slot.get(code) for code in codes]
        candidates[_place(k)] = [rules.position.get(slot.get(code, ""), None) for code in codes]
    places = {_candidate(0): list(rules.position), _place(0): list(rules.position.values())}
    return leading, claimer, pl.DataFrame(candidates), pl.DataFrame(places)


def _candidate(k: int) -> str:
    return f"{_CANDIDATE}{k}"


def _place(k: int) -> str:
    return f"{_CANDIDATE}{k}_place"


def _shared_pairs(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Pairs for rows of shared calling codes: the first region that claims the number (by
    its leading digits), and each region without leading digits listed before it: the
    number is valid if it is valid in any of them."""
    leading, claimer, candidates, places = _claims()
    count = len(phonejoint.shared().candidates)
    lead_at = pl.col(_place(0))
    before_lead = [
        pl.when(lead_at.is_null() | (pl.col(_place(k)) < lead_at)).then(pl.col(_candidate(k)))
        for k in range(1, count + 1)
    ]
    return (
        rows.select(_AT, _CC, _NSN)
        .with_columns(leading)
        .with_columns(claimer)
        .join(candidates.lazy(), on=_CC, how="left", maintain_order="left")
        .join(places.lazy(), on=_candidate(0), how="left", maintain_order="left")
        .with_columns(c.alias(_candidate(k)) for k, c in enumerate(before_lead, start=1))
        .unpivot([_candidate(k) for k in range(count + 1)], index=[_AT, _NSN], value_name=_REGION)
        .filter(pl.col(_REGION).is_not_null())
        .select(_AT, _REGION, _NSN)
    )


_KEPT = (_CC, _NSN, _TAG, _BAD)
"""What the steps after ``_coded`` read, besides the input's own columns."""


def _coded(digits: pl.DataFrame, default: RegionTable) -> pl.DataFrame:
    """Calling code, stripped national number and flags of every row."""
    coded = _with_country_codes(digits.lazy(), default)
    frame = _stripped(coded, phonejoint.joint())
    shared = pl.col(_CC).is_in(list(phonejoint.shared().codes))
    transform = pl.col(_TAG).is_in(list(phonejoint.transform_tags())).fill_null(False)
    decided = pl.col(DIGITS).is_not_null() & (pl.col(_BAD) | ~transform)
    if default.transform:
        # Only '+' and a known code avoid the default region's transform rule.
        decided = decided & pl.col(_DIRECT)
    single = decided & ~pl.col(_BAD) & ~shared.fill_null(False)
    return frame.select(
        *digits.columns,
        *_KEPT,
        decided.alias(DECIDED),
        pl.when(single).then(pl.col(_CC)).alias(_SINGLE),
        (decided & ~pl.col(_BAD) & shared.fill_null(False)).alias(_SHARED),
    ).collect()


def decide(digits: pl.DataFrame, region: str, *, hints: int | None = None) -> pl.DataFrame:
    """Adds ``e164`` (null: invalid) and ``_decided`` to a frame with ``_digits, _plus``.

    Rows whose digits are null are left undecided. With ``hints``, also ``hint`` and
    ``_hint_decided``: for the rows written without a '+' and not found valid on the short
    road, the E.164 form of '+' and their digits where that is valid, and whether this plan
    decided it (where not, phonenumbers must be asked). They are decided with the other
    rows, in the same plan; up to ``hints`` of them have their number types matched in
    Python (see ``_validity``).
    """
    if not known(region):  # phonenumbers itself says what an unknown region means
        return digits.with_columns(
            pl.lit(None, pl.String).alias(E164),
            pl.lit(False).alias(DECIDED),
            pl.lit(None, pl.String).alias(HINT),
            pl.lit(False).alias(HINT_DECIDED),
        )
    short = phoneown.decide(digits, region)
    if short is None:
        short = pl.repeat(None, digits.height, dtype=pl.String, eager=True)
    # The rows the short road left (every row it did not find valid) take the whole plan.
    left = short.is_null() & digits.get_column(DIGITS).is_not_null()
    rest = (
        digits.select(DIGITS, PLUS)
        .with_columns(pl.lit(False).alias(_ASKED))
        .with_row_index(_POSITION)
        .filter(left)
    )
    asked = rest.head(0)
    if hints is not None:
        # Most invalid numbers are too short or too long to be any number with a '+'.
        wanted = ~pl.col(PLUS) & may_be_valid_with_plus(pl.col(DIGITS))
        asked = rest.filter(wanted).with_columns(
            pl.lit(True).alias(PLUS), pl.lit(True).alias(_ASKED)
        )
    decided = _decide(pl.concat([rest, asked]), region, asked.height <= (hints or 0))
    rows, hinted = decided.head(rest.height), decided.slice(rest.height)
    at, hinted_at = rows.get_column(_POSITION), hinted.get_column(_POSITION)
    return digits.with_columns(
        short.is_not_null().scatter(at, rows.get_column(DECIDED)).alias(DECIDED),
        short.scatter(at, rows.get_column(E164)).alias(E164),
        pl.repeat(None, digits.height, dtype=pl.String, eager=True)
        .scatter(hinted_at, hinted.get_column(E164))
        .alias(HINT),
        pl.repeat(True, digits.height, eager=True)
        .scatter(hinted_at, hinted.get_column(DECIDED))
        .alias(HINT_DECIDED),
    )


def _decide(digits: pl.DataFrame, region: str, asked_in_python: bool) -> pl.DataFrame:
    frame = _coded(digits, table(region))
    valid = _validity(frame, frame.get_column(_ASKED) if asked_in_python else None)
    length = pl.col(_NSN).str.len_bytes()
    ok = pl.col(DECIDED) & ~pl.col(_BAD) & valid & length.is_between(MIN_NSN, MAX_NSN)
    e164 = pl.when(ok).then(pl.concat_str(pl.lit("+"), pl.col(_CC), pl.col(_NSN)))
    return frame.with_columns(e164.alias(E164)).drop(_TEMPORARY)
