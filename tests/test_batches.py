"""Batches of a large file: the encoding confirmed once, records handed on as UTF-8 bytes."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from csvcheck import batches
from csvcheck.batches import Chunk, chunks, confirm_encoding, sniff_start
from csvcheck.pipeline import check_file
from csvcheck.rules import Rules
from csvcheck.stream import Progress, check_large

from .test_large import same_reports

WriteCsv = Callable[..., Path]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "BLOCK_BYTES", 16)


def test_an_ascii_file_is_confirmed_with_its_digest(
    write_csv: WriteCsv, small_blocks: None
) -> None:
    path = write_csv("number,name\n" + "9876543210,Asha\n" * 20)
    assert confirm_encoding(path, "utf-8") == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("ascii_blocks", [0, 1, 3])
def test_a_character_split_between_blocks_after_ascii_ones_is_confirmed(
    write_csv: WriteCsv, small_blocks: None, ascii_blocks: int
) -> None:
    start = "n" * (16 * ascii_blocks + 15)  # the two bytes of é straddle two blocks
    path = write_csv(start + "é\n9876543210,Asha\n")
    assert confirm_encoding(path, "utf-8") is not None


@pytest.mark.parametrize("late", [b"\xe9", b"\xc3", b"\xff\xfe"])
def test_a_late_byte_utf8_cannot_decode_is_found_after_ascii_blocks(
    write_csv: WriteCsv, small_blocks: None, late: bytes
) -> None:
    path = write_csv(b"number,name\n" + b"9876543210,Asha\n" * 20 + b"9876543211,X" + late)
    assert confirm_encoding(path, "utf-8") is None


def test_a_cp1252_file_is_confirmed_past_its_ascii_start(
    write_csv: WriteCsv, small_blocks: None
) -> None:
    path = write_csv(b"number;name\n" + b"9876543210;Asha\n" * 20 + b"9876543211;Ren\xe9\n")
    assert confirm_encoding(path, "cp1252") is not None
    assert confirm_encoding(path, "ascii") is None


def test_chunks_hold_the_records_as_utf8_bytes_without_the_bom(write_csv: WriteCsv) -> None:
    body = "number,name\n" + "".join(f"98765432{i:02d},Jos\u00e9 {i}\r\n" for i in range(40))
    path = write_csv(b"\xef\xbb\xbf" + body.encode())
    sniffed = sniff_start(path, None, None)
    assert sniffed is not None
    found = list(chunks(path, sniffed, 100))
    assert len(found) > 5
    assert b"".join(c.data for c in found) == body.encode()
    assert [c.first_line for c in found[:2]] == [1, 1 + sum(found[0].breaks)]
    assert sum(sum(c.breaks) for c in found) == 41
    assert found[-1].end == path.stat().st_size


def test_chunks_of_a_cp1252_file_are_converted_to_utf8(write_csv: WriteCsv) -> None:
    body = "number;name\n" + "".join(f"98765432{i:02d};Ren\u00e9\r\n" for i in range(30))
    path = write_csv(body, encoding="cp1252")
    sniffed = sniff_start(path, None, None)
    assert sniffed is not None
    assert sniffed.encoding == "cp1252"
    found = list(chunks(path, sniffed, 64))
    assert b"".join(c.data for c in found) == body.encode("utf-8")
    assert found[1].breaks == (found[1].data.count(b"\r\n"), 0, 0)


def unquoted_master_file(rows: int, seed: int = 3) -> str:
    """An export without a quote anywhere: blank, short, long and padded records, and repeats."""
    rng = random.Random(seed)
    lines = ["Mobile,First Name,Email,tag"]
    for i in range(rows):
        roll = rng.random()
        number = f"98{rng.randrange(500):08d}"
        if roll < 0.03:
            lines.append(rng.choice(["", ",,,", "  "]))
        elif roll < 0.05:
            lines.append(f"{number},short")
        elif roll < 0.06:
            lines.append(f"{number},long,a@example.com,t,surplus,more")
        else:
            lines.append(f"{number},  N{i} ,{rng.choice(['a@example.com', 'nope', ''])},")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("eol", ["\n", "\r\n"])  # CR only: sniff_start checks it in memory
def test_a_file_without_quotes_checked_in_batches_equals_the_check_in_memory(
    write_csv: WriteCsv, tmp_path: Path, eol: str
) -> None:
    path = write_csv("\n\n" + unquoted_master_file(3_000).replace("\n", eol))
    rules = Rules(max_rows=700, max_bytes=40_000)
    seen: list[Progress] = []
    batched = check_large(
        path, rules=rules, out_dir=tmp_path / "batched", batch_bytes=9_000, progress=seen.append
    )
    whole = check_file(path, rules=rules).write(tmp_path / "whole")
    assert len(seen) > 8
    assert batched.stats.total > 2_800
    assert {"ragged-row", "blank-row"} <= set(batched.codes)
    same_reports(batched, whole)


def test_a_header_in_front_of_a_chunk_adds_its_bytes_and_line_breaks() -> None:
    chunk = Chunk(b"1,a\r\n2,b\r\n", first_line=40, end=900, breaks=(2, 0, 0))
    batch = chunk.behind(b'number,"na\rme"\n')
    assert batch.data == b'number,"na\rme"\n1,a\r\n2,b\r\n'
    assert (batch.breaks, batch.first_line, batch.end) == ((2, 1, 1), 38, 900)


@pytest.mark.parametrize(
    ("text", "breaks"),
    [
        ("number,name\r\n1,a\r\n2,b\r\n", (3, 0, 0)),
        ("number,name\n1,a\n", (0, 2, 0)),
        ("number,name\r\n1,a\n2,b\r3,c\r\n", (2, 1, 1)),
        ('number,name\n1,"a\rb"\n\r\r\n', (1, 2, 2)),
    ],
    ids=["crlf", "lf", "mixed", "cr-inside-quotes"],
)
def test_chunks_count_every_kind_of_line_break(
    write_csv: WriteCsv, text: str, breaks: tuple[int, int, int]
) -> None:
    path = write_csv(text)
    sniffed = sniff_start(path, None, None)
    assert sniffed is not None
    assert [c.breaks for c in chunks(path, sniffed, 1_000)] == [breaks]
