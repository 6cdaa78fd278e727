"""Physical lines → records: where each record starts, its text and its field count.

A line break is inside a quoted field exactly when the quotes before it are odd in number;
so, vectorized over the lines, each record is a run of lines. The field count of a record
with a quote is found from its text here, when its quoting is RFC 4180's (a quote only opens
a field and closes it); ``read.py`` counts the others from polars' values.
"""

from __future__ import annotations

import re

import polars as pl

from .records import FIELDS, LINE, LineBreaks
from .structure import regex_char

BODY = "_body"
"""Column of a record's text (its lines joined by LF), or of a line's text."""
_REC = "_rec"
_LONE_CR = re.compile(rb"\r(?!\n)")


def single_line_break(data: bytes, breaks: LineBreaks | None) -> str | None:
    """The one line break the text uses, or None when it mixes a lone CR with LF."""
    if breaks is not None:
        crlf, lf, cr = breaks
        return "\n" if not cr else "\r" if not crlf + lf else None
    if b"\r" not in data:  # a quick search, where counting would read every byte
        return "\n"
    if b"\n" not in data:
        return "\r"
    return "\n" if _LONE_CR.search(data) is None else None  # every CR is half of a CRLF


_LINE_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x01", "\x02", "\x03")


def line_bodies(data: bytes, eol: str, breaks: int | None) -> pl.Series:
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
                new_columns=[BODY],
            )
        except pl.exceptions.PolarsError:
            lines = pl.DataFrame()
        if lines.width == 1 and lines.height == expected:
            return lines.to_series()
    text = data.decode("utf-8")
    pieces = pl.Series(BODY, [text]).str.split(eol).explode()
    pieces = pieces.head(-1) if text.endswith(eol) else pieces
    return pieces.str.strip_suffix("\r") if eol == "\n" else pieces


def _physical_lines(data: bytes, eol: str, breaks: int | None) -> pl.DataFrame:
    """One row per physical line: its number, body, quote count, record."""
    lines = line_bodies(data, eol, breaks).to_frame()
    quotes = pl.col(BODY).str.count_matches('"', literal=True)
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
    singles = lines.filter(single).select(_REC, LINE, BODY, "_quotes")
    multi = lines.filter(~single)
    if multi.is_empty():
        return singles
    joined = multi.group_by(_REC, maintain_order=True).agg(
        pl.col(LINE).first(), pl.col(BODY).str.join("\n"), pl.col("_quotes").sum()
    )
    return pl.concat([singles, joined]).sort(_REC)


_QUOTED_SECTION = '"(?:[^"]|"")*"'


def _field_counts(records: pl.DataFrame, delimiter: str) -> pl.DataFrame | None:
    """Add ``_fields`` to records with a quote; None when one's quotes are not RFC 4180's kind.

    Records without a quote get a null count here: ``read.py`` counts them from polars' values.
    """
    d = regex_char(delimiter)
    field = f'(?:{_QUOTED_SECTION}|[^"{d}]*)'
    simple_field = f'(?:"[^"{d}]*"|[^"{d}]*)'
    quoted = records.select((pl.col("_quotes") > 0).arg_true()).to_series()
    bodies = records.get_column(BODY).gather(quoted)
    # Quoted fields with no delimiter and no quote inside: every delimiter separates fields (a
    # quick match). Otherwise, in a well-formed record a quoted section is a whole field, and
    # the delimiters left once the sections are taken out are the ones between fields.
    simple = bodies.str.contains(f"^{simple_field}(?:{d}{simple_field})*$")
    others = bodies.filter(~simple)
    if not others.str.contains(f"^{field}(?:{d}{field})*$").all():
        return None
    outside = others.str.replace_all(_QUOTED_SECTION, "")
    fields = pl.repeat(None, records.height, dtype=pl.Int64, eager=True).alias(FIELDS)
    for where, texts in (
        (quoted.filter(simple), bodies.filter(simple)),
        (quoted.filter(~simple), outside),
    ):
        fields = fields.scatter(where, texts.str.count_matches(delimiter, literal=True) + 1)
    return records.with_columns(fields)


def record_structure(
    data: bytes, delimiter: str, eol: str, breaks: int | None
) -> pl.DataFrame | None:
    """Records from the line analysis: ``_line``, ``_fields`` (of quoted ones) and text."""
    if b'"' not in data:  # every physical line is one record
        bodies = line_bodies(data, eol, breaks).to_frame()
        return bodies.select(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(LINE),
            pl.lit(None, pl.Int64).alias(FIELDS),
            BODY,
        )
    lines = _physical_lines(data, eol, breaks)
    if lines.is_empty() or lines.get_column("_open").last():
        return None  # an unclosed quote at the end of the file: the csv reader reports it
    records = _field_counts(_record_texts(lines), delimiter)
    return None if records is None else records.select(LINE, FIELDS, BODY)
