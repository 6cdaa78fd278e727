"""The short road (the default region's own numbers in their common spellings), and the
length filter of the '+' hints: the two ways numbers skip the whole plan.

Every number the short road decides must be phonenumbers' answer, and the filter may only
rule out numbers phonenumbers finds invalid with a '+'; the differential tests check the
answers with and without the short road, these check what each decides."""

from __future__ import annotations

import random

import phonenumbers
import polars as pl

from csvcheck import phonefast, phoneown, phones

from .reference import libphonenumber_e164
from .test_phones_differential import TYPES, written_forms

SERVED = sorted(r for r in phonenumbers.SUPPORTED_REGIONS if phoneown.own(r) is not None)


def short_road(values: list[str], region: str) -> list[str | None]:
    """What the short road decides for each value (None: left to the whole plan)."""
    frame = phones._classified(pl.Series(values, dtype=pl.String))
    masked = frame.with_columns(
        pl.when(pl.col("_plain")).then(pl.col(phonefast.DIGITS)).alias(phonefast.DIGITS)
    )
    decided = phoneown.decide(masked, region)
    assert decided is not None
    return decided.to_list()


def test_regions_with_a_short_road() -> None:
    assert {"IN", "DE", "FR", "AE", "PK", "ZA"} <= set(SERVED)
    # Shared calling codes (another region may claim the number), transform rules, and
    # international prefixes that are patterns take the whole plan.
    for region in ("US", "CA", "GB", "RU", "KZ", "AU", "IT", "AR", "BR", "JP", "SG"):
        assert phoneown.own(region) is None, region
    assert len(SERVED) > 120


def test_the_common_indian_spellings_take_the_short_road() -> None:
    values = [
        "+91 98765 43210",
        "+919876543210",
        "(+91) 98765 43210",
        "0091 98765 43210",
        "09876543210",
        "98765-43210",
        "987 654 3210",
        "919876543210",  # 12 digits: 91 is the calling code
        "91 98765 43210",
        "022 2345 6789",  # a Mumbai landline with its trunk prefix
        "+91 22 2345 6789",
    ]
    decided = short_road(values, "IN")
    assert decided == [libphonenumber_e164(v, "IN") for v in values]
    assert None not in decided


def test_what_the_short_road_leaves_to_the_whole_plan() -> None:
    values = [
        "9198765432",  # 10 digits: national, and not a valid Indian number
        "+91 09876543210",  # a trunk 0 after the code: phonenumbers strips it
        "1800 123 4567",  # toll-free
        "12345",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
    ]
    decided = short_road(values, "IN")
    expected = [libphonenumber_e164(v, "IN") for v in values]
    # Only valid numbers are decided here, and only with phonenumbers' answer.
    assert all(d is None or d == e for d, e in zip(decided, expected, strict=True))
    assert decided[3:] == [None, None, None]


def test_every_served_regions_examples_match_phonenumbers() -> None:
    """Each served region's example numbers, read at home in every spelling the short road
    knows and more (those of the differential tests): what it decides is phonenumbers'
    answer, and it decides a good share of them."""
    rng = random.Random(20261126)
    decided_count = total = 0
    wrong = []
    for region in SERVED:
        international, national = written_forms(region, rng)
        values = international + national
        for value, got in zip(values, short_road(values, region), strict=True):
            total += 1
            if got is not None:
                decided_count += 1
                if got != libphonenumber_e164(value, region):
                    wrong.append((value, region, got))
    assert wrong == []
    assert decided_count > total / 4


def test_numbers_that_start_like_a_prefix_match_phonenumbers() -> None:
    """National numbers whose first digits are those of the national or international
    prefix (or of the calling code), in every spelling: the cases where a prefix could be
    read into the number."""
    rng = random.Random(7)
    wrong = []
    for region in SERVED:
        road = phoneown.own(region)
        assert road is not None
        starts = {road.national_prefix or "", road.idd or "", road.code, "0", "00"} - {""}
        values = []
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            nsn = phonenumbers.national_significant_number(example)
            for start in starts:
                for number in (start + nsn[len(start) :], start + nsn, start + nsn[1:]):
                    spellings = [number, "+" + road.code + number, road.code + number]
                    spellings += [(road.national_prefix or "") + number]
                    spellings += [(road.idd or "00") + road.code + number]
                    values += spellings
        values += ["".join(rng.choices("0123456789", k=rng.randint(3, 14))) for _ in range(30)]
        for value, got in zip(values, short_road(values, region), strict=True):
            if got is not None and got != libphonenumber_e164(value, region):
                wrong.append((value, region, got))
    assert wrong == []


def plus_filter(digit_strings: list[str]) -> list[bool]:
    frame = pl.DataFrame({"d": digit_strings}, schema={"d": pl.String})
    kept = frame.select(phonefast.may_be_valid_with_plus(pl.col("d")).fill_null(False))
    return kept.to_series().to_list()


def test_the_plus_length_filter_keeps_every_valid_number() -> None:
    """The hint candidates it rules out are never valid with a '+': checked on every
    region's example numbers, with the national prefix after the code, and a digit more or
    fewer (the lengths at the edges)."""
    digit_strings = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            code = str(example.country_code)
            nsn = phonenumbers.national_significant_number(example)
            prefix = metadata.national_prefix or "0"
            for number in (nsn, prefix + nsn, nsn + "5", nsn[:-1]):
                digit_strings.append(code + number)
    valid = [libphonenumber_e164("+" + d, None) is not None for d in digit_strings]
    kept = plus_filter(digit_strings)
    assert sum(valid) > 1000
    assert [d for d, v, k in zip(digit_strings, valid, kept, strict=True) if v and not k] == []
    assert kept.count(False) > len(digit_strings) / 20  # it does rule some out
