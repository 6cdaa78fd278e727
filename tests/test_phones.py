"""Numbers → E.164: each libphonenumber behaviour the fast path must reproduce, one per test.

Every answer is taken twice: through the public expression (small inputs go to
phonenumbers itself) and with the fast path forced on for every plain value; both must agree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import phonenumbers
import polars as pl
import pytest

from csvcheck import normalize_numbers, phonefast, phones

from .conftest import ROOT, report_of
from .reference import libphonenumber_e164

Cli = Callable[..., Any]
WriteCsv = Callable[..., Path]


def answers(values: list[str | None], region: str = "IN") -> list[dict[str, str | None]]:
    """The struct per value from the public expression; the forced fast path must agree."""
    frame = pl.DataFrame({"n": values}, schema={"n": pl.String})
    public = frame.select(pl.col("n").pipe(normalize_numbers, region=region)).to_series()
    forced = phones._normalize_series(frame.get_column("n"), region.upper(), fast_from=0)
    assert forced.to_list() == public.to_list()
    result: list[dict[str, str | None]] = public.to_list()
    return result


def e164(value: str, region: str = "IN") -> str | None:
    return answers([value], region)[0]["e164"]


def test_twelve_digits_starting_with_91_take_91_as_the_country_code() -> None:
    assert e164("919876543210") == "+919876543210"


def test_ten_digits_starting_with_91_stay_national() -> None:
    assert e164("9198765432") == "+919198765432"


def test_trunk_zero_after_the_country_code_is_stripped() -> None:
    assert e164("+91 09876543210") == "+919876543210"


def test_plus_before_an_idd_is_retried_without_the_plus() -> None:
    assert e164("+0091 98765 43210") == "+919876543210"


def test_idd_followed_by_zero_is_not_an_idd() -> None:
    assert e164("00 91 98765 43210") == "+919876543210"
    assert e164("00 0 91 98765 43210") is None
    assert e164("011 0 44 20 7946 0958", "US") == libphonenumber_e164("011 0 44 20 7946 0958", "US")


def test_exactly_two_digits_are_viable_but_never_valid() -> None:
    phonenumbers.parse("12", "IN")  # viable: no exception
    with pytest.raises(phonenumbers.NumberParseException):
        phonenumbers.parse("1 2", "IN")
    assert [a["error"] for a in answers(["12", "1 2", "123"])] == ["invalid-number"] * 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+1 650 253 0000", "+16502530000"),  # US, the main region of +1
        ("+1 268 460 1234", "+12684601234"),  # Antigua claims it by leading digits
        ("+44 1624 756789", "+441624756789"),  # Isle of Man under +44
        ("+7 701 234 5678", "+77012345678"),  # Kazakhstan under +7
        ("+61 8 9162 1234", "+61891621234"),  # Christmas Island under +61
    ],
)
def test_shared_calling_codes_validate_by_the_first_region_that_claims_them(
    value: str, expected: str
) -> None:
    assert e164(value) == expected


def test_a_shared_code_number_no_region_claims_is_invalid() -> None:
    assert e164("+1 123 456 7890") is None


@pytest.mark.parametrize(
    ("value", "region"),
    [("011 15-2345-6789", "AR"), ("0 21 2525-2525", "BR"), ("03-1234-5678", "JP")],
)
def test_national_prefix_transform_rules_give_phonenumbers_answer(value: str, region: str) -> None:
    assert e164(value, region) == libphonenumber_e164(value, region)


def test_argentina_mobile_15_becomes_9() -> None:
    assert e164("011 15-2345-6789", "AR") == "+5491123456789"


def test_italian_numbers_keep_their_leading_zero() -> None:
    assert e164("+39 02 1234 5678") == "+390212345678"
    assert e164("02 1234 5678", "IT") == "+390212345678"


def test_unicode_digits_are_read_as_digits() -> None:
    assert e164("९८७६५४३२१०") == "+919876543210"
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in "9876543210")
    assert e164(fullwidth) == "+919876543210"


def test_stray_letters_are_dropped_and_flagged() -> None:
    (answer,) = answers(["9876a543210"])
    assert answer == {
        "e164": "+919876543210",
        "error": None,
        "warning": "number-letters-dropped",
        "hint": None,
    }


def test_three_letters_are_a_keypad_number_not_a_warning() -> None:
    (answer,) = answers(["1800 FLOWERS"], "US")
    assert answer["e164"] == libphonenumber_e164("1800 FLOWERS", "US")
    assert answer["warning"] is None


@pytest.mark.parametrize("value", ["98765 43210 ext 12", "+91 98765 43210 x12", "9876543210#12#"])
def test_an_extension_is_dropped_and_flagged(value: str) -> None:
    (answer,) = answers([value])
    assert answer["e164"] == libphonenumber_e164(value, "IN") == "+919876543210"
    assert answer["warning"] == "number-extension-dropped"


def test_a_foreign_number_without_plus_gets_a_hint_never_a_fix() -> None:
    (answer,) = answers(["447911123456"])
    assert answer == {
        "e164": None,
        "error": "invalid-number",
        "warning": None,
        "hint": "+447911123456",
    }


def test_without_hints_the_answers_are_the_same_and_the_hints_null() -> None:
    values = ["447911123456", "9876543210", "12345", "+1 415 555 2671", "98765 43210 ext 12"]
    values = values * 500  # enough plain values for the fast path
    frame = pl.DataFrame({"n": values})
    full = frame.select(pl.col("n").pipe(normalize_numbers, region="IN")).to_series()
    bare = frame.select(normalize_numbers(pl.col("n"), "IN", hints=False)).to_series()
    for field in ("e164", "error", "warning"):
        assert bare.struct.field(field).to_list() == full.struct.field(field).to_list()
    assert full.struct.field("hint").drop_nulls().unique().to_list() == ["+447911123456"]
    assert bare.struct.field("hint").null_count() == len(values)


def test_no_hint_when_a_plus_was_written() -> None:
    assert answers(["+12345"])[0]["hint"] is None


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (None, "missing-number"),
        ("   ", "missing-number"),
        ("9.19876E+11", "excel-mangled-number"),
        ("919876543210.0", "excel-mangled-number"),
        ("12345", "invalid-number"),
        ("N/A", "invalid-number"),
    ],
)
def test_every_failure_has_its_code(value: str | None, error: str) -> None:
    assert answers([value])[0]["error"] == error


def test_an_unknown_region_is_left_to_phonenumbers() -> None:
    assert [a["e164"] for a in answers(["+91 98765 43210", "98765 43210"], "ZZ")] == [
        "+919876543210",
        None,
    ]


def test_a_large_column_is_decided_by_the_fast_path() -> None:
    values = pl.Series([f"98{n:08d}" for n in range(5000)] + ["+44 7911 123456"] * 100)
    frame = phones._classified(values).filter(pl.col("_plain"))
    decided = phonefast.decide(frame.select(phonefast.ROW, phonefast.DIGITS, phonefast.PLUS), "IN")
    assert decided.get_column(phonefast.DECIDED).all()
    assert values.to_frame("n").select(normalize_numbers(pl.col("n"))).height == 5100


def test_transform_regions_are_left_to_phonenumbers() -> None:
    frame = pl.DataFrame(
        {phonefast.ROW: [0], phonefast.DIGITS: ["541123456789"], phonefast.PLUS: [True]},
        schema={phonefast.ROW: pl.UInt32, phonefast.DIGITS: pl.String, phonefast.PLUS: pl.Boolean},
    )
    assert not phonefast.decide(frame, "IN").get_column(phonefast.DECIDED).any()


def test_the_report_names_the_phonenumbers_version(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv("number\n+919876543210\n"), "--format", "json")
    assert report_of(result)["tool"]["phonenumbers"] == phonenumbers.__version__


def test_letters_and_extensions_are_warnings_on_kept_rows(cli: Cli, write_csv: WriteCsv) -> None:
    text = "number\n9876a543210\n98450 12345 ext 7\n"
    report = report_of(cli("check", write_csv(text), "--format", "json"))
    codes = {f["code"]: f for f in report["findings"]}
    assert codes["number-letters-dropped"]["severity"] == "warning"
    assert codes["number-letters-dropped"]["examples"][0]["line"] == 2
    assert codes["number-extension-dropped"]["examples"][0]["line"] == 3
    assert report["stats"]["success"] == 2


def test_the_plus_hint_is_in_the_rejects_detail(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli("check", write_csv("number\n447911123456\n"), "--out", out, "--format", "json")
    assert report_of(result)["stats"]["failed"] == 1
    rejects = pl.read_csv(out / "contacts.rejects.csv", infer_schema=False)
    assert "+447911123456" in rejects.item(0, "detail")
    assert "+ in front" in rejects.item(0, "detail")


def test_check_imports_neither_pandera_nor_the_upload_client(write_csv: WriteCsv) -> None:
    path = write_csv("number\n9876543210\n")
    code = (
        "import sys; from csvcheck.cli import main\n"
        f"try: main(['check', {str(path)!r}])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('pandera', 'httpx', 'pandas') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout.strip().splitlines()[-1].replace("'", '"')) == []


def test_a_hint_through_a_transform_rule_is_phonenumbers_answer() -> None:
    # +672 (Norfolk Island) rewrites its national numbers (5 digits get a leading 3): the
    # '+' hint for the value must be phonenumbers' own E.164 form, on the fast path too.
    values = ["67288950"] * (phones.FAST_FROM + 1)
    decided = answers(values)
    assert decided[0]["error"] == "invalid-number"
    assert decided[0]["hint"] == phones.decide_number("67288950", "IN").hint == "+672388950"
