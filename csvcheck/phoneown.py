"""The default region's own valid numbers, in the spellings people use most, in a few passes.

Private to ``phonefast``, which calls it before its general plan: most numbers of a list
are numbers of the default region written in one of five ways, and each way leads
libphonenumber to the same answer by a short road. For a default region with calling code
``CC``, international prefix ``IDD`` and national prefix ``NP`` (both plain digit strings)
and a national number ``N`` that does not start with ``0``, ``NP``'s or ``IDD``'s first
digit (so that no prefix can be read into it):

  ``+CC N``, ``IDD CC N``   ``_extract_country_code`` reads ``CC``; N keeps its digits
  ``NP N``                  the national prefix is stripped (N is valid, so it fits the
                            general pattern), and kept when N's length is possible
  ``N``                     read at home: not an IDD, no national prefix; starting with CC,
                            it stays whole where the general pattern fits it and it is not
                            too long (a valid N is neither)
  ``CC N``                  without a '+': CC is taken where the whole digit string does
                            not fit the general pattern or is too long, as in
                            ``_maybe_extract_country_code``

and the answer is ``+CC N`` exactly when N is valid in the region: the general description
and any number type's description, lengths included (``_number_type_helper``). Each of the
region's patterns must imply its own allowed lengths (``pattern_lengths`` reads them off
the pattern), so that validity is two plain regex matches.

Only valid numbers are decided here; every other row goes on to ``phonefast``'s general
plan, which decides it as if this step were not there. Regions whose calling code is
shared (+1, +7, +44…: another region may claim the number), whose national prefix has a
transform rule, or whose prefixes are patterns rather than digit strings, take the general
plan for every row (152 of 245 regions have a short road with phonenumbers 9.0.43; India
does). The differential tests compare both roads with phonenumbers itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import polars as pl

from . import phonejoint
from .patternlengths import pattern_lengths
from .phonemeta import MAX_NSN, MIN_NSN, RegionTable, table

_LITERAL = re.compile(r"\^\(([0-9]+)\)$")
# The columns of phonefast's frame (phonefast imports this module, not the other way).
DIGITS = "_digits"
PLUS = "_plus"
E164 = "e164"
_NUMBER = "_own_number"
_FITS = "_own_fits"


@dataclass(frozen=True, slots=True)
class Own:
    """What the short road needs of one region."""

    code: str
    """The calling code."""
    national_prefix: str | None
    idd: str | None
    never_first: tuple[str, ...]
    """Digits N may not start with."""
    prefix_lengths: tuple[int, ...]
    """Lengths of N for which ``NP N`` keeps N (``RegionTable.strip_lengths``)."""
    too_long: tuple[int, ...]
    """Lengths of a whole digit string libphonenumber calls too long."""
    general: str
    """Full-match pattern of the general description; it implies the general lengths."""
    types: str
    """Full-match pattern of every number type; each implies its type's lengths."""


def _literal(anchored: str | None) -> str | None:
    """The digits of a ``^(digits)`` prefix; '' when the prefix is a pattern."""
    if anchored is None:
        return None
    match = _LITERAL.match(anchored)
    return match.group(1) if match else ""


@cache
def own(region: str) -> Own | None:
    """The short road of a default region, or None when it has none."""
    t = table(region)
    prefix, idd = _literal(t.national_prefix), _literal(t.international_prefix)
    never_first = {"0"} | {p[0] for p in (prefix, idd) if p}
    types = _plain_types(t)
    if (
        t.transform
        or prefix == ""
        or idd == ""
        or t.general is None
        or types is None
        or not _within(t.general, t.general_lengths)
        or t.country_code in phonejoint.shared().codes
        or phonejoint.tag_of(t) != t.country_code
        or t.country_code[0] in never_first
    ):
        return None
    return Own(
        code=t.country_code,
        national_prefix=prefix,
        idd=idd,
        never_first=tuple(sorted(never_first)),
        prefix_lengths=tuple(sorted(t.strip_lengths)),
        too_long=tuple(sorted(t.too_long_lengths)),
        general=t.general,
        types=types,
    )


def _plain_types(t: RegionTable) -> str | None:
    """One full-match pattern of every number type, when each type's pattern only matches
    numbers of its allowed lengths (so that the lengths need no test of their own)."""
    if not t.types or not all(_within(g.pattern, g.lengths) for g in t.types):
        return None
    return f"^(?:{'|'.join(g.pattern for g in t.types)})$"


def _within(pattern: str, lengths: tuple[int, ...] | None) -> bool:
    """Whether a full-match pattern only matches strings of these lengths (None: any)."""
    if lengths is None:
        return True
    matched = pattern_lengths(pattern)
    return matched is not None and matched <= set(lengths)


def decide(frame: pl.DataFrame, region: str) -> pl.Series | None:
    """``+CC N`` for the rows the short road decides (valid numbers), null for the others.

    ``frame`` has ``_digits`` (ASCII digits; null: not read here) and ``_plus`` (a '+' led
    them). None when the region has no short road.
    """
    road = own(region)
    if road is None:
        return None
    return _numbers(frame.lazy(), road).select(_valid(road)).collect().to_series()


def _numbers(frame: pl.LazyFrame, road: Own) -> pl.LazyFrame:
    """Adds N: the national number each spelling gives, null where none applies.

    Each regex is a step of its own, masked to the rows that need it, so that it runs once.
    """
    digits, plus = pl.col(DIGITS), pl.col(PLUS)
    code = road.code
    starts_with_code = digits.str.starts_with(code)
    frame = frame.with_columns(
        pl.when(~plus & starts_with_code).then(digits).str.contains(road.general).alias(_FITS)
    )
    # 'CC N' without a '+': CC is the calling code where the whole does not fit or is too long.
    code_taken = ~pl.col(_FITS) | digits.str.len_bytes().is_in(road.too_long)
    # How many leading digits each spelling puts before N (null: none of the five).
    starts: list[tuple[pl.Expr, pl.Expr]] = [(plus, pl.when(starts_with_code).then(len(code)))]
    if road.idd:
        idd_code = road.idd + code
        starts.append((digits.str.starts_with(idd_code), pl.lit(len(idd_code))))
    if road.national_prefix:
        prefix = road.national_prefix
        kept = (digits.str.len_bytes() - len(prefix)).is_in(road.prefix_lengths)
        starts.append((digits.str.starts_with(prefix), pl.when(kept).then(len(prefix))))
    starts.append((starts_with_code & code_taken, pl.lit(len(code))))
    skipped: pl.Expr = pl.lit(0)
    for condition, count in reversed(starts):  # the first spelling that applies
        skipped = pl.when(condition).then(count).otherwise(skipped)
    number = digits.str.slice(skipped)
    readable = pl.all_horizontal(~number.str.starts_with(d) for d in road.never_first)
    size = number.str.len_bytes()
    return frame.with_columns(
        pl.when(readable & size.is_between(MIN_NSN, MAX_NSN)).then(number).alias(_NUMBER)
    )


def _valid(road: Own) -> pl.Expr:
    """``+CC N`` where N is valid, else null: the general description, then (where it fits)
    any number type's."""
    number = pl.col(_NUMBER)
    valid = pl.when(number.str.contains(road.general)).then(number).str.contains(road.types)
    return pl.when(valid).then(pl.concat_str(pl.lit("+" + road.code), number)).alias(E164)
