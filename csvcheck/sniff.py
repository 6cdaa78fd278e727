"""Bytes → text: refuse binaries, find the encoding, BOM, delimiter and line endings."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from .errors import InputError, NotTextError

# Leading bytes of files people save as .csv by mistake, and what to tell them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); save it as 'CSV UTF-8'"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls); save it as 'CSV UTF-8'"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"%PDF", "a PDF document; export the table as CSV"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"\xfd7zXZ", "an xz-compressed file; decompress it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; extract it first"),
)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """Decoded text and how it was stored."""

    text: str
    """The decoded text, BOM removed, line endings as in the file."""
    encoding: str
    """Codec name the bytes were decoded with."""
    bom: bool
    """Whether a byte-order mark was removed."""
    delimiter: str
    """Field delimiter."""
    line_endings: str
    """"LF", "CRLF", "CR", "mixed" or "none"."""


def refuse_binary(data: bytes) -> None:
    """Raise NotTextError when the bytes are plainly not a text file."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise NotTextError(f"this is {what}, not a CSV file")
    if b"\x00" in data[:8192]:
        raise NotTextError("this is a binary file (it has NUL bytes), not a CSV file")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode the whole file; return (text, encoding, had_bom)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"the file is not valid {encoding} (byte {exc.start})") from exc
        bom = text.startswith("\ufeff")
        return text.removeprefix("\ufeff"), encoding, bom
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 (byte {exc.start}); give its encoding with --encoding"
        ) from exc
    return text, "utf-8", bom


def line_endings(text: str) -> str:
    """Name the line-ending style of the text."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def sniff(data: bytes, *, encoding: str | None = None, delimiter: str | None = None) -> Sniffed:
    """Decode the bytes and describe them; raise InputError when they are not a readable CSV."""
    refuse_binary(data)
    text, used_encoding, bom = decode(data, encoding)
    return Sniffed(
        text=text,
        encoding=used_encoding,
        bom=bom,
        delimiter=delimiter or ",",
        line_endings=line_endings(text),
    )
