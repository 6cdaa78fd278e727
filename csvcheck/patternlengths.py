"""How long the strings a libphonenumber pattern matches can be, read off the pattern.

libphonenumber's number patterns use a small part of regex syntax: digits, character classes
of digits, groups, alternation and counted repeats. The lengths they match follow from the
pattern alone: the fast path uses them to skip a length test a pattern already implies, and
to rule out numbers no region's pattern can match. No library reads this off a pattern
(``re``'s parser is private), so this is a small recursive descent over that syntax, which
gives up (None) on anything else.
"""

from __future__ import annotations

import re

_LONGEST = 32
"""Lengths past this are not followed (no national number is this long)."""


def pattern_lengths(pattern: str) -> frozenset[int] | None:
    """Every length of the strings a libphonenumber pattern can match, or None when that is
    unbounded or the pattern uses more than digits, classes, groups, '|' and counted
    repeats (``?``, ``{n}``, ``{n,m}``)."""
    try:
        lengths, end = _alternatives(pattern, 0)
    except ValueError:
        return None
    return frozenset(lengths) if end == len(pattern) else None


def _alternatives(pattern: str, at: int) -> tuple[set[int], int]:
    lengths, at = _sequence(pattern, at)
    while at < len(pattern) and pattern[at] == "|":
        more, at = _sequence(pattern, at + 1)
        lengths |= more
    return lengths, at


def _sequence(pattern: str, at: int) -> tuple[set[int], int]:
    lengths = {0}
    while at < len(pattern) and pattern[at] not in "|)":
        atom, at = _atom(pattern, at)
        low, high, at = _repeat(pattern, at)
        repeated = {0} if low == 0 else set()
        step = {0}
        for count in range(1, high + 1):
            step = _sum(step, atom)
            if count >= low:
                repeated |= step
        lengths = _sum(lengths, repeated)
    return lengths, at


def _atom(pattern: str, at: int) -> tuple[set[int], int]:
    char = pattern[at]
    if char in "^$":
        return {0}, at + 1
    if char.isdigit():
        return {1}, at + 1
    if char == "[":
        end = pattern.index("]", at)
        if not re.fullmatch(r"\^?[0-9-]+", pattern[at + 1 : end]):
            raise ValueError(pattern)
        return {1}, end + 1
    if char == "(":
        at += 3 if pattern.startswith("(?:", at) else 1
        lengths, at = _alternatives(pattern, at)
        if at >= len(pattern) or pattern[at] != ")":
            raise ValueError(pattern)
        return lengths, at + 1
    raise ValueError(pattern)


_COUNT = re.compile(r"\{([0-9]+)(?:,([0-9]+))?\}")


def _repeat(pattern: str, at: int) -> tuple[int, int, int]:
    """(fewest, most, end) of the quantifier at ``at`` (1, 1 when there is none)."""
    if pattern.startswith("?", at):
        return 0, 1, at + 1
    count = _COUNT.match(pattern, at)
    if count:
        low = int(count.group(1))
        return low, int(count.group(2) or low), count.end()
    if at < len(pattern) and pattern[at] in "*+{":
        raise ValueError(pattern)  # unbounded
    return 1, 1, at


def _sum(left: set[int], right: set[int]) -> set[int]:
    total = {a + b for a in left for b in right}
    if max(total, default=0) > _LONGEST:
        raise ValueError("too long")
    return total
