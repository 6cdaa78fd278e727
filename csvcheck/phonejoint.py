"""Every region's metadata as a handful of joint regexes, built once per process.

Private to ``phones.py`` (through ``phonefast``). A national number is tagged with the region
whose metadata applies and, for validity, with its length: ``IN:9876543210`` for
the national prefix, ``IN.10:9876543210`` for validity. Each step is one alternation over
every region whose branches start with the tags (``^(?:91\\.(?:10):(?:…)|44\\.(?:10):(?:…))$``).
Calling codes are prefix-free, tags end with ``.`` or ``:``, so a row can only meet its
own region's branch, with its own allowed lengths: the answer a per-region regex and length
test give. polars keeps compiled regexes in a small per-thread cache (32 entries); a check
uses the same few patterns batch after batch, so it compiles each about once. The number
types of every region would make a 90 kB pattern that takes 60-100 ms to compile, so the
types alternation holds only the regions a batch needs (most lists need the same few).

Under a shared calling code (+1, +44, +7…) the region that validates a number is the first
of the code's regions that claims it (``_region_code_for_number_from_list``): by its leading
digits, or, for a region without them, by the number being valid there. ``leading`` finds the
first region with leading digits that matches (leftmost-first alternation, in the code's
order); the regions without leading digits that come before it are the other candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers

from .patternlengths import pattern_lengths
from .phonemeta import MAX_NSN, MIN_NSN, RegionTable, main_keys, region_keys, table

NO_LENGTHS = "[0-9]+"
"""The length part of a tag when the metadata does not restrict lengths."""
ANY_LENGTH = "_"
"""The length written in a tag to test the general pattern alone."""


@dataclass(frozen=True, slots=True)
class Joint:
    """The joint regexes of every region but their number types."""

    national_prefix: str
    """``^(?:TAG:(?:prefix)|…)``: the whole match is the tag plus the national prefix."""
    general: str
    """``^(?:TAG\\.(?:lengths|_):(?:general)|…)$``: the general description; the length
    ``_`` in a tag asks for the pattern alone, lengths aside."""
    strip_lengths: frozenset[str]
    """``TAG.length`` for the lengths a number with its prefix stripped may keep."""


@dataclass(frozen=True, slots=True)
class PlusLengths:
    """How long a digit string written after a '+' may be, to be a valid number."""

    tags: frozenset[str]
    """``CC.length`` of the whole digit string, calling code included."""
    unbounded: frozenset[str]
    """Calling codes whose lengths this does not bound (their main region's national
    prefix has a transform rule or a pattern of no fixed length)."""


@dataclass(frozen=True, slots=True)
class Shared:
    """How shared calling codes pick the region that validates a number."""

    codes: tuple[str, ...]
    """Calling codes with more than one region."""
    leading: str
    """``^(?:CC:(?:(?P<g0>lead)|…)|…)``: one named group per region with leading digits."""
    leading_tags: tuple[str, ...]
    """The tag of the region of group ``g0``, ``g1``…"""
    position: dict[str, int]
    """Region tag → its place in its calling code's list."""
    candidates: tuple[dict[str, str], ...]
    """Per slot k: calling code → the tag of its k-th region without leading digits."""


def _bare(anchored: str | None) -> str | None:
    """The pattern inside a phonemeta ``^(…)`` / ``^(?:…)`` / ``^(?:…)$`` wrapper."""
    if anchored is None:
        return None
    if anchored.startswith("^(?:"):
        return anchored[4:-2] if anchored.endswith(")$") else anchored[4:-1]
    return anchored[2:-1]


def _lengths(lengths: tuple[int, ...] | frozenset[int] | None) -> str:
    return NO_LENGTHS if lengths is None else "|".join(str(n) for n in sorted(lengths))


def _alternation(branches: list[str], end: str) -> str:
    # A pattern that can never match when there is no branch (rows then match nothing).
    return f"^(?:{'|'.join(branches)}){end}" if branches else "^[^\\s\\S]"


def tag_of(region: RegionTable) -> str:
    """The tag of a region's rows: its calling code if it is the code's main region."""
    main = main_keys()[region.country_code] == region.key
    return region.country_code if main else region.key


def _sized(region: RegionTable) -> tuple[str | None, str | None]:
    """(general, types) branches of one region, each with its allowed lengths in the tag."""
    general, tag = _bare(region.general), tag_of(region)
    lengths = _lengths(region.general_lengths)
    sized_general = f"{tag}\\.(?:{lengths}|{ANY_LENGTH}):(?:{general})" if general else None
    types = [
        f"{tag}\\.(?:{_lengths(group.lengths)}):(?:{_bare(group.pattern)})"
        for group in region.types
    ]
    return sized_general, "|".join(types) or None


@cache
def regions_by_tag() -> dict[str, RegionTable]:
    """Every region libphonenumber has metadata for, by its tag, in calling-code order."""
    return {tag_of(r): r for r in map(table, region_keys())}


@cache
def transform_tags() -> frozenset[str]:
    """Tags whose national prefix has a transform rule: phonenumbers decides those."""
    return frozenset(tag for tag, r in regions_by_tag().items() if r.transform)


@cache
def joint() -> Joint:
    """The joint regexes of every region (about 17 kB of patterns, compiled in ~15 ms)."""
    regions = list(regions_by_tag().values())
    prefixes = [(tag_of(r), _bare(r.national_prefix)) for r in regions if not r.transform]
    return Joint(
        national_prefix=_alternation([f"{k}:(?:{p})" for k, p in prefixes if p], ""),
        general=_alternation([g for g, _ in map(_sized, regions) if g], "$"),
        strip_lengths=frozenset(f"{tag_of(r)}.{n}" for r in regions for n in r.strip_lengths),
    )


@cache
def plus_lengths() -> PlusLengths:
    """The lengths ``+CC…`` may have and be valid: the calling code, what the national prefix
    of the code's main region may strip (nothing, or a match of its pattern), and one of the
    general lengths of any of the code's regions (``_is_number_matching_desc``)."""
    tags: set[str] = set()
    unbounded: set[str] = set()
    mains = main_keys()
    for region in regions_by_tag().values():
        code = region.country_code
        main = table(mains[code])
        prefix = pattern_lengths(_bare(main.national_prefix) or "")
        if main.transform or prefix is None:
            unbounded.add(code)
            continue
        general = region.general_lengths or range(MIN_NSN, MAX_NSN + 1)
        tags |= {f"{code}.{len(code) + n + k}" for n in general for k in prefix | {0}}
    return PlusLengths(frozenset(tags), frozenset(unbounded))


@lru_cache(maxsize=64)
def types(tags: tuple[str, ...]) -> str:
    """``^(?:TAG\\.(?:lengths):(?:type patterns)|…)$``: any number type's description, for
    the regions with these tags only (sorted: the same regions give the same pattern, which
    polars then finds compiled). Every region's types would be 90 kB of patterns."""
    return _types(tags)


def _types(tags: tuple[str, ...]) -> str:
    return _alternation([t for _, t in (_sized(regions_by_tag()[tag]) for tag in tags) if t], "$")


@cache
def python_types(tag: str) -> re.Pattern[str]:
    """``types((tag,))`` compiled by Python's re: for the few rows matched one by one.

    The patterns are libphonenumber's own, which phonenumbers itself runs with re; whether
    an anchored pattern matches is the same in either engine. (Not through ``types``: its
    small cache is kept for the joint patterns polars matches.)"""
    return re.compile(_types((tag,)))


@cache
def shared() -> Shared:
    """The claiming rules of every shared calling code."""
    by_code = {
        str(code): [table(region) for region in regions]
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
        if len(regions) > 1
    }
    branches = []
    tags: list[str] = []
    position: dict[str, int] = {}
    candidates: list[dict[str, str]] = []
    for code, regions in by_code.items():
        leading = [r for r in regions if r.leading_digits]
        groups = [f"(?P<g{len(tags) + i}>{_bare(r.leading_digits)})" for i, r in enumerate(leading)]
        tags += [tag_of(r) for r in leading]
        if groups:
            branches.append(f"{code}:(?:{'|'.join(groups)})")
        position |= {tag_of(r): i for i, r in enumerate(regions)}
        for k, region in enumerate(r for r in regions if not r.leading_digits):
            if len(candidates) <= k:
                candidates.append({})
            candidates[k][code] = tag_of(region)
    return Shared(
        codes=tuple(by_code),
        leading=_alternation(branches, ""),
        leading_tags=tuple(tags),
        position=position,
        candidates=tuple(candidates),
    )
