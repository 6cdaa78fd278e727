"""Per-region regex tables built from phonenumbers' own metadata, lazily and cached.

Private to ``phones.py`` (with it, the only modules that import phonenumbers). Each table
holds libphonenumber's patterns as written in its metadata (RE2-compatible, so polars'
regex engine runs them), anchored the way libphonenumber applies them: ``match`` becomes
``^(?:…)`` and ``fullmatch`` becomes ``^(?:…)$``. Lengths come from the same metadata;
``_test_number_length`` is asked once per length rather than re-implemented.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers import phonenumberutil as util

NON_GEO = "001"
MAX_DIGITS = 24
"""Longest digit string the fast path decides; longer ones go to phonenumbers."""
MAX_NSN = util._MAX_LENGTH_FOR_NSN
MIN_NSN = util._MIN_LENGTH_FOR_NSN

_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)
_STRIP_REFUSED = {
    util.ValidationResult.TOO_SHORT,
    util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    util.ValidationResult.INVALID_LENGTH,
}


@dataclass(frozen=True, slots=True)
class TypeGroup:
    """Number-type patterns that share the same allowed lengths."""

    lengths: tuple[int, ...] | None
    """Allowed national-number lengths; None when the types list none (any length)."""
    pattern: str
    """Full-match regex: the union of the types' national number patterns."""


@dataclass(frozen=True, slots=True)
class RegionTable:
    """What the fast path needs from one region's (or non-geographic code's) metadata."""

    key: str
    """Region code (``IN``), or the calling code for a non-geographic entity (``800``)."""
    country_code: str
    """Calling code as digits."""
    general: str | None
    """Full-match regex of the general national number pattern (None: matches nothing)."""
    general_lengths: tuple[int, ...] | None
    """The general description's possible lengths (None: not restricted)."""
    types: tuple[TypeGroup, ...]
    """A number is valid when ``general`` matches and any group matches."""
    national_prefix: str | None
    """``^(…)`` regex of the national prefix for parsing; group 1 is the whole prefix."""
    transform: bool
    """The national prefix has a transform rule (Argentina, Brazil, Japan…): slow path."""
    strip_lengths: frozenset[int]
    """Lengths up to MAX_DIGITS for which a number with its prefix stripped is kept."""
    too_long_lengths: frozenset[int]
    """Lengths up to MAX_DIGITS that libphonenumber calls TOO_LONG for this region."""
    leading_digits: str | None
    """``^(?:…)`` regex claiming a number for this region under a shared calling code."""
    international_prefix: str | None
    """``^(…)`` regex of the international (IDD) prefix; group 1 is the whole prefix."""


def version() -> str:
    """Version of phonenumbers and so of its metadata."""
    return str(phonenumbers.__version__)


@cache
def calling_codes() -> frozenset[str]:
    """Every calling code libphonenumber knows, as digit strings."""
    return frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@cache
def calling_code_pattern() -> str:
    """``^(…)`` regex whose group 1 is the calling code a digit string starts with.

    Raises if the codes are not prefix-free, the property that makes one alternation
    equal to libphonenumber's shortest-first search.
    """
    codes = sorted(calling_codes())
    # In sorted order a code that starts another comes right before one that starts with it.
    if any(b.startswith(a) for a, b in itertools.pairwise(codes)):
        raise RuntimeError("calling codes are not prefix-free; the fast path cannot be used")
    return f"^({'|'.join(codes)})"


@cache
def main_keys() -> dict[str, str]:
    """Calling code → key of the metadata ``parse`` uses for it (its main region)."""
    return {code: _key(int(code), regions[0]) for code, regions in _regions().items()}


def _regions() -> dict[str, tuple[str, ...]]:
    return {str(c): tuple(r) for c, r in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()}


def _key(country_code: int, region: str) -> str:
    return str(country_code) if region == NON_GEO else region


def known(region: str) -> bool:
    """Whether libphonenumber has metadata for a region code."""
    return region in phonenumbers.SUPPORTED_REGIONS


def _metadata(key: str) -> PhoneMetadata:
    if key.isdigit():
        metadata = PhoneMetadata.metadata_for_nongeo_region(int(key))
    else:
        metadata = PhoneMetadata.metadata_for_region(key)
    if metadata is None:
        raise KeyError(f"no phonenumbers metadata for {key!r}")
    return metadata


def _ascii(pattern: str) -> str:
    """The pattern with ``\\d`` as ``[0-9]``: the same answers on the ASCII digit strings
    the fast path matches, and compiled about ten times faster (Unicode's ``\\d`` is large).

    libphonenumber's patterns use no other escape and never ``\\d`` inside a class
    (``test_phonemeta_ascii`` checks every pattern).
    """
    return pattern.replace("\\d", "[0-9]")


def _full(pattern: str | None) -> str | None:
    return None if not pattern else f"^(?:{_ascii(pattern)})$"


def _type_groups(metadata: PhoneMetadata) -> tuple[TypeGroup, ...]:
    by_lengths: dict[tuple[int, ...] | None, list[str]] = {}
    for name in _TYPE_DESCS:
        desc = getattr(metadata, name)
        if desc is None or not desc.national_number_pattern:
            continue
        lengths = tuple(desc.possible_length) or None
        if lengths is not None and all(n < 0 for n in lengths):
            continue  # length -1: no number of this type exists
        by_lengths.setdefault(lengths, []).append(f"(?:{_ascii(desc.national_number_pattern)})")
    return tuple(TypeGroup(lengths, f"^(?:{'|'.join(p)})$") for lengths, p in by_lengths.items())


def _leading(pattern: str | None) -> str | None:
    return f"^(?:{_ascii(pattern)})" if pattern else None


@cache
def table(key: str) -> RegionTable:
    """The regex table of one region (``IN``) or non-geographic calling code (``800``).

    Read from the tables shipped with csvcheck when they were computed for the installed
    phonenumbers version (computing all 254 loads as many metadata modules: ~60 ms), else
    computed from the metadata.
    """
    shipped = _shipped().get(key)
    return computed_table(key) if shipped is None else _from_json(shipped)


def computed_table(key: str) -> RegionTable:
    """The regex table of one region, computed from phonenumbers' metadata."""
    metadata = _metadata(key)
    general = metadata.general_desc
    prefix = metadata.national_prefix_for_parsing
    idd = metadata.international_prefix
    lengths = range(MAX_DIGITS + 1)
    results = {n: util._test_number_length("1" * n, metadata) for n in lengths}
    return RegionTable(
        key=key,
        country_code=str(metadata.country_code),
        general=_full(general.national_number_pattern if general else None),
        general_lengths=tuple(general.possible_length) or None if general else None,
        types=_type_groups(metadata),
        national_prefix=f"^({_ascii(prefix)})" if prefix else None,
        transform=bool(metadata.national_prefix_transform_rule),
        strip_lengths=frozenset(n for n, r in results.items() if r not in _STRIP_REFUSED),
        too_long_lengths=frozenset(
            n for n, r in results.items() if r == util.ValidationResult.TOO_LONG
        ),
        leading_digits=_leading(metadata.leading_digits),
        international_prefix=f"^({_ascii(idd)})" if idd else None,
    )


SHIPPED = Path(__file__).with_name("phonemeta.json")
"""Every region's table for one phonenumbers version. After upgrading phonenumbers:
``python -c "from csvcheck.phonemeta import write_shipped; write_shipped()"``."""


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    """The shipped tables by key, or none when they are for another phonenumbers version."""
    try:
        data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    tables: dict[str, dict[str, Any]] = data.get("regions", {})
    return tables if data.get("phonenumbers") == version() else {}


def _to_json(region: RegionTable) -> dict[str, Any]:
    fields = {name: getattr(region, name) for name in RegionTable.__dataclass_fields__}
    fields["types"] = [[g.lengths, g.pattern] for g in region.types]
    fields["strip_lengths"] = sorted(region.strip_lengths)
    fields["too_long_lengths"] = sorted(region.too_long_lengths)
    return fields


def _from_json(fields: dict[str, Any]) -> RegionTable:
    lengths = fields["general_lengths"]
    return RegionTable(
        **fields
        | {
            "general_lengths": None if lengths is None else tuple(lengths),
            "types": tuple(
                TypeGroup(None if n is None else tuple(n), pattern)
                for n, pattern in fields["types"]
            ),
            "strip_lengths": frozenset(fields["strip_lengths"]),
            "too_long_lengths": frozenset(fields["too_long_lengths"]),
        }
    )


def region_keys() -> list[str]:
    """Every region and non-geographic calling code libphonenumber has metadata for."""
    return [
        _key(code, region)
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
        for region in regions
    ]


def write_shipped(path: Path = SHIPPED) -> None:
    """Compute every region's table and write them for the installed phonenumbers."""
    regions = {key: _to_json(computed_table(key)) for key in region_keys()}
    data = {"phonenumbers": version(), "regions": regions}
    path.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
