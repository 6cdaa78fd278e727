"""Bytes → batches of whole records, for checking a large file without holding it.

A batch may end only after a line break that is outside every quoted field: quotes are
followed the way Python's CSV reader follows them (a quote opens a field only at its start;
in a run of quotes inside one, pairs are quotes and an odd one closes it), so stray quotes
in unquoted fields do not throw the cut off.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .records import LineBreaks
from .sniff import Sniffed, sniff

SAMPLE_BYTES = 1_000_000
"""Bytes at the start of the file the encoding, BOM and delimiter are sniffed from."""
BLOCK_BYTES = 8_000_000
"""Bytes read at a time when confirming the encoding."""

_QUOTE = ord('"')
_LONE_CR = re.compile(rb"\r(?!\n)")


def sniff_start(path: Path, encoding: str | None, delimiter: str | None) -> Sniffed | None:
    """Sniff the first whole lines; None when the file cannot be cut into batches safely."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
    except OSError:
        return None
    end = _last_line_break(sample, len(sample), len(sample)) + 1  # LF, or a lone CR
    if not end:
        return None
    sniffed = sniff(sample[:end], encoding=encoding, delimiter=delimiter)
    if not _bytes_are_characters(sniffed.encoding) or not sniffed.delimiter.isascii():
        return None
    return sniffed


def _bytes_are_characters(encoding: str) -> bool:
    """Whether quote, delimiter, CR and LF bytes can only ever be those characters."""
    name = codecs.lookup(encoding).name
    return name in {"utf-8", "utf-8-sig", "ascii"} or name.startswith(("iso8859", "cp125"))


def confirm_encoding(path: Path, encoding: str) -> str | None:
    """The file's SHA-256 if the encoding decodes every byte of it, else None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    # Plain ASCII decodes in every encoding that can be batched, and checking for it is
    # far cheaper than decoding: blocks go to the decoder from the first non-ASCII one on.
    only_ascii = _bytes_are_characters(encoding)
    digest = hashlib.sha256()
    buffer = bytearray(BLOCK_BYTES)  # one buffer for every block
    with path.open("rb", buffering=0) as handle:
        try:
            while read := handle.readinto(buffer):
                block = buffer if read == len(buffer) else buffer[:read]
                digest.update(block)
                only_ascii = only_ascii and block.isascii()
                if not only_ascii:
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return digest.hexdigest()


def _last_line_break(data: bytes | bytearray, end: int, size: int) -> int:
    """Position of the last LF, or lone CR, before ``end``; -1 when there is none."""
    while True:
        lf, cr = data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)
        if cr <= lf:
            return lf
        if cr + 1 < size and data[cr + 1] != ord("\n"):
            return cr
        end = cr  # a CR at the very end may be the first half of a CRLF


def _open_quote(data: bytes | bytearray, position: int, delimiter: int) -> int:
    """Where the quoted field open at ``position`` starts, or -1 when none is open.

    Python's CSV reader opens a quoted field only with a quote at the start of a field; in a
    run of quotes inside one, pairs are quotes and an odd one closes it. Each run of quotes is
    then one of three maps of the state (open or not): a run of odd length at a field start
    flips it, one elsewhere closes it, an even run keeps it. Reading runs backwards from
    ``position`` until the last "closes" gives the state without reading the whole batch.
    """
    flips: list[int] = []
    before = position
    # A loop over runs of quotes, backwards, stopping at the first run that closes a field:
    # usually within the last record, and never more than the quotes of the batch.
    while (last := data.rfind(b'"', 0, before)) >= 0:
        start = last
        while start > 0 and data[start - 1] == _QUOTE:
            start -= 1
        odd = (last - start) % 2 == 0
        at_field_start = start == 0 or data[start - 1] in (delimiter, 10, 13)
        if odd and not at_field_start:
            break
        if odd:
            flips.append(start)
        before = start
    return flips[0] if len(flips) % 2 else -1


def record_end(data: bytes | bytearray, delimiter: str = ",", size: int | None = None) -> int:
    """Bytes of ``data`` that hold whole records (up to a line break outside quotes); 0 if none.

    ``size``: only the first so many bytes of ``data`` hold text (all of them by default).
    """
    end = len(data) if size is None else size
    size = end
    separator = ord(delimiter)
    while (line_break := _last_line_break(data, end, size)) >= 0:
        opened = _open_quote(data, line_break, separator)
        if opened < 0:
            return line_break + 1
        end = opened  # the break is inside a quoted field: look before the field
    return 0


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole records from one batch of bytes."""

    data: bytes
    """The records as UTF-8 (a byte-order mark at the start of the file removed)."""
    first_line: int
    """Physical line the chunk starts on."""
    end: int
    """Bytes of the file read up to the end of the chunk."""
    breaks: LineBreaks
    """Line breaks in the chunk: CRLF, LF, CR."""

    def behind(self, head: bytes) -> Chunk:
        """This chunk with ``head`` in front (whole records: the header, before a later batch)."""
        crlf, lf, cr = (a + b for a, b in zip(_line_breaks(head), self.breaks, strict=True))
        return Chunk(
            head + self.data, self.first_line - sum(_line_breaks(head)), self.end, (crlf, lf, cr)
        )


def chunks(path: Path, sniffed: Sniffed, batch_bytes: int) -> Iterator[Chunk]:
    """The file's records in batches of about ``batch_bytes``, each cut after a whole record."""
    line, consumed = 1, 0
    # One buffer for every batch: the rest of the last batch, then the next block read into it.
    # Each batch is then copied once (the old read, join and cut copied it three times).
    buffer, held = bytearray(batch_bytes), 0
    with path.open("rb", buffering=0) as handle:
        while True:
            if len(buffer) < held + batch_bytes:  # a record longer than a batch: make room
                buffer.extend(bytes(held + batch_bytes - len(buffer)))
            with memoryview(buffer) as view:
                read = handle.readinto(view[held : held + batch_bytes])
                held += read
                cut = record_end(buffer, sniffed.delimiter, held) if read else held
                piece = bytes(view[:cut])
            if not cut:
                if read:
                    continue  # one record longer than a batch: read on
                return
            buffer[: held - cut] = buffer[cut:held]
            held -= cut
            breaks = _line_breaks(piece)
            data = _as_utf8(piece, sniffed.encoding, first=not consumed)
            consumed += cut
            yield Chunk(data, line, consumed, breaks)
            line += sum(breaks)
            if not read:
                return


def _line_breaks(piece: bytes) -> LineBreaks:
    """CRLF, LF and lone CR line breaks in the bytes."""
    lf = piece.count(b"\n")
    if b"\r" not in piece:  # a quick search: most files have no CR at all
        return 0, lf, 0
    cr = piece.count(b"\r")
    # Counting CRLF is slow; when no CR stands alone (a search), every CR is half of one.
    crlf = cr if _LONE_CR.search(piece) is None else piece.count(b"\r\n")
    return crlf, lf - crlf, cr - crlf


def _as_utf8(piece: bytes, encoding: str, first: bool) -> bytes:
    """The bytes as UTF-8 without a BOM at the start of the file; UTF-8 and ASCII as they are."""
    if codecs.lookup(encoding).name in {"utf-8", "ascii"}:
        # Already UTF-8, and confirm_encoding decoded all of it: no decode and encode again.
        return piece.removeprefix(codecs.BOM_UTF8) if first else piece
    text = piece.decode(encoding)
    return (text.removeprefix("\ufeff") if first else text).encode("utf-8")
