"""Sniffed text → an all-string polars frame of records with their physical line numbers.

The frame is described in ``records.py``. Two readers give the same frame. The fast one lets
polars parse the values and works out where each record starts and how many fields it has
from the physical lines (``lines.py``), vectorized; a record without a quote is counted from
the lengths of polars' values (each byte of it not in a value is a delimiter). It is used
when every record is well-formed (a quote only opens a field and closes it) and the line
breaks are one kind (LF, CRLF, or CR).
Anything else, and any disagreement between the two views of the file, goes to the csv
module, record by record, which is slower but reads every byte string the way Python's csv
does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import polars as pl

from .errors import InputError
from .lines import BODY, line_bodies, record_structure, single_line_break
from .records import EXTRA as EXTRA
from .records import FIELDS as FIELDS
from .records import LINE as LINE
from .records import PROBLEM_CODE as PROBLEM_CODE
from .records import PROBLEM_DETAIL as PROBLEM_DETAIL
from .records import LineBreaks as LineBreaks
from .records import Parsed as Parsed
from .records import empty_records as empty_records
from .records import field_name as field_name
from .sniff import Sniffed
from .structure import (
    cell_problems,
    physical_line_count,
    spanning_records,
    unclosed_quote,
)

MAX_WIDENING = 4
"""The fast reader makes room for records up to about this many times the header's width."""
_CSV_FIELD_LIMIT = 2**31 - 1  # the csv module must not stop the read; structure.py reports
_BYTES = "_bytes"


def parse(sniffed: Sniffed, line_offset: int = 0) -> Parsed:
    """Parse the text into a header and a frame of records, with their structure problems.

    ``line_offset`` is added to every line number (records, problems, messages): the lines
    before the text when it is one batch of a larger file.
    """
    return _parse(sniffed.text.encode("utf-8"), sniffed.delimiter, line_offset, sniffed.text)


def parse_utf8(
    data: bytes, delimiter: str, line_offset: int = 0, line_breaks: LineBreaks | None = None
) -> Parsed:
    """``parse`` for text that is already UTF-8 bytes (a batch of a file): no decode needed.

    ``line_breaks``: the CRLF, LF and lone CR line breaks in ``data``, when the caller has
    counted them (``batches.Chunk.breaks``), so that they are not counted again. They must
    be the true counts: they decide which line break the text uses. Polars' reading is still
    checked against them, and a disagreement sends the text to a slower reader.
    """
    return _parse(data, delimiter, line_offset, None, line_breaks)


def _parse(
    data: bytes,
    delimiter: str,
    line_offset: int,
    text: str | None,
    line_breaks: LineBreaks | None = None,
) -> Parsed:
    """``text`` is ``data`` decoded, when the caller has it; decoded here only if needed."""
    parsed = parse_fast(data, delimiter, line_offset, line_breaks)
    read_text = None  # the fast reader checked the quoting of every record; the csv reader did not
    if parsed is None:
        read_text = data.decode("utf-8") if text is None else text
        parsed = parse_with_csv(read_text, delimiter, line_offset)
    found = [parsed.problems, cell_problems(parsed.records, data, delimiter)]
    if b'"' in data:  # without a quote no field can span lines
        breaks = None if line_breaks is None else sum(line_breaks)
        last_line = physical_line_count(data, breaks) + line_offset
        found.append(spanning_records(parsed, last_line, delimiter, read_text, line_offset))
    problems = pl.concat(found)
    return Parsed(parsed.header, parsed.header_line, parsed.records, problems)


# ---------------------------------------------------------------------------- fast reader


HEADER_SEARCH = 1000
"""Leading blank records the fast reader looks through for the header."""


def _header_index(bodies: pl.Series, delimiter: str) -> int | None:
    """Index of the first record (text) with a non-blank field; None when not near the start."""
    # A loop, but it stops at the first non-blank record, almost always the first one.
    for index, body in enumerate(bodies.head(HEADER_SEARCH)):
        if any(f.strip() for f in _split_record(body, delimiter)):
            return index
    return None


def parse_fast(
    data: bytes, delimiter: str, line_offset: int = 0, line_breaks: LineBreaks | None = None
) -> Parsed | None:
    """Polars for the values, line analysis for structure; None when it cannot be trusted.

    ``data`` is UTF-8 text; ``line_offset`` is added to every line number; ``line_breaks``
    as in ``parse_utf8``.
    """
    eol = single_line_break(data, line_breaks)
    if not data or eol is None or len(delimiter.encode()) != 1:
        return None  # polars takes a one-byte delimiter only
    breaks = None if line_breaks is None else sum(line_breaks)  # all of the one kind, eol
    records = record_structure(data, delimiter, eol, breaks)
    start = None if records is None else _header_index(records.get_column(BODY), delimiter)
    if records is None or start is None:
        return None
    header_line = records.item(start, LINE)
    width = len(_split_record(records.item(start, BODY), delimiter))
    if header_line > 1:
        data = data[_byte_offset(data, eol.encode(), header_line) :]
    # Only the byte lengths of the records' texts are needed from here on: the texts would
    # only hold memory while polars reads the values.
    rest = records.slice(start + 1).select(
        LINE, FIELDS, pl.col(BODY).str.len_bytes().cast(pl.Int64).alias(_BYTES)
    )
    del records
    found = _read_values(data, delimiter, eol, rest, (header_line, width))
    if found is None:
        return None  # polars and the line analysis disagree: trust neither, use the csv reader
    header, frame = found
    frame = frame.with_columns(pl.col(LINE) + line_offset) if line_offset else frame
    return Parsed(header=header, header_line=header_line + line_offset, records=frame)


def _read_values(
    data: bytes, delimiter: str, eol: str, rest: pl.DataFrame, header_at: tuple[int, int]
) -> tuple[tuple[str, ...], pl.DataFrame] | None:
    """The header and the records after it: polars' values, every record's field count.

    ``header_at``: the header's line and width; ``data`` starts with the header.
    """
    header_line, width = header_at
    widest = max(width, _largest(rest.get_column(FIELDS)))
    values = _polars_values(data, delimiter, eol, width, widest, rest.height)
    if values is None:
        return None
    header = tuple("" if v is None else v for v in values.row(0)[:width])
    records = _assemble(rest, values.slice(1), width, widest)
    if _largest(records.get_column(FIELDS)) > widest:  # polars cut a record: count, read wider
        rest = rest.with_columns(_delimited_fields(data, delimiter, eol, rest, header_line))
        widest = _largest(rest.get_column(FIELDS))
        values = _polars_values(data, delimiter, eol, width, widest, rest.height)
        if values is None:
            return None
        records = _assemble(rest, values.slice(1), width, widest)
    return header, records


def _delimited_fields(
    data: bytes, delimiter: str, eol: str, rest: pl.DataFrame, header_line: int
) -> pl.Series:
    """``_fields``, the records not counted yet counted by their delimiters (they have no quote).

    ``data`` starts with the header, on ``header_line``; a record without a quote is one line.
    """
    texts = line_bodies(data, eol, None).gather(rest.get_column(LINE) - header_line)
    between = texts.str.count_matches(delimiter, literal=True).cast(pl.Int64)
    plain = pl.when(pl.lit(texts) == "").then(0).otherwise(pl.lit(between) + 1)
    return rest.select(pl.coalesce(FIELDS, plain).alias(FIELDS)).to_series()


def _largest(counts: pl.Series) -> int:
    """The largest of the counts; 0 when there are none."""
    largest = counts.max()
    return largest if isinstance(largest, int) else 0


def _byte_offset(data: bytes, eol: bytes, line: int) -> int:
    """Where a physical line starts, in a text with one kind of line break."""
    offset = 0
    # A loop over the lines before the header: blank ones, a few at most (HEADER_SEARCH).
    for _ in range(line - 1):
        offset = data.index(eol, offset) + len(eol)
    return offset


def _polars_values(
    data: bytes, delimiter: str, eol: str, width: int, widest: int, records: int
) -> pl.DataFrame | None:
    """The header and ``records`` records, ``widest`` strings each; None when polars cannot."""
    if widest > MAX_WIDENING * width + MAX_WIDENING:
        return None  # a frame that wide for one odd record would not fit; the csv reader copes
    # polars takes the column count from the first line (the header); when a record is
    # longer, a line of empty fields in front makes room for it, so that no field is cut.
    widen = widest > width
    try:
        values = pl.read_csv(
            (delimiter * (widest - 1) + eol).encode() + data if widen else data,
            has_header=False,
            separator=delimiter,
            quote_char='"',
            eol_char=eol,
            infer_schema=False,
            truncate_ragged_lines=True,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None
    if values.width != widest or values.height != records + 1 + widen:
        return None
    names = dict(zip(values.columns, map(field_name, range(widest)), strict=True))
    return (values.slice(1) if widen else values).rename(names)


def _assemble(rest: pl.DataFrame, values: pl.DataFrame, width: int, widest: int) -> pl.DataFrame:
    """Records: lines and text lengths from the analysis, values from polars, extras apart.

    The records not counted yet (null ``_fields``: those without a quote) are counted here. In
    such a record every byte not in a value is a delimiter; polars pads a short record with ""
    and cuts a long one, which then shows as more fields than ``widest``.
    """
    size = pl.col(_BYTES)
    in_values = pl.sum_horizontal(pl.col(c).str.len_bytes() for c in values.columns)
    between = size - in_values.cast(pl.Int64)
    counted = pl.coalesce(FIELDS, pl.when(size == 0).then(0).otherwise(between + 1))
    # polars pads short records; a field the record did not have is null, not "".
    present = [
        pl.when(pl.col(FIELDS) > i).then(pl.col(field_name(i))).alias(field_name(i))
        for i in range(width)
    ]
    extra = pl.lit(None, pl.List(pl.String))
    if widest > width:
        beyond = pl.concat_list(field_name(i) for i in range(width, widest))
        extra = pl.when(pl.col(FIELDS) > width).then(beyond.list.head(pl.col(FIELDS) - width))
    columns = [rest.get_column(c) for c in (LINE, FIELDS, _BYTES)]
    frame = values.lazy().with_columns(columns).with_columns(counted.alias(FIELDS))
    # One chunk per column, as later stages expect of a frame (polars reads in pieces).
    return frame.select(LINE, FIELDS, *present, extra.alias(EXTRA)).collect().rechunk()


def _split_record(record: str, delimiter: str) -> list[str]:
    """The fields of one record's text, as the csv module reads them."""
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    rows = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=False))
    return rows[0] if rows else []


# ----------------------------------------------------------------------------- csv reader


def _records_with_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # csv.reader reports where each record starts when a quoted field spans lines, and it never
    # pads or truncates; it runs in C. It reads what the fast reader refuses.
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"line {start}: cannot parse the record ({exc})") from exc


def parse_with_csv(text: str, delimiter: str, line_offset: int = 0) -> Parsed:
    """The csv module's reading of the text; ``line_offset`` is added to every line number."""
    rows = _records_with_lines(text, delimiter)
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
    last_start = lines[-1] if lines else header_line
    problems = unclosed_quote(text, delimiter, last_start, header_line, line_offset)
    if line_offset:
        frame = frame.with_columns(pl.col(LINE) + line_offset)
    return Parsed(tuple(header), header_line + line_offset, frame, problems)
