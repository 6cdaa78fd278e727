"""Lengths read off libphonenumber's patterns."""

from __future__ import annotations

import phonenumbers
import pytest

from csvcheck import phonemeta
from csvcheck.patternlengths import pattern_lengths


@pytest.mark.parametrize(
    ("pattern", "lengths"),
    [
        ("^(?:[6-9][0-9]{9})$", {10}),
        ("^(?:(?:000800|[2-9][0-9][0-9])[0-9]{7}|1[0-9]{7,12})$", set(range(8, 14))),
        ("^(?:1(?:2[0-9]|3)?[0-9]{4})$", {5, 6, 7}),
        ("^(?:[1-9][0-9]?)$", {1, 2}),
        ("^(?:7[0-9]*)$", None),  # unbounded
        ("^(?:[0-9]+)$", None),
        ("^(?:[0-9]{2,})$", None),
        ("^(?:\\d{4})$", None),  # not written as the fast path writes patterns
        ("^(?:1(?:2$", None),  # not closed
    ],
)
def test_pattern_lengths(pattern: str, lengths: set[int] | None) -> None:
    found = pattern_lengths(pattern)
    assert found == (None if lengths is None else frozenset(lengths))


def test_every_number_type_pattern_has_bounded_lengths() -> None:
    """The fast path relies on reading them: a pattern it cannot read would lose its speed
    (never its answers), so a new metadata release that brings one should be noticed."""
    unread = [
        (key, group.pattern)
        for key in phonemeta.region_keys()
        for group in phonemeta.table(key).types
        if pattern_lengths(group.pattern) is None
    ]
    assert unread == []
    assert len(phonemeta.region_keys()) > len(phonenumbers.SUPPORTED_REGIONS)
