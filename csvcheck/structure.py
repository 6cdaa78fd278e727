"""Structure problems of parsed records: unclosed quotes, quoted fields over lines, NULs, huge cells.

Each detector returns a frame of problems (``_line`` of the record, ``_code``,
``_problem_detail``); the pipeline rejects the record for an error and reports a warning.
"""

from __future__ import annotations

import re

import polars as pl

from .errors import InputError
from .records import EXTRA, FIELDS, LINE, PROBLEM_CODE, PROBLEM_DETAIL, Parsed, empty_problems
from .report import Code

FIELD_SIZE_LIMIT = 1_000_000
"""Bytes: a cell bigger than this is a broken quote or a pasted document, not a contact."""


def regex_char(char: str) -> str:
    """A character as a regex escape that is literal anywhere, in a class too."""
    return f"\\x{{{ord(char):X}}}"


def physical_line_count(data: bytes, breaks: int | None = None) -> int:
    """Lines in the (UTF-8) text, a last line without a line break included.

    ``breaks``: the line breaks in the text (CRLF, LF and lone CR), when already counted.
    """
    if breaks is None:
        lf, cr = data.count(b"\n"), data.count(b"\r")
        breaks = lf + cr - (data.count(b"\r\n") if lf and cr else 0)
    return breaks + (0 if data.endswith((b"\n", b"\r")) or not data else 1)


def quoting_marks(texts: pl.Series, delimiter: str) -> pl.Series:
    """Each field of a record's text as one NUL mark, when the record's quoting is RFC 4180.

    With a delimiter after the last field too, every field followed by its delimiter is one
    match, and the matches tile a well-formed record. What no match covers holds a misplaced
    quote (one inside an unquoted field, or text after a closing quote).
    """
    d = regex_char(delimiter)
    one_field = f'(?:"(?:[^"]|"")*"|[^"{d}]*)'
    return (texts + delimiter).str.replace_all(f"{one_field}{d}", "\x00")


def well_formed(marks: pl.Series) -> pl.Series:
    """Whether ``quoting_marks`` covered the whole record."""
    return marks.str.replace_all("\x00", "", literal=True) == ""


def spanning_records(
    parsed: Parsed, last_line: int, delimiter: str, text: str | None = None, line_offset: int = 0
) -> pl.DataFrame:
    """Records whose quoted field spans lines: a warning, or an error when it breaks the record.

    A quote opened by mistake runs on to the next quote, lines later, and the lines in
    between become one record: with the wrong number of fields, or with text after the
    closing quote (``text``, the file, is given to check this when the csv reader read it),
    that is an error; with neither, it is legal CSV and may be a real multi-line value, so a
    warning (contacts may be hidden inside). A record already reported as never closed is
    left out. ``line_offset``: the lines before ``text`` (its lines are numbered from 1).
    """
    width = len(parsed.header)
    end = (pl.col(LINE).shift(-1).fill_null(last_line + 1) - 1).alias("_end")
    spanning = parsed.records.select(LINE, FIELDS, end).filter(
        (pl.col("_end") > pl.col(LINE))
        & (pl.col(FIELDS) > 0)
        & ~pl.col(LINE).is_in(parsed.problems.get_column(LINE).implode())
    )
    misquoted = _misquoted(spanning, text, delimiter, line_offset)
    spanning = spanning.with_columns(misquoted.alias("_misquoted"))
    broken = (pl.col(FIELDS) != width) | pl.col("_misquoted")
    runs = pl.format("a quoted field runs from line {} to line {}", pl.col(LINE), pl.col("_end"))
    why = (
        pl.when(pl.col(FIELDS) != width)
        .then(
            pl.format(
                " and leaves the record with {} fields (the header has {})",
                pl.col(FIELDS),
                pl.lit(width),
            )
        )
        .otherwise(pl.lit(" with text after its closing quote"))
    )
    detail = pl.format("{}{}: a quote on line {} is probably unbalanced", runs, why, pl.col(LINE))
    multiline = pl.format(
        "a quoted field runs from line {} to line {}; if it should not, the quote on line {} "
        "is unbalanced and the lines after it, up to line {}, are contacts hidden inside it",
        pl.col(LINE),
        pl.col("_end"),
        pl.col(LINE),
        pl.col("_end"),
    )
    return spanning.select(
        pl.col(LINE),
        pl.when(broken)
        .then(pl.lit(str(Code.UNBALANCED_QUOTE)))
        .otherwise(pl.lit(str(Code.MULTILINE_FIELD)))
        .alias(PROBLEM_CODE),
        pl.when(broken).then(detail).otherwise(multiline).alias(PROBLEM_DETAIL),
    )


def _misquoted(
    spanning: pl.DataFrame, text: str | None, delimiter: str, line_offset: int
) -> pl.Series:
    """For each spanning record, whether its quoting is off (only known with the text)."""
    if text is None or spanning.is_empty():
        return pl.repeat(False, spanning.height, eager=True)
    starts = [line - line_offset for line in spanning.get_column(LINE).to_list()]
    ends = [line - line_offset for line in spanning.get_column("_end").to_list()]
    offsets = _line_offsets(text, {*starts, *(e + 1 for e in ends)})
    texts = pl.Series(
        [
            text[offsets[s] : offsets.get(e + 1, len(text))]
            for s, e in zip(starts, ends, strict=True)
        ]
    ).str.strip_chars_end("\r\n")
    return ~well_formed(quoting_marks(texts, delimiter))


def _line_offsets(text: str, lines: set[int]) -> dict[int, int]:
    """Character offsets where the given physical lines start."""
    offsets = {1: 0} if 1 in lines else {}
    last = max(lines)
    # A loop over line breaks up to the last line asked for: only for files the csv reader
    # read that have records over several lines.
    for line, found in enumerate(re.finditer(r"\r\n|\r|\n", text), start=2):
        if line > last:
            break
        if line in lines:
            offsets[line] = found.end()
    return offsets


def _text_line_count(text: str) -> int:
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (0 if text.endswith(("\n", "\r")) or not text else 1)


def _start_of_last_lines(text: str, count: int) -> int:
    """Character offset where the last ``count`` physical lines start."""
    end = len(text) - (2 if text.endswith("\r\n") else 1 if text.endswith(("\n", "\r")) else 0)
    previous = {"\n": len(text), "\r": len(text)}
    # Steps back over the lines of the last record only, usually one; a found break stays
    # the answer until the search passes it, so each character is searched once.
    for _ in range(count):
        for char in previous:
            if previous[char] >= end:
                previous[char] = text.rfind(char, 0, end)
        found = max(previous.values())
        if found < 0:
            return 0
        crlf = text[found] == "\n" and found > 0 and text[found - 1] == "\r"
        end = found - 1 if crlf else found
    return end + (2 if text.startswith("\r\n", end) else 1)


def unclosed_quote(
    text: str, delimiter: str, last_start: int, header_line: int, line_offset: int = 0
) -> pl.DataFrame:
    """The last record, when a quote opened in it is never closed (it swallowed the rest).

    Lines are counted in ``text``; ``line_offset`` is added to those reported.
    """
    d = regex_char(delimiter)
    complete = f'(?:"(?:[^"]|"")*"(?:[^"{d}\\r\\n][^{d}\\r\\n]*)?|[^"{d}\\r\\n][^{d}\\r\\n]*|)'
    unclosed = f'^(?:{complete}{d})*"(?:[^"]|"")*$'
    end = _text_line_count(text)
    record = pl.Series([text[_start_of_last_lines(text, end - last_start + 1) :]])
    if not record.str.contains(unclosed).item():
        return empty_problems()
    first, last = last_start + line_offset, end + line_offset
    if last_start == header_line:
        raise InputError(
            f"line {first}: a quote opened in the header is never closed, "
            "so the whole file reads as one header cell"
        )
    detail = (
        f"a quote opened on line {first} is never closed: "
        f"lines {first} to {last} ({last - first + 1} lines) were read as this one record"
    )
    return pl.DataFrame(
        {LINE: [first], PROBLEM_CODE: [str(Code.UNBALANCED_QUOTE)], PROBLEM_DETAIL: [detail]},
        schema=empty_problems().schema,
    )


def _may_hold_a_large_field(data: bytes, delimiter: str) -> bool:
    """False when no field of the text can be over FIELD_SIZE_LIMIT bytes, without reading it.

    Without quotes, a field is a run of bytes with no delimiter and no line break in it, and a
    run longer than the limit covers a whole window of half the limit that starts at a multiple
    of it: when every such window holds a delimiter or a line break, no field is that long.
    """
    if len(data) <= FIELD_SIZE_LIMIT:
        return False
    if b'"' in data:
        return True  # a quoted field may hold delimiters and line breaks
    half = FIELD_SIZE_LIMIT // 2
    ends = (delimiter.encode(), b"\n", b"\r")
    # A loop over the windows (eight in a 4 MB batch); each search stops at the first end.
    return any(
        all(data.find(end, start, start + half) < 0 for end in ends)
        for start in range(0, len(data) - half + 1, half)
    )


def cell_problems(records: pl.DataFrame, data: bytes, delimiter: str = ",") -> pl.DataFrame:
    """Records holding a NUL byte or a field over FIELD_SIZE_LIMIT (``data`` read with ``delimiter``)."""
    cells = [pl.col(c) for c in records.columns if c.startswith("c")]
    cells.append(pl.col(EXTRA).list.join("\x1f"))
    checks: list[tuple[Code, pl.Expr, str]] = []
    if b"\x00" in data:
        nul = pl.any_horizontal(c.str.contains("\x00", literal=True) for c in cells)
        checks.append((Code.NUL_BYTE, nul, "a field holds a NUL byte (\\0)"))
    if _may_hold_a_large_field(data, delimiter):
        big = pl.any_horizontal(c.str.len_bytes() > FIELD_SIZE_LIMIT for c in cells)
        checks.append((Code.FIELD_TOO_LARGE, big, f"a field is over {FIELD_SIZE_LIMIT:,} bytes"))
    if not checks:
        return empty_problems()
    found = [
        records.filter(mask.fill_null(False)).select(
            pl.col(LINE),
            pl.lit(str(code)).alias(PROBLEM_CODE),
            pl.lit(detail).alias(PROBLEM_DETAIL),
        )
        for code, mask, detail in checks
    ]
    return pl.concat([empty_problems(), *found])
