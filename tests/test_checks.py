"""Cheap first passes over cell values never miss a cell the exact checks flag."""

from __future__ import annotations

import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from csvcheck import checks

# White space of every kind strip_chars knows, formula starts, U+FFFD, letters, digits.
ALPHABET = [
    " ", "\t", "\r", "\n", "\x0b", "\x0c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000",
    "=", "+", "-", "@", "a", "Z", "0", "9", ".", "é", "中", "\ufffd", "\x7f", "(", ")",
]  # fmt: skip
cells = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.sampled_from(ALPHABET), max_size=8)), max_size=30
)


def frame(values: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"v": values}, schema={"v": pl.String})


@settings(max_examples=300, deadline=None)
@given(cells, st.integers(min_value=0, max_value=6))
def test_the_first_pass_keeps_every_cell_an_exact_check_flags(
    values: list[str | None], limit: int
) -> None:
    v = pl.col("v")
    result = frame(values).select(
        checks.may_be_flagged(v, limit).alias("kept"),
        (checks.formula_like(v) | checks.needs_trim(v) | checks.too_long(v, limit)).alias("flag"),
    )
    missed = result.filter(pl.col("flag") & ~pl.col("kept"))
    assert missed.height == 0


def test_the_first_pass_lets_plain_cells_through() -> None:
    values = ["Asha", "Rao", "asha@example.com", "Apex Textiles", "", None]
    kept = frame(values).select(checks.may_be_flagged(pl.col("v"), 255)).to_series()
    assert not kept.any()


@settings(max_examples=300, deadline=None)
@given(cells)
def test_a_formula_start_is_read_from_the_first_byte_as_the_pattern_reads_it(
    values: list[str | None],
) -> None:
    found = frame(values).select(checks.starts_like_formula(pl.col("v"))).to_series().to_list()
    pattern = re.compile(checks.FORMULA_PATTERN)
    assert found == [value is not None and bool(pattern.match(value)) for value in values]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from([*ALPHABET, "@", "@", ".", "x"]), max_size=12),
        ),
        max_size=30,
    )
)
def test_one_email_regex_decides_as_trimming_then_matching_does(values: list[str | None]) -> None:
    v = pl.col("v")
    trimmed = v.str.strip_chars()
    by_steps = ~checks.is_blank(v) & ~trimmed.str.contains(checks.EMAIL_PATTERN)
    result = frame(values).select(checks.invalid_email(v).alias("one"), by_steps.alias("steps"))
    assert result.get_column("one").to_list() == result.get_column("steps").to_list()


@settings(max_examples=200, deadline=None)
@given(cells)
def test_a_column_holds_a_replacement_character_when_a_cell_does(
    values: list[str | None],
) -> None:
    held = frame(values).select(checks.holds_replacement_character(pl.col("v"))).item()
    assert held == any(value is not None and "\ufffd" in value for value in values)
