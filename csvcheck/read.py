"""Sniffed text → an all-string polars frame of records with their physical line numbers.

The frame has one row per record after the header, blank lines included, in file order:

- ``_line``   physical line (1-based) where the record starts;
- ``_fields`` how many fields the record has (0 for a blank line);
- ``c0 … cN`` the fields by position under the N header columns (null where a short record
  has no field);
- ``_extra``  fields beyond the header's count, as a list (null when none).

Nothing is padded, truncated or merged silently: ``_fields`` keeps what the record really had.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from .errors import InputError
from .sniff import Sniffed

LINE = "_line"
FIELDS = "_fields"
EXTRA = "_extra"
FIELD_SIZE_LIMIT = 1_000_000  # a cell bigger than this is an unbalanced quote, not a contact


def field_name(index: int) -> str:
    """Internal name of the column at this position."""
    return f"c{index}"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A header and its records."""

    header: tuple[str, ...]
    """Header cells as read (after BOM removal); empty when the file has no header row."""
    header_line: int
    """Physical line of the header row."""
    records: pl.DataFrame
    """Records after the header, with ``_line``, ``_fields``, ``c0…``, ``_extra``."""


def _records_with_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # csv.reader is the one parser here that reports where each record starts when a quoted
    # field spans lines, and it never pads or truncates; it runs in C.
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"line {start}: cannot parse the record ({exc})") from exc


def empty_records(width: int) -> pl.DataFrame:
    """A frame of no records with the columns a ``width``-column header gives."""
    schema: dict[str, pl.DataType] = {LINE: pl.Int64(), FIELDS: pl.Int64()}
    schema |= {field_name(i): pl.String() for i in range(width)}
    schema[EXTRA] = pl.List(pl.String())
    return pl.DataFrame(schema=schema)


def parse(sniffed: Sniffed) -> Parsed:
    """Parse the text into a header and a frame of records."""
    rows = _records_with_lines(sniffed.text, sniffed.delimiter)
    header_line, header = 1, None
    for line, fields in rows:
        if fields and any(f.strip() for f in fields):
            header_line, header = line, fields
            break
    if header is None:
        return Parsed(header=(), header_line=1, records=empty_records(0))
    width = len(header)
    lines: list[int] = []
    counts: list[int] = []
    columns: list[list[str | None]] = [[] for _ in range(width)]
    extras: list[list[str] | None] = []
    # One pass in Python over the rows: the reader hands records one at a time.
    for line, fields in rows:
        lines.append(line)
        counts.append(len(fields))
        for index, column in enumerate(columns):
            column.append(fields[index] if index < len(fields) else None)
        extras.append(fields[width:] if len(fields) > width else None)
    data: dict[str, list[int] | list[str | None] | list[list[str] | None]]
    data = {LINE: lines, FIELDS: counts}
    data |= {field_name(i): column for i, column in enumerate(columns)}
    data[EXTRA] = extras
    frame = pl.DataFrame(data, schema=empty_records(width).schema)
    return Parsed(header=tuple(header), header_line=header_line, records=frame)
