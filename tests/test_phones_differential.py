"""The differential proof of DESIGN invariant 7: csvcheck's numbers are phonenumbers' numbers.

Each value is decided with the fast path forced on (every plain value goes through the
polars expressions, with and without the short road of ``phoneown``) and compared with ``phonenumbers`` at run time: ``parse`` +
``is_valid_number`` + ``format_number(E164)``. Zero mismatches allowed; a mismatch found
later becomes a case in ``REGRESSIONS``.
"""

from __future__ import annotations

import contextlib
import csv
import random
from pathlib import Path
from unittest import mock

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from csvcheck import phonefast, phoneown, phones

from .reference import libphonenumber_e164

# Default regions every example number is also read under: the default, the trickiest
# shared codes, transform rules, Italian zeros and odd international prefixes.
DEFAULTS = ("IN", "US", "GB", "RU", "AU", "IT", "AR", "BR", "JP", "SG", "DE", "KZ")
OWN_SAMPLE = 40  # regions (besides DEFAULTS) whose national forms are read at home, per run
TYPES = [
    t
    for name, t in vars(PhoneNumberType).items()
    if name.isupper() and t not in (PhoneNumberType.UNKNOWN, PhoneNumberType.FIXED_LINE_OR_MOBILE)
]
SEPARATORS = ["", "", " ", "-", ".", "(", ")", " - "]
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
REGRESSIONS: list[tuple[str, str]] = [
    ("62812345678", "ID"),  # +6262812345678: the default calling code read twice
    ("+1 1951178619", "US"),
]


@pytest.fixture(params=["hints in Python", "hints in polars", "without the short road"])
def number_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the '+' hints' number types are matched (in Python for a few numbers, in
    polars for many), and the whole plan deciding the numbers the short road
    (``phoneown``) would decide."""
    monkeypatch.setattr(phones, "FEW_HINTS", 0 if request.param == "hints in polars" else 10**9)
    if request.param == "without the short road":
        monkeypatch.setattr(phoneown, "decide", lambda frame, region: None)
    return str(request.param)


def reference(value: str | None, region: str) -> str | None:
    if value is None or not value.strip() or phones.EXCEL_MANGLED.match(value):
        return None
    return libphonenumber_e164(value, region)


def fast_answers(values: list[str], region: str) -> list[dict[str, str | None]]:
    series = pl.Series("n", values, dtype=pl.String)
    decided: list[dict[str, str | None]] = phones._normalize_series(
        series, region, fast_from=0
    ).to_list()
    return decided


Mismatch = tuple[str, str, object, object]


def mismatches(cases: list[tuple[str, str]]) -> list[Mismatch]:
    """Values whose fast answer differs from phonenumbers': the E.164 form (against the
    reference), and the error, warning and '+' hint (against phonenumbers alone)."""
    by_region: dict[str, list[str]] = {}
    for value, region in cases:
        by_region.setdefault(region, []).append(value)
    wrong: list[Mismatch] = []
    for region, values in by_region.items():
        for value, got in zip(values, fast_answers(values, region), strict=True):
            expected = reference(value, region)
            if got["e164"] != expected:
                wrong.append((value, region, got["e164"], expected))
            alone = phones.decide_number(value, region)
            answer = (alone.error, alone.warning, alone.hint)
            if (got["error"], got["warning"], got["hint"]) != answer:
                wrong.append((value, region, got, answer))
    return wrong


def scatter(value: str, rng: random.Random) -> str:
    return "".join(ch + rng.choice(SEPARATORS) for ch in value).strip()


def written_forms(region: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """(forms anyone can read, national forms) of a region's example numbers."""
    international, national = [], []
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    idd = metadata.international_prefix or ""
    idd = idd if idd.isdigit() else "00"
    for kind in TYPES:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        full = phonenumbers.format_number(example, PhoneNumberFormat.E164)
        nsn = phonenumbers.national_significant_number(example)
        spaced = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
        written = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
        international += [full, spaced, full[1:], "00" + full[1:], "+0" + full[1:], full + "7"]
        # The national prefix after the calling code, with and without the '+'.
        code = str(example.country_code)
        trunk = f"{code} {metadata.national_prefix or '0'} {nsn}"
        international += [trunk, "+" + trunk]
        international.append(scatter(spaced, rng))
        national += [written, nsn, "0" + nsn, idd + full[1:], full[1:], nsn[:-1]]
        national.append(scatter(written, rng))
    return international, national


def non_geographic_forms(rng: random.Random) -> list[str]:
    """Forms of the example numbers of +800, +808, +870, +878, +881, +882, +883, +888, +979."""
    forms = []
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is None:
            continue
        full = phonenumbers.format_number(example, PhoneNumberFormat.E164)
        spaced = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
        forms += [full, spaced, full[1:], "00" + full[1:], full[:-1], scatter(spaced, rng)]
    return forms


def example_cases() -> list[tuple[str, str]]:
    rng = random.Random(20261126)
    own = set(DEFAULTS) | set(rng.sample(REGIONS, OWN_SAMPLE))
    cases = [(value, default) for value in non_geographic_forms(rng) for default in DEFAULTS]
    for region in REGIONS:
        international, national = written_forms(region, rng)
        cases += [(value, default) for value in international for default in DEFAULTS[:4]]
        if region in own:
            cases += [(value, region) for value in national + international]
    return cases


def test_corpus_phone_cases_match_phonenumbers(corpora: Path, number_path: str) -> None:
    with (corpora / "phone_cases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = [(r["input"], r["default_region"] or "ZZ") for r in rows]
    assert len(cases) > 100
    assert mismatches(cases) == []


def test_every_regions_example_numbers_match_phonenumbers(number_path: str) -> None:
    cases = example_cases()
    assert len(cases) > 20_000
    assert mismatches(cases) == []


def test_the_examples_are_decided_by_the_fast_path_itself() -> None:
    """The proof is about the polars path: nearly every plain example must be decided there."""
    values = [value for value, region in example_cases() if region == "IN"]
    frame = phones._classified(pl.Series(values)).filter(pl.col("_plain"))
    decided = phonefast.decide(frame.select(phonefast.ROW, phonefast.DIGITS, phonefast.PLUS), "IN")
    assert decided.get_column(phonefast.DECIDED).mean() > 0.95  # type: ignore[operator]


def test_known_regressions_match_phonenumbers(number_path: str) -> None:
    assert mismatches(REGRESSIONS) == []


digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=18)
prefixes = st.sampled_from(["", "", "+", "0", "00", "011", "+0", "+00", "0091", "91", "8", "810"])
marks = st.lists(st.tuples(st.integers(0, 18), st.sampled_from(SEPARATORS)), max_size=4)


LETTERS = st.sampled_from(["a", "b", "Q", "z", "W", "i", "n", "t", "I", "N", "T", "x", "E"])
EXTENSIONS = st.sampled_from(
    [
        "",
        "",
        "",
        " ext 12",
        "x5",
        " ext. 123",
        " X 9",
        "extn-7",
        " x 12345678",
        " ext 1234567",
        "ext",
        " ext 12#",
        " int 5",
        ",5",
        " #12",
        "  EXT:4",
    ]
)


@st.composite
def typed_numbers(draw: st.DrawFn) -> str:
    """Random digits after a random prefix, with separators (sometimes letters) at random
    places and sometimes an extension after them."""
    chars = list(draw(digit_strings))
    for position, mark in sorted(draw(marks), reverse=True):
        chars.insert(min(position, len(chars)), mark)
    for position, letter in draw(st.lists(st.tuples(st.integers(0, 18), LETTERS), max_size=4)):
        chars.insert(min(position, len(chars)), letter)
    start = draw(prefixes) + draw(st.sampled_from(["", "", "(", " "]))
    return start + "".join(chars) + draw(EXTENSIONS)


def test_letters_and_extensions_match_phonenumbers(number_path: str) -> None:
    """The shapes the fast path reads besides plain digits, on valid numbers of several
    regions: stray letters (dropped), three or more (a keypad number), extensions."""
    rng = random.Random(20261126)
    cases = []
    for region in ("IN", "US", "GB", "AU", "DE"):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
            full = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            for written in (national, full, scatter(full, rng)):
                digits = [i for i, ch in enumerate(written) if ch.isdigit()]
                for count in (1, 2, 3, 4):
                    chars = list(written)
                    for at in sorted(
                        rng.sample(digits[2:], min(count, len(digits) - 2)), reverse=True
                    ):
                        chars.insert(at + 1, rng.choice("abcDEFgHjkLmoPQRsuvWYZ"))
                    cases.append(("".join(chars), region))
                for suffix in (" ext 12", "x5", " ext. 123", " X 9", "extn-7", " x 1234567"):
                    cases.append((written + suffix, region))
                cases.append(("1-800-FLOWERS", region))
    assert len(cases) > 300
    assert mismatches(cases) == []


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    values=st.lists(typed_numbers(), min_size=1, max_size=60),
    region=st.sampled_from(
        ["IN", "US", "GB", "RU", "IT", "AU", "DE", "NZ", "AR", "SG", "TM", "CU", "MH", "FR"]
    ),
    short_road=st.booleans(),
)
def test_random_digit_strings_match_phonenumbers(
    values: list[str], region: str, short_road: bool
) -> None:
    with contextlib.ExitStack() as stack:
        if not short_road:
            stack.enter_context(mock.patch.object(phoneown, "decide", return_value=None))
        assert mismatches([(value, region) for value in values]) == []
