"""Many calling codes in one pass: national prefix and validity for every single-region code.

Private to ``phones.py`` (through ``phonefast``). Each national number is tagged with its
calling code (``44:7911123456``) and matched against one alternation per step whose
branches start with the tags (``^(?:44:(?:…)|98:(?:…))$``). Calling codes are prefix-free
and ``:`` ends the tag, so a row can only meet its own code's branch: the answer is the one
a per-code pass gives, without a plan, a partition and a compile per code. Allowed lengths
become ``code:length`` keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from .phonemeta import MAX_DIGITS, MAX_NSN, MIN_NSN, RegionTable, main_keys, table

CC = "_cc"
NSN = "_nsn"
_PREFIX = "_joint_prefix"
_STRIPPED = "_joint_stripped"
_TAGGED = "_joint_tagged"
_CODE = "_joint_code"
_ALL_LENGTHS = tuple(range(MAX_DIGITS + 1))
GROUP = 48
"""Most calling codes one joint pass takes."""


@dataclass(frozen=True, slots=True)
class Joint:
    """The alternations and length keys for a set of single-region calling codes."""

    national_prefix: str | None
    """``^(?:code:(?:prefix)|…)``: the whole match is the tag plus the prefix."""
    general: str | None
    """``^(?:code:(?:general)|…)$``."""
    strip_keys: tuple[int, ...]
    """``code * 100 + length`` for which a number with its prefix stripped is kept."""
    general_keys: tuple[int, ...]
    """``code * 100 + length`` the general description allows."""
    slots: tuple[tuple[tuple[int, ...], str], ...]
    """Per slot i: the i-th type group of every code as (length keys, alternation)."""


def _branches(pieces: list[tuple[str, str | None]], end: str) -> str | None:
    # Inputs are ASCII digits: an ASCII \d keeps a many-code alternation far smaller than
    # Unicode's \d would (the regex engine has a size limit).
    branches = [f"{code}:(?:{p.replace(chr(92) + 'd', '[0-9]')})" for code, p in pieces if p]
    return f"^(?:{'|'.join(branches)}){end}" if branches else None


def _keys(code: str, lengths: tuple[int, ...] | frozenset[int] | None) -> list[int]:
    return [int(code) * 100 + n for n in (_ALL_LENGTHS if lengths is None else sorted(lengths))]


def _bare(anchored: str | None) -> str | None:
    """The pattern inside a phonemeta ``^(…)`` / ``^(?:…)$`` wrapper."""
    if anchored is None:
        return None
    return anchored[4:-2] if anchored.startswith("^(?:") else anchored[2:-1]


def _slots(regions: list[RegionTable]) -> tuple[tuple[tuple[int, ...], str], ...]:
    slots = []
    for i in range(max((len(r.types) for r in regions), default=0)):
        members = [r for r in regions if len(r.types) > i]
        keys = tuple(k for r in members for k in _keys(r.country_code, r.types[i].lengths))
        pattern = _branches([(r.country_code, _bare(r.types[i].pattern)) for r in members], "$")
        if pattern:
            slots.append((keys, pattern))
    return tuple(slots)


@cache
def joint(codes: tuple[str, ...]) -> Joint:
    """The joint tables of single-region calling codes (their main region's metadata)."""
    regions = [table(main_keys()[code]) for code in codes]
    return Joint(
        national_prefix=_branches(
            [(r.country_code, _bare(r.national_prefix)) for r in regions], ""
        ),
        general=_branches([(r.country_code, _bare(r.general)) for r in regions], "$"),
        strip_keys=tuple(k for r in regions for k in _keys(r.country_code, r.strip_lengths)),
        general_keys=tuple(k for r in regions for k in _keys(r.country_code, r.general_lengths)),
        slots=_slots(regions),
    )


def _tag(number: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.col(CC), pl.lit(":"), number)


def _length_key(number: pl.Expr) -> pl.Expr:
    return pl.col(_CODE) + number.str.len_chars().cast(pl.Int64)


def _general(tagged: pl.Expr, tables: Joint) -> pl.Expr:
    return pl.lit(False) if tables.general is None else tagged.str.contains(tables.general)


def _stripped(rows: pl.LazyFrame, tables: Joint) -> pl.LazyFrame:
    """_maybe_strip_national_prefix_carrier_code, then parse's length test on the result."""
    if tables.national_prefix is None:
        return rows
    nsn, prefix, tagged = pl.col(NSN), pl.col(_PREFIX), pl.col(_TAGGED)
    rows = rows.with_columns(tagged.str.extract(tables.national_prefix, 0).alias(_PREFIX))
    rest = nsn.str.slice(prefix.str.len_chars() - pl.col(CC).str.len_chars() - 1)
    refused = prefix.is_null() | (_general(tagged, tables) & ~_general(_tag(rest), tables))
    rows = rows.with_columns(pl.when(refused).then(nsn).otherwise(rest).alias(_STRIPPED))
    stripped = pl.col(_STRIPPED)
    kept = _length_key(stripped).is_in(list(tables.strip_keys))
    rows = rows.with_columns(pl.when(kept).then(stripped).otherwise(nsn).alias(NSN))
    return rows.with_columns(_tag(pl.col(NSN)).alias(_TAGGED))


def e164(rows: pl.DataFrame, keep: tuple[str, ...]) -> pl.LazyFrame:
    """``keep`` columns and ``e164`` (null: invalid) for rows of single-region codes."""
    codes = tuple(sorted(rows.get_column(CC).unique().to_list()))
    if len(codes) > GROUP:
        # Bounded alternations: the regex engine refuses one over its size limit.
        groups = [codes[i : i + GROUP] for i in range(0, len(codes), GROUP)]
        return pl.concat([e164(rows.filter(pl.col(CC).is_in(g)), keep) for g in groups])
    tables = joint(codes)
    lazy = rows.lazy().with_columns(
        (pl.col(CC).cast(pl.Int64) * 100).alias(_CODE), _tag(pl.col(NSN)).alias(_TAGGED)
    )
    lazy = _stripped(lazy, tables)
    nsn, tagged = pl.col(NSN), pl.col(_TAGGED)
    length = nsn.str.len_chars()
    types = [
        _length_key(nsn).is_in(list(keys)) & tagged.str.contains(pattern)
        for keys, pattern in tables.slots
    ]
    valid = (
        (length >= MIN_NSN)
        & (length <= MAX_NSN)
        & _length_key(nsn).is_in(list(tables.general_keys))
        & _general(tagged, tables)
        & (pl.any_horizontal(types) if types else pl.lit(False))
    )
    formatted = pl.when(valid).then(pl.concat_str(pl.lit("+"), pl.col(CC), nsn))
    return lazy.select(*keep, formatted.alias("e164"))
