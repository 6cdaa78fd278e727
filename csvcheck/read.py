"""Sniffed text → an all-string polars frame of records with their physical line numbers.

The frame is described in ``records.py``. Two readers give the same frame. The fast one lets
polars parse the values and works out where each record starts and how many fields it has
from the physical lines, vectorized: a line break is inside a quoted field exactly when the
quotes before it are odd in number. It is used when every record is well-formed (a quote
only opens a field and closes it) and the line breaks are one kind (LF, CRLF, or CR).
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
from .records import EXTRA as EXTRA
from .records import FIELDS as FIELDS
from .records import LINE as LINE
from .records import PROBLEM_CODE as PROBLEM_CODE
from .records import PROBLEM_DETAIL as PROBLEM_DETAIL
from .records import Parsed as Parsed
from .records import empty_records as empty_records
from .records import field_name as field_name
from .sniff import Sniffed
from .structure import (
    cell_problems,
    physical_line_count,
    quoting_marks,
    regex_char,
    spanning_records,
    unclosed_quote,
    well_formed,
)

MAX_WIDENING = 4
"""The fast reader makes room for records up to about this many times the header's width."""
_CSV_FIELD_LIMIT = 2**31 - 1  # the csv module must not stop the read; structure.py reports
_REC = "_rec"
_BODY = "_body"


def parse(sniffed: Sniffed, line_offset: int = 0) -> Parsed:
    """Parse the text into a header and a frame of records, with their structure problems.

    ``line_offset`` is added to every line number (records, problems, messages): the lines
    before the text when it is one batch of a larger file.
    """
    return _parse(sniffed.text.encode("utf-8"), sniffed.delimiter, line_offset, sniffed.text)


def parse_utf8(
    data: bytes, delimiter: str, line_offset: int = 0, line_breaks: int | None = None
) -> Parsed:
    """``parse`` for text that is already UTF-8 bytes (a batch of a file): no decode needed.

    ``line_breaks``: the physical line breaks in ``data`` (CRLF, LF and lone CR), when the
    caller has counted them, so that they are not counted again. Polars' reading is still
    checked against the count: were it wrong, the records would come from a slower reader.
    """
    return _parse(data, delimiter, line_offset, None, line_breaks)


def _parse(
    data: bytes, delimiter: str, line_offset: int, text: str | None, line_breaks: int | None = None
) -> Parsed:
    """``text`` is ``data`` decoded, when the caller has it; decoded here only if needed."""
    parsed = parse_fast(data, delimiter, line_offset, line_breaks)
    read_text = None  # the fast reader checked the quoting of every record; the csv reader did not
    if parsed is None:
        read_text = data.decode("utf-8") if text is None else text
        parsed = parse_with_csv(read_text, delimiter, line_offset)
    found = [parsed.problems, cell_problems(parsed.records, data, delimiter)]
    if b'"' in data:  # without a quote no field can span lines
        last_line = physical_line_count(data, line_breaks) + line_offset
        found.append(spanning_records(parsed, last_line, delimiter, read_text, line_offset))
    problems = pl.concat(found)
    return Parsed(parsed.header, parsed.header_line, parsed.records, problems)


# ---------------------------------------------------------------------------- fast reader


def _single_line_break(data: bytes) -> str | None:
    """The one line break the text uses, or None when it mixes a lone CR with LF."""
    if b"\r" not in data:  # a quick search, where counting would read every byte
        return "\n"
    if b"\n" not in data:
        return "\r"
    return "\n" if data.count(b"\r") == data.count(b"\r\n") else None


_LINE_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x01", "\x02", "\x03")


def _line_bodies(data: bytes, eol: str, breaks: int | None) -> pl.Series:
    """Physical lines without their line break (and without a CR before an LF).

    ``breaks``: the line breaks in ``data`` when known (the one kind ``eol``), else counted.
    """
    end = eol.encode()
    expected = (data.count(end) if breaks is None else breaks) + (0 if data.endswith(end) else 1)
    # polars reads a one-column "CSV" of lines in parallel; the separator must not occur.
    separator = next((s for s in _LINE_SEPARATORS if s.encode() not in data), None)
    if separator is not None:
        try:
            lines = pl.read_csv(
                data,
                has_header=False,
                separator=separator,
                quote_char=None,
                eol_char=eol,
                infer_schema=False,
                empty_string_is_null=False,
                raise_if_empty=False,
                new_columns=[_BODY],
            )
        except pl.exceptions.PolarsError:
            lines = pl.DataFrame()
        if lines.width == 1 and lines.height == expected:
            return lines.to_series()
    text = data.decode("utf-8")
    pieces = pl.Series(_BODY, [text]).str.split(eol).explode()
    pieces = pieces.head(-1) if text.endswith(eol) else pieces
    return pieces.str.strip_suffix("\r") if eol == "\n" else pieces


def _physical_lines(data: bytes, eol: str, breaks: int | None) -> pl.DataFrame:
    """One row per physical line: its number, body, quote count, record."""
    lines = _line_bodies(data, eol, breaks).to_frame()
    quotes = pl.col(_BODY).str.count_matches('"', literal=True)
    open_after = (quotes.cum_sum() % 2) == 1
    return lines.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(LINE),
        quotes.alias("_quotes"),
        open_after.alias("_open"),
    ).with_columns((~pl.col("_open").shift(1, fill_value=False)).cum_sum().alias(_REC))


def _record_texts(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per record: first line, text (lines joined by LF), quotes in it."""
    first = pl.col(_REC) != pl.col(_REC).shift(1, fill_value=0)
    last = pl.col(_REC) != pl.col(_REC).shift(-1, fill_value=-1)
    single = first & last
    singles = lines.filter(single).select(_REC, LINE, _BODY, "_quotes")
    multi = lines.filter(~single)
    if multi.is_empty():
        return singles
    joined = multi.group_by(_REC, maintain_order=True).agg(
        pl.col(LINE).first(), pl.col(_BODY).str.join("\n"), pl.col("_quotes").sum()
    )
    return pl.concat([singles, joined]).sort(_REC)


def _field_counts(records: pl.DataFrame, delimiter: str) -> pl.DataFrame | None:
    """Add ``_fields``; None when a record's quotes are not the plain RFC 4180 kind."""
    plain = pl.col(_BODY).str.count_matches(delimiter, literal=True) + 1
    fields = records.select(
        pl.when(pl.col(_BODY) == "").then(0).otherwise(plain).cast(pl.Int64).alias(FIELDS)
    ).to_series()
    # Quoted fields with no delimiter and no doubled quote inside keep the plain count right
    # (a quick match); only the other records need the counting pass.
    d = regex_char(delimiter)
    simple_field = f'(?:"[^"{d}]*"|[^"{d}]*)'
    quoted = records.select((pl.col("_quotes") > 0).arg_true()).to_series()
    bodies = records.get_column(_BODY).gather(quoted)
    simple = bodies.str.contains(f"^{simple_field}(?:{d}{simple_field})*$")
    marks = quoting_marks(bodies.filter(~simple), delimiter)
    if not well_formed(marks).all():
        return None
    counts = marks.str.len_bytes().cast(pl.Int64)
    return records.with_columns(fields.scatter(quoted.filter(~simple), counts))


HEADER_SEARCH = 1000
"""Leading blank records the fast reader looks through for the header."""


def _header_index(bodies: pl.Series, delimiter: str) -> int | None:
    """Index of the first record (text) with a non-blank field; None when not near the start."""
    # A loop, but it stops at the first non-blank record, almost always the first one.
    for index, body in enumerate(bodies.head(HEADER_SEARCH)):
        if any(f.strip() for f in _split_record(body, delimiter)):
            return index
    return None


def _structure(data: bytes, delimiter: str, eol: str, breaks: int | None) -> pl.DataFrame | None:
    """Records from the line analysis: ``_line``, ``_fields`` and (first few) text."""
    lines = _physical_lines(data, eol, breaks)
    if lines.is_empty() or lines.get_column("_open").last():
        return None  # an unclosed quote at the end of the file: the csv reader reports it
    records = _field_counts(_record_texts(lines), delimiter)
    if records is None:
        return None
    # Only the header search needs record text; the rest of it would only hold memory.
    keep = pl.int_range(pl.len()) < HEADER_SEARCH
    return records.select(LINE, FIELDS, pl.when(keep).then(pl.col(_BODY)).alias(_BODY))


def parse_fast(
    data: bytes, delimiter: str, line_offset: int = 0, line_breaks: int | None = None
) -> Parsed | None:
    """Polars for the values, line analysis for structure; None when it cannot be trusted.

    ``data`` is UTF-8 text; ``line_offset`` is added to every line number; ``line_breaks``
    as in ``parse_utf8``.
    """
    eol = _single_line_break(data)
    if not data or eol is None or len(delimiter.encode()) != 1:
        return None  # polars takes a one-byte delimiter only
    if b'"' not in data:
        return _parse_unquoted(data, delimiter, eol, line_offset, line_breaks)
    records = _structure(data, delimiter, eol, line_breaks)
    start = None if records is None else _header_index(records.get_column(_BODY), delimiter)
    if records is None or start is None:
        return None
    header_line, width = records.item(start, LINE), records.item(start, FIELDS)
    if header_line > 1:
        data = data[_byte_offset(data, eol.encode(), header_line) :]
    rest = records.slice(start + 1).drop(_BODY)
    widest = max(width, rest.select(pl.col(FIELDS).max()).item() or 0)
    if widest > MAX_WIDENING * width + MAX_WIDENING:
        return None  # a frame that wide for one odd record would not fit; the csv reader copes
    values = _polars_values(data, delimiter, eol, width, widest)
    del data
    if values is None or values.height != rest.height + 1:
        return None  # polars and the line analysis disagree: trust neither, use the csv reader
    header = tuple("" if v is None else v for v in values.row(0)[:width])
    frame = _assemble(rest, values.slice(1), width, widest)
    frame = frame.with_columns(pl.col(LINE) + line_offset) if line_offset else frame
    return Parsed(header=header, header_line=header_line + line_offset, records=frame)


def _parse_unquoted(
    data: bytes, delimiter: str, eol: str, line_offset: int, breaks: int | None
) -> Parsed | None:
    """``parse_fast`` for text without a quote: each physical line is exactly one record."""
    bodies = _line_bodies(data, eol, breaks)
    start = _header_index(bodies, delimiter)
    if start is None:
        return None
    width = len(_split_record(bodies[start], delimiter))
    if start:
        data = data[_byte_offset(data, eol.encode(), start + 1) :]
    rest = bodies.slice(start + 1)
    values = _polars_values(data, delimiter, eol, width, width)
    if values is None or values.height != rest.len() + 1:
        return None
    header = tuple("" if v is None else v for v in values.row(0))
    values = values.slice(1)
    fields = _unquoted_field_counts(rest, values)
    first = start + 2 + line_offset  # the line after the header
    lines = pl.int_range(first, first + rest.len(), dtype=pl.Int64, eager=True).alias(LINE)
    records = (
        _unquoted_records(values, fields, lines, width)
        if _largest(fields) <= width
        else _wider_records(data, delimiter, eol, rest, width, lines)
    )
    if records is None:
        return None
    return Parsed(header=header, header_line=start + 1 + line_offset, records=records)


def _unquoted_records(
    values: pl.DataFrame, fields: pl.Series, lines: pl.Series, width: int
) -> pl.DataFrame:
    """Records no longer than the header: polars' values, null where a line has no such field."""
    short = bool((fields < width).any())
    cells = [
        pl.when(pl.col(FIELDS) > i).then(pl.col(name)).alias(name) if short else pl.col(name)
        for i, name in enumerate(values.columns)
    ]
    return values.with_columns(lines, fields).select(
        LINE, FIELDS, *cells, pl.lit(None, pl.List(pl.String)).alias(EXTRA)
    )


def _wider_records(
    data: bytes, delimiter: str, eol: str, bodies: pl.Series, width: int, lines: pl.Series
) -> pl.DataFrame | None:
    """Records when a line is longer than the header: polars cut it, so count and read wider."""
    fields = _plain_field_counts(bodies, delimiter)
    widest = _largest(fields)
    if widest > MAX_WIDENING * width + MAX_WIDENING:
        return None  # as in parse_fast: the csv reader copes with one very long record
    values = _polars_values(data, delimiter, eol, width, widest)
    if values is None or values.height != bodies.len() + 1:
        return None
    return _assemble(pl.DataFrame([lines, fields]), values.slice(1), width, widest)


def _unquoted_field_counts(bodies: pl.Series, values: pl.DataFrame) -> pl.Series:
    """Fields per line, when no field is quoted: every byte of a line not in a value is a delimiter.

    ``values`` are polars' reading of the lines, padded with "" where a line is short and cut
    where it is longer; a line longer than the values' width shows as more fields than that.
    """
    lengths = values.select(
        pl.lit(bodies.str.len_bytes().cast(pl.Int64)).alias(_BODY),
        pl.sum_horizontal(pl.all().str.len_bytes().cast(pl.Int64)).alias("_values"),
    )
    delimiters = pl.col(_BODY) - pl.col("_values")
    return lengths.select(
        pl.when(pl.col(_BODY) == 0).then(0).otherwise(delimiters + 1).alias(FIELDS)
    ).to_series()


def _largest(counts: pl.Series) -> int:
    """The largest of the counts; 0 when there are none."""
    largest = counts.max()
    return largest if isinstance(largest, int) else 0


def _plain_field_counts(bodies: pl.Series, delimiter: str) -> pl.Series:
    """Fields per line of text without quotes: one more than its delimiters; a blank line has none."""
    delimiters = bodies.str.count_matches(delimiter, literal=True).cast(pl.Int64)
    return pl.select(
        pl.when(pl.lit(bodies) == "").then(0).otherwise(pl.lit(delimiters) + 1).alias(FIELDS)
    ).to_series()


def _byte_offset(data: bytes, eol: bytes, line: int) -> int:
    """Where a physical line starts, in a text with one kind of line break."""
    offset = 0
    # A loop over the lines before the header: blank ones, a few at most (HEADER_SEARCH).
    for _ in range(line - 1):
        offset = data.index(eol, offset) + len(eol)
    return offset


def _polars_values(
    data: bytes, delimiter: str, eol: str, width: int, widest: int
) -> pl.DataFrame | None:
    """All fields as strings, ``widest`` columns wide; None when polars cannot read them."""
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
    if values.width != widest:
        return None
    names = dict(zip(values.columns, map(field_name, range(widest)), strict=True))
    return (values.slice(1) if widen else values).rename(names)


def _assemble(rest: pl.DataFrame, values: pl.DataFrame, width: int, widest: int) -> pl.DataFrame:
    """Records: lines and field counts from the analysis, values from polars, extras apart."""
    frame = pl.concat([rest.select(LINE, FIELDS), values], how="horizontal")
    # polars pads short records; a field the record did not have is null, not "".
    short = (rest.get_column(FIELDS) < width).any()
    present = [
        pl.when(pl.col(FIELDS) > i).then(pl.col(field_name(i))).alias(field_name(i))
        for i in range(width if short else 0)
    ]
    extra = pl.lit(None, pl.List(pl.String))
    if widest > width:
        beyond = pl.concat_list(field_name(i) for i in range(width, widest))
        extra = pl.when(pl.col(FIELDS) > width).then(beyond.list.head(pl.col(FIELDS) - width))
    frame = frame.with_columns(*present, extra.alias(EXTRA))
    return frame.select(empty_records(width).columns).rechunk()


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
