"""csvcheck's number decisions equal libphonenumber's on the public phone corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import phonenumbers
import polars as pl
import pytest

import csvcheck

from .reference import libphonenumber_e164


def load_cases(corpora: Path) -> list[dict[str, str]]:
    with (corpora / "phone_cases.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def decided(cases: list[dict[str, str]]) -> list[str | None]:
    """csvcheck's E.164 for every case, through the public polars expression."""
    answers: list[str | None] = []
    for case in cases:
        frame = pl.DataFrame({"n": [case["input"]]})
        region = case["default_region"] or "ZZ"
        result = frame.select(csvcheck.normalize_numbers(pl.col("n"), region=region)).item()
        answers.append(result["e164"])
    return answers


def test_every_case_matches_phonenumbers_at_run_time(corpora: Path) -> None:
    cases = load_cases(corpora)
    assert len(cases) == 105
    mismatches = [
        (
            case["input"],
            case["default_region"],
            ours,
            libphonenumber_e164(case["input"], case["default_region"]),
        )
        for case, ours in zip(cases, decided(cases), strict=True)
        if ours != libphonenumber_e164(case["input"], case["default_region"])
    ]
    assert mismatches == []


def test_corpus_values_hold_for_the_pinned_metadata(corpora: Path) -> None:
    if phonenumbers.__version__ != "9.0.43":
        pytest.skip(
            f"corpus answers are pinned to phonenumbers 9.0.43, not {phonenumbers.__version__}"
        )
    cases = load_cases(corpora)
    for case, ours in zip(cases, decided(cases), strict=True):
        expected = case["expected_e164"] if case["is_valid"] == "true" else None
        assert ours == expected, case


def test_pipeline_rejects_exactly_the_invalid_cases(corpora: Path) -> None:
    cases = [c for c in load_cases(corpora) if c["default_region"] == "US"]
    frame = pl.DataFrame({"number": [c["input"] for c in cases]})
    result = csvcheck.check_frame(frame, region="US")
    valid = {libphonenumber_e164(c["input"], "US") for c in cases} - {None}
    assert set(result.clean["number"].to_list()) == valid
    assert result.report.stats.total == len(cases)
