"""The regex tables of phonemeta are libphonenumber's patterns, rewritten exactly."""

from __future__ import annotations

import re

import phonenumbers

from csvcheck import phonemeta


def _all_tables() -> list[phonemeta.RegionTable]:
    keys = sorted(phonenumbers.SUPPORTED_REGIONS) + [
        str(code) for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    ]
    return [phonemeta.table(key) for key in keys]


def _patterns(t: phonemeta.RegionTable) -> list[str]:
    found = [t.general, t.national_prefix, t.leading_digits, t.international_prefix]
    return [p for p in found + [g.pattern for g in t.types] if p]


def test_phonemeta_ascii_patterns_have_no_escapes_left() -> None:
    # \d became [0-9]; any other escape or a \d inside a class would make the rewrite unsafe.
    patterns = [p for t in _all_tables() for p in _patterns(t)]
    assert len(patterns) > 1000
    assert not [p for p in patterns if "\\" in p]


def test_phonemeta_ascii_rewrite_answers_like_the_metadata_on_example_numbers() -> None:
    # The national number of every example number matches the rewritten general pattern.
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        t = phonemeta.table(region)
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None or t.general is None:
                continue
            nsn = phonenumbers.national_significant_number(example)
            assert re.fullmatch(t.general, nsn), (region, nsn)
            checked += 1
    assert checked > 300
