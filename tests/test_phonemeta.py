"""The regex tables of phonemeta are libphonenumber's patterns, rewritten exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import phonenumbers
import pytest

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


def test_every_table_is_the_one_computed_from_the_metadata() -> None:
    # The shipped tables (csvcheck/phonemeta.json) are used when they are for the installed
    # phonenumbers; they must then say exactly what the metadata says.
    for key in phonemeta.region_keys():
        assert phonemeta.table(key) == phonemeta.computed_table(key), key


def test_tables_shipped_for_another_phonenumbers_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "phonemeta.json"
    regions = {"IN": {"key": "IN", "country_code": "91"}}
    stale.write_text(json.dumps({"phonenumbers": "0.0.1", "regions": regions}))
    monkeypatch.setattr(phonemeta, "SHIPPED", stale)
    phonemeta._shipped.cache_clear()
    try:
        assert phonemeta._shipped() == {}
    finally:
        phonemeta._shipped.cache_clear()


def test_the_shipped_tables_cover_every_region_for_the_installed_phonenumbers() -> None:
    data = json.loads(phonemeta.SHIPPED.read_text(encoding="utf-8"))
    if data["phonenumbers"] == phonenumbers.__version__:
        assert sorted(data["regions"]) == sorted(phonemeta.region_keys())
    else:  # another phonenumbers: the tables are computed, and say the same
        assert phonemeta._shipped() == {}


@pytest.mark.parametrize(
    ("codes", "prefix_free"),
    [({"1", "20", "211", "3"}, True), ({"1", "20", "21", "211"}, False), ({"7", "79"}, False)],
)
def test_calling_codes_must_be_prefix_free(
    monkeypatch: pytest.MonkeyPatch, codes: set[str], prefix_free: bool
) -> None:
    monkeypatch.setattr(phonemeta, "calling_codes", lambda: frozenset(codes))
    build = phonemeta.calling_code_pattern.__wrapped__
    if prefix_free:
        assert build() == f"^({'|'.join(sorted(codes))})"
    else:
        with pytest.raises(RuntimeError, match="prefix-free"):
            build()
