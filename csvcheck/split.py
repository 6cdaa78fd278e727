"""Clean frame → parts within the row and byte limits.

Every part holds at most ``row_cap`` rows (the first part, meant for the named list, at most
``row_cap - existing``) and is strictly smaller than ``max_bytes`` as written: header, commas,
quotes and newlines included. Part k > 1 is meant for a new list ``NAME_k``.

The size of each row is computed with polars expressions (the same quoting the CSV writer
uses), and the cuts come from a cumulative sum searched once per part: the only Python loop
runs over parts, never over rows. A :class:`Splitter` keeps its place between batches, so a
file read in batches is cut exactly where the whole frame would have been.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from .rules import Rules

# polars' CSV writer quotes a field that holds the separator, a quote, CR or LF, and an empty
# string (a null is written as nothing); a quote inside is doubled.
_NEEDS_QUOTES = r'[,"\r\n]'


@dataclass(frozen=True, slots=True)
class PlannedPart:
    """One part as planned: which list it is for, its rows and its size as written."""

    list_number: int
    """1 for the named list, k for the new list ``NAME_k``."""
    rows: int
    """Contacts in the part."""
    bytes: int
    """Size of the part as written, header included."""

    @property
    def list_name_suffix(self) -> str:
        """Suffix of the list this part is for: "" for the named list, "_2", "_3", … after."""
        return "" if self.list_number == 1 else f"_{self.list_number}"


def header_bytes(columns: Sequence[str]) -> int:
    """Bytes of the header row the CSV writer emits for these columns."""
    header = pl.DataFrame(schema=dict.fromkeys(columns, pl.String())).write_csv()
    return len(header.encode())


def field_bytes(value: pl.Expr) -> pl.Expr:
    """Bytes one field takes in the CSV, quotes included (without the separator)."""
    length = value.str.len_bytes().cast(pl.Int64)
    quoted = value.str.contains(_NEEDS_QUOTES) | (value == "")
    doubled = value.str.count_matches('"', literal=True).cast(pl.Int64)
    return (
        pl.when(value.is_null())
        .then(pl.lit(0, pl.Int64))
        .when(quoted)
        .then(length + 2 + doubled)
        .otherwise(length)
    )


def row_bytes(frame: pl.DataFrame) -> pl.Series:
    """Bytes each row takes in the CSV: fields, separators and the newline."""
    if frame.width == 0:
        return pl.Series("bytes", [1] * frame.height, dtype=pl.Int64)
    fields = [field_bytes(pl.col(c).cast(pl.String)) for c in frame.columns]
    return frame.select((pl.sum_horizontal(fields) + frame.width).alias("bytes")).to_series()


def _unquoted_sizes(frame: pl.DataFrame, size: int) -> pl.Series | None:
    """Each row's bytes from the fields' lengths alone, when no other field was quoted.

    An empty string is written as two quotes; any other quoted field takes more bytes than
    its length, so when the sizes add up to the ``size`` written they are exact; otherwise
    None.
    """
    if frame.width == 0:
        return None
    fields = [pl.col(c).cast(pl.String) for c in frame.columns]
    lengths = [
        pl.when(v == "").then(2).otherwise(v.str.len_bytes()).fill_null(0).cast(pl.Int64)
        for v in fields
    ]
    sizes = frame.select((pl.sum_horizontal(lengths) + frame.width).alias("bytes")).to_series()
    return sizes if sizes.sum() == size else None


class Splitter:
    """Assigns rows, batch after batch, to parts within the limits.

    Mutable on purpose: it carries the open part (its list, rows and bytes) from one batch to
    the next.
    """

    def __init__(self, rules: Rules, columns: Sequence[str]) -> None:
        self._first_cap = rules.first_part_cap
        self._row_cap = rules.row_cap
        self._max_bytes = rules.max_bytes
        self._header = header_bytes(columns)
        self._parts: list[PlannedPart] = []

    @property
    def parts(self) -> tuple[PlannedPart, ...]:
        """The parts planned so far, in order."""
        return tuple(self._parts)

    def _open(self) -> PlannedPart:
        """The part the next row goes into, opening a new one when the last is full."""
        if not self._parts:
            first = PlannedPart(1, 0, self._header)
            return first if self._first_cap > 0 else PlannedPart(2, 0, self._header)
        last = self._parts[-1]
        cap = self._first_cap if last.list_number == 1 else self._row_cap
        if last.rows < cap:
            return last
        return PlannedPart(last.list_number + 1, 0, self._header)

    def _fits(self, rows: int, size: int) -> bool:
        """Whether that many rows of that size all fit in the open part."""
        part = self._open()
        cap = self._first_cap if part.list_number == 1 else self._row_cap
        return part.rows + rows <= cap and part.bytes + size < self._max_bytes

    def _store(self, part: PlannedPart) -> None:
        if self._parts and self._parts[-1].list_number == part.list_number:
            self._parts[-1] = part
        else:
            self._parts.append(part)

    def feed(self, frame: pl.DataFrame) -> list[tuple[int, pl.DataFrame]]:
        """Assign the rows of a batch; return (list number, rows) slices in order."""
        cuts = self._cut(frame.height, row_bytes(frame))
        return [(n, frame.slice(start, end - start)) for n, start, end in cuts]

    def feed_written(
        self, frame: pl.DataFrame, written: memoryview
    ) -> list[tuple[int, pl.DataFrame | memoryview]]:
        """Assign the rows of a batch given as well as the CSV bytes polars wrote for it
        (header left out); return (list number, rows) slices in order, as bytes when their
        place in ``written`` is exactly known, else as frames.

        A batch that fits in the open part goes there whole without the size of each row.
        """
        size = len(written)
        if frame.height and self._fits(frame.height, size):
            part = self._open()
            self._store(PlannedPart(part.list_number, part.rows + frame.height, part.bytes + size))
            return [(part.list_number, written)]
        exact = _unquoted_sizes(frame, size)
        cuts = self._cut(frame.height, row_bytes(frame) if exact is None else exact)
        if exact is None:
            return [(n, frame.slice(start, end - start)) for n, start, end in cuts]
        ends = pl.concat([pl.Series([0], dtype=pl.Int64), exact.cum_sum()])
        return [(n, written[int(ends[start]) : int(ends[end])]) for n, start, end in cuts]

    def _cut(self, height: int, sizes: pl.Series) -> list[tuple[int, int, int]]:
        """(list number, first row, row after the last) of each slice of a batch."""
        # ends[i] = bytes of the batch's first i rows; one search per part finds its cut.
        ends = pl.concat([pl.Series([0], dtype=pl.Int64), sizes.cum_sum()])
        cuts: list[tuple[int, int, int]] = []
        position = 0
        while position < height:
            part = self._open()
            cap = self._first_cap if part.list_number == 1 else self._row_cap
            room = self._max_bytes - 1 - part.bytes
            start = int(ends[position])
            fit = ends.search_sorted(start + room, side="right") - 1 - position
            take = min(cap - part.rows, int(fit))
            if take <= 0 and part.rows > 0:
                self._store(part)
                self._parts.append(PlannedPart(part.list_number + 1, 0, self._header))
                continue
            take = max(take, 1)  # a row too big for any part goes alone (reported)
            added = int(ends[position + take]) - start
            self._store(PlannedPart(part.list_number, part.rows + take, part.bytes + added))
            cuts.append((part.list_number, position, position + take))
            position += take
        self._parts = [p for p in self._parts if p.rows]
        return cuts


def split_frame(clean: pl.DataFrame, rules: Rules) -> list[tuple[PlannedPart, pl.DataFrame]]:
    """The clean rows cut into parts, each with its plan."""
    splitter = Splitter(rules, clean.columns)
    slices = splitter.feed(clean)
    return [(part, frame) for part, (_, frame) in zip(splitter.parts, slices, strict=True)]


def plan_parts(clean: pl.DataFrame, rules: Rules) -> tuple[PlannedPart, ...]:
    """How the clean rows would be cut, without writing anything."""
    splitter = Splitter(rules, clean.columns)
    splitter.feed(clean)
    return splitter.parts
