"""Clean frame → parts within the row and byte limits."""

from __future__ import annotations

import polars as pl

from .rules import Rules


def plan_parts(clean: pl.DataFrame, rules: Rules) -> list[pl.DataFrame]:
    """The clean rows as one part (splitting into several is not built yet)."""
    del rules
    return [clean]
