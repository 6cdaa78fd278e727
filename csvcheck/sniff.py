"""Bytes → text: refuse binaries, find the encoding, BOM, delimiter and line endings.

Every decision is taken on the whole file (the encoding) or on the header and a sample of
records after it (the delimiter), never on a blind prefix that could end mid-record.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import InputError, NotTextError, UsageError

# Leading bytes of files people save as .csv by mistake, and what to tell them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); save it as 'CSV UTF-8'"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls); save it as 'CSV UTF-8'"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first (gunzip)"),
    (b"%PDF", "a PDF document; export the table as CSV"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"\xfd7zXZ", "an xz-compressed file; decompress it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; extract it first"),
    (b"Rar!", "a RAR archive; extract it first"),
    (b"SQLite format 3\x00", "an SQLite database; export the table as CSV"),
    (b"{\\rtf", "an RTF document; save the table as 'CSV UTF-8'"),
    (b"\x7fELF", "a program (ELF executable)"),
)

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

SAMPLE_BYTES = 8192
"""How much of the start the binary test looks at."""
# The five bytes cp1252 leaves undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x19\x1b-\x1f]")

DELIMITERS = (",", "\t", ";", "|")
"""Candidate delimiters, in order of preference when the evidence ties."""
SAMPLE_CHARS = 65_536
"""How much text the delimiter detection reads: the header and the records after it."""
SAMPLE_RECORDS = 100
_QUOTED = re.compile(r'"[^"]*"')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


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


def refuse_known_formats(data: bytes) -> None:
    """Raise NotTextError when the bytes start like a workbook, archive, document or image."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise NotTextError(f"this is {what}, not a CSV file")


def refuse_binary(data: bytes) -> None:
    """Raise NotTextError (or InputError) when the bytes are plainly not a text file."""
    refuse_known_formats(data)
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return
    sample = data[:SAMPLE_BYTES]
    if not sample:
        return
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 8 and (odd.count(0) > 0.3 * len(odd) or even.count(0) > 0.3 * len(even)):
        order = "le" if odd.count(0) > even.count(0) else "be"
        raise InputError(
            "this looks like UTF-16 text without a byte-order mark; "
            f"give its encoding with --encoding utf-16-{order}"
        )
    # A stray NUL is a structure finding on its record; many of them mean a binary file.
    nuls, controls = sample.count(0), len(_CONTROL_BYTES.findall(sample))
    if nuls > max(8, 0.01 * len(sample)) or controls > max(8, 0.05 * len(sample)):
        raise NotTextError("this is a binary file (NUL and control bytes), not a CSV file")


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not valid {encoding}: byte {exc.start} cannot be decoded"
        ) from exc


def _single_byte_encoding(data: bytes) -> str:
    """cp1252 (what Excel on Windows writes) unless a byte it leaves undefined occurs.

    The two agree on every byte but 0x80-0x9F, where cp1252 has the euro sign, curly quotes
    and dashes and Latin-1 has control codes no one types; so cp1252 is right whenever it
    can decode the file, and Latin-1 (which decodes any byte) takes the rest.
    """
    return "iso-8859-1" if _CP1252_UNDEFINED.search(data) else "cp1252"


def _check_utf8(text: str) -> str:
    """The text, when UTF-8 can hold it (a lone surrogate from an exotic codec cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"the decoded text has a character UTF-8 cannot hold (at character {exc.start})"
        ) from exc
    return text


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode the whole file; return (text, encoding, had_bom).

    Order: ``--encoding``; a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-8 over the whole
    file; cp1252 when it is not UTF-8; Latin-1 when cp1252 cannot decode it either.
    """
    if encoding is not None:
        text = _check_utf8(_decode_as(data, encoding))
        return text.removeprefix("\ufeff"), encoding, text.startswith("\ufeff")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], name), name, True
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        name = _single_byte_encoding(data)
        return data.decode(name), name, False


def line_endings(text: str) -> str:
    """Name the line-ending style of the text."""
    if "\r" not in text:  # a quick search; counting CRLF reads the text slowly
        return "LF" if "\n" in text else "none"
    all_cr = text.count("\r")
    # Counting CRLF is slow; when no CR stands alone (a search), every CR is half of one.
    crlf = all_cr if _LONE_CR.search(text) is None else text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = all_cr - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _sample_lines(text: str) -> list[str]:
    """The first non-blank line and up to SAMPLE_RECORDS after it, quoted sections removed."""
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS:
        # Drop the last, probably cut, line.
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r"), 0)]
    unquoted = _QUOTED.sub("", sample)
    lines = [line for line in _LINE_BREAK.split(unquoted) if line.strip()]
    return lines[: SAMPLE_RECORDS + 1]


def detect_delimiter(text: str) -> str:
    """The candidate the header splits on that the records agree with most; ``,`` when none.

    A candidate must occur in the header (outside quotes). Among those, the one whose count
    in the header is matched by the largest share of sampled records wins; ties go to the
    first of ``, tab ; |``.
    """
    lines = _sample_lines(text)
    if not lines:
        return ","
    header, records = lines[0], lines[1:]
    best, best_share = ",", -1.0
    for candidate in DELIMITERS:
        in_header = header.count(candidate)
        if not in_header:
            continue
        agreeing = sum(line.count(candidate) == in_header for line in records)
        share = agreeing / len(records) if records else 1.0
        if share > best_share:
            best, best_share = candidate, share
    return best


def sniff(data: bytes, *, encoding: str | None = None, delimiter: str | None = None) -> Sniffed:
    """Decode the bytes and describe them; raise InputError when they are not a readable CSV."""
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise UsageError(
            f"the delimiter must be one character, not a quote or line break: {delimiter!r}"
        )
    # With --encoding, NUL bytes may be the encoding's own (UTF-16 without a BOM).
    if encoding is None:
        refuse_binary(data)
    else:
        refuse_known_formats(data)
    text, used_encoding, bom = decode(data, encoding)
    return Sniffed(
        text=text,
        encoding=used_encoding,
        bom=bom,
        delimiter=delimiter or detect_delimiter(text),
        line_endings=line_endings(text),
    )
