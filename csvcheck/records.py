"""The frame every reader produces: one row per record, with its physical line number.

The frame has one row per record after the header, blank lines included, in file order:

- ``_line``   physical line (1-based) where the record starts;
- ``_fields`` how many fields the record has (0 for a blank line);
- ``c0 … cN`` the fields by position under the N header columns (null where a short record
  has no field);
- ``_extra``  fields beyond the header's count, as a list (null when none).

Nothing is padded, truncated or merged silently: ``_fields`` keeps what the record really had.
Structure problems found while reading travel beside it, one row per (record, problem).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

LINE = "_line"
FIELDS = "_fields"
EXTRA = "_extra"
PROBLEM_CODE = "_code"
PROBLEM_DETAIL = "_problem_detail"

LineBreaks = tuple[int, int, int]
"""How many line breaks of each kind a text holds: CRLF, LF (alone) and CR (alone)."""


def field_name(index: int) -> str:
    """Internal name of the column at this position."""
    return f"c{index}"


def empty_problems() -> pl.DataFrame:
    """A frame of no structure problems."""
    return pl.DataFrame(
        schema={LINE: pl.Int64(), PROBLEM_CODE: pl.String(), PROBLEM_DETAIL: pl.String()}
    )


@dataclass(frozen=True, slots=True)
class Parsed:
    """A header and its records."""

    header: tuple[str, ...]
    """Header cells as read (after BOM removal); empty when the file has no header row."""
    header_line: int
    """Physical line of the header row."""
    records: pl.DataFrame
    """Records after the header, with ``_line``, ``_fields``, ``c0…``, ``_extra``."""
    problems: pl.DataFrame = field(default_factory=empty_problems)
    """Structure problems of records: ``_line`` of the record, ``_code``, ``_problem_detail``."""


def empty_records(width: int) -> pl.DataFrame:
    """A frame of no records with the columns a ``width``-column header gives."""
    schema: dict[str, pl.DataType] = {LINE: pl.Int64(), FIELDS: pl.Int64()}
    schema |= {field_name(i): pl.String() for i in range(width)}
    schema[EXTRA] = pl.List(pl.String())
    return pl.DataFrame(schema=schema)
