"""Large inputs checked in batches give exactly what a check in memory gives."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from csvcheck import phonefast, phones, read, stream
from csvcheck.batches import SAMPLE_BYTES, Chunk, chunks, record_end, sniff_start
from csvcheck.pipeline import check_file
from csvcheck.report import Code, Report
from csvcheck.rules import ListType, Rules
from csvcheck.stream import Progress, check_large

Cli = Callable[..., Result]
WriteCsv = Callable[..., Path]

AWKWARD = [
    "",
    "Asha",
    '"Smith, Jr."',
    '"says ""hi"""',
    '"two\nlines"',
    '"crlf\r\ninside"',
    '5" screen',
    "=SUM(A1)",
    "  padded  ",
    "Jos\ufffd",
    '""',
]


def master_file(rows: int, seed: int = 5, distinct: int = 3000) -> str:
    """A messy export: repeats, invalid numbers, quoted newlines, stray quotes, blank lines."""
    rng = random.Random(seed)
    lines = ["Mobile,First Name,Email,tag"]
    for i in range(rows):
        roll = rng.random()
        number = f"98{rng.randrange(distinct):08d}"
        if roll < 0.02:
            lines.append("")
            continue
        if roll < 0.04:
            number = rng.choice(["12345", "9.19876E+11", "", "98765 43210"])
        name = rng.choice(AWKWARD)
        email = rng.choice(["a@example.com", "nope", ""])
        extra = ",surplus" if roll > 0.995 and i > rows // 2 else ""
        short = roll > 0.99 and roll <= 0.995
        lines.append(f"{number},{name}" if short else f"{number},{name},{email},t{i % 7}{extra}")
    return "\r\n".join(lines[: rows // 3]) + "\r\n" + "\n".join(lines[rows // 3 :]) + "\n"


def same_reports(batched: Report, whole: Report) -> None:
    a, b = batched.to_dict(), whole.to_dict()
    a_out, b_out = a.pop("outputs"), b.pop("outputs")
    assert a == b
    if a_out is not None:
        shape = [
            (Path(p["path"]).name, p["rows"], p["bytes"], p["list_name_suffix"])
            for p in a_out["parts"]
        ]
        expected = [
            (Path(p["path"]).name, p["rows"], p["bytes"], p["list_name_suffix"])
            for p in b_out["parts"]
        ]
        assert shape == expected
        for x, y in zip(a_out["parts"], b_out["parts"], strict=True):
            assert Path(x["path"]).read_bytes() == Path(y["path"]).read_bytes()
        assert Path(a_out["rejects"]).read_bytes() == Path(b_out["rejects"]).read_bytes()


def refuse(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, why: str) -> None:
    """Make ``owner.name`` fail the test when it is called."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError(why)

    monkeypatch.setattr(owner, name, refused)


@pytest.mark.parametrize("list_type", [ListType.STATIC, ListType.DYNAMIC])
def test_batched_check_equals_the_check_in_memory(
    write_csv: WriteCsv, tmp_path: Path, list_type: ListType
) -> None:
    path = write_csv(master_file(200_000))
    rules = Rules(list_type=list_type, max_rows=700, existing=100, max_bytes=40_000)
    batched = check_large(path, rules=rules, out_dir=tmp_path / "batched", batch_bytes=300_000)
    whole = check_file(path, rules=rules).write(tmp_path / "whole")
    assert batched.stats.total > 190_000
    assert batched.outputs is not None
    assert len(batched.outputs.clean) > 3
    same_reports(batched, whole)
    assert not [p for p in (tmp_path / "batched").iterdir() if p.name.startswith(".")]


# Each example checks a file twice: few examples, and no long shrinking of a failure.
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=40, max_value=2_000))
def test_any_batch_size_gives_the_same_report(seed: int, batch_bytes: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_text(master_file(300, seed=seed, distinct=40), newline="")
        rules = Rules(max_rows=50, max_bytes=2_000)
        batched = check_large(
            path, rules=rules, out_dir=Path(folder) / "a", batch_bytes=batch_bytes
        )
        whole = check_file(path, rules=rules).write(Path(folder) / "b")
        same_reports(batched, whole)


def test_without_an_output_folder_nothing_is_written(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv(master_file(2_000))
    rules = Rules(max_rows=300)
    batched = check_large(path, rules=rules, batch_bytes=5_000)
    same_reports(batched, check_file(path, rules=rules).report)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv"]


def test_progress_is_reported_after_every_batch(write_csv: WriteCsv) -> None:
    path = write_csv(master_file(2_000))
    seen: list[Progress] = []
    check_large(path, rules=Rules(max_rows=300), batch_bytes=10_000, progress=seen.append)
    assert len(seen) > 3
    assert seen[-1].bytes_read == seen[-1].total_bytes == path.stat().st_size
    assert seen[-1].rows_read == 2_000
    assert [p.bytes_read for p in seen] == sorted(p.bytes_read for p in seen)
    assert seen[-1].parts > 1


def test_a_late_byte_the_encoding_cannot_decode_falls_back_to_memory(
    write_csv: WriteCsv,
) -> None:
    # The encoding is decided from the whole file: a late cp1252 byte makes it cp1252, and
    # the batched check (which sniffed UTF-8 from the start) gives the in-memory answer.
    path = write_csv(master_file(500).encode() + b"9876500000,Ren\xe9\n")
    batched = check_large(path, rules=Rules(), batch_bytes=1_000)
    whole = check_file(path).report
    same_reports(batched, whole)
    assert batched.input.encoding == "cp1252"


@pytest.mark.parametrize("at", ["first batch", "later batch"])
def test_a_byte_the_encoding_cannot_decode_after_the_sample_falls_back_to_memory(
    write_csv: WriteCsv, tmp_path: Path, at: str
) -> None:
    # A cp1252 byte past the sniffed sample, in the first batch or a later one, gives the
    # in-memory answer, and no output of the batches is left behind.
    head = master_file(40_000).encode()
    assert len(head) > SAMPLE_BYTES
    tail = master_file(3_000, seed=9).encode().split(b"\n", 1)[1]
    path = write_csv(head + b"9876500000,Ren\xe9,,\n" + tail)
    batch = len(head) + 50_000 if at == "first batch" else 200_000
    batched = check_large(path, rules=Rules(), out_dir=tmp_path / "batched", batch_bytes=batch)
    whole = check_file(path).write(tmp_path / "whole")
    same_reports(batched, whole)
    assert batched.input.encoding == "cp1252"
    assert sorted(p.name for p in (tmp_path / "batched").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole").iterdir()
    )


def test_a_bom_and_latin1_are_handled_as_in_memory(write_csv: WriteCsv) -> None:
    bom = write_csv(b"\xef\xbb\xbfnumber,first_name\n" + b"9876500000,A\n" * 50, name="bom.csv")
    same_reports(check_large(bom, rules=Rules(), batch_bytes=64), check_file(bom).report)
    latin = write_csv(b"number;first_name\n" + b"9876500001;Ren\xe9\n" * 50, name="latin.csv")
    batched = check_large(latin, rules=Rules(), encoding="latin-1", delimiter=";", batch_bytes=64)
    whole = check_file(latin, encoding="latin-1", delimiter=";")
    same_reports(batched, whole.report)


def test_old_mac_line_endings_are_cut_between_records(write_csv: WriteCsv) -> None:
    text = master_file(400).replace("\r\n", "\n").replace("\n", "\r")
    path = write_csv(text)
    rules = Rules(max_rows=60)
    seen: list[Progress] = []
    batched = check_large(path, rules=rules, batch_bytes=500, progress=seen.append)
    assert len(seen) > 5  # cut into batches, not checked in memory
    same_reports(batched, check_file(path, rules=rules).report)


def test_the_path_is_reported_as_given(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(master_file(50))
    monkeypatch.chdir(path.parent)
    report = check_large("./contacts.csv", rules=Rules(), batch_bytes=300)
    assert report.input.path == "./contacts.csv"


def test_the_command_line_checks_large_files_in_batches(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(master_file(3_000))
    args = ["--max-rows", "400", "--format", "json"]
    whole = cli("check", path, "--out", tmp_path / "whole", *args)
    monkeypatch.setattr(stream, "STREAM_THRESHOLD", 1_000)
    monkeypatch.setattr(stream, "BATCH_BYTES", 7_000)
    batched = cli("check", path, "--out", tmp_path / "batched", *args)
    assert batched.exit_code == whole.exit_code == 1
    a, b = json.loads(batched.stdout), json.loads(whole.stdout)
    assert a["findings"] == b["findings"]
    assert a["stats"] == b["stats"]
    assert "split" in {f["code"] for f in a["findings"]}
    assert batched.stderr == whole.stderr  # no progress bar when stderr is not a terminal


# -- where a batch may end ---------------------------------------------------------------

cell = st.sampled_from(
    ["a", "", '"q,"', '"x""y"', '"l\nm"', '"c\r\nd"', '"r\rs"', 'b"c', '""', '"e"f']
)
record = st.tuples(st.lists(cell, min_size=1, max_size=4), st.sampled_from(["\n", "\r\n", "\r"]))
csv_text = st.lists(record, min_size=1, max_size=6).map(
    lambda rows: "".join(",".join(cells) + end for cells, end in rows)
)


@settings(max_examples=300, deadline=None)
@given(csv_text, st.integers(min_value=0, max_value=200))
def test_a_batch_ends_only_where_the_csv_reader_ends_a_record(text: str, cut: int) -> None:
    import csv
    import io

    data = text.encode()[: cut or None]
    end = record_end(data)
    assert data[end - 1 : end] in (b"\n", b"\r") if end else True
    whole = list(csv.reader(io.StringIO(data.decode(errors="replace"), newline=""), strict=False))
    head = list(csv.reader(io.StringIO(data[:end].decode(), newline=""), strict=False))
    assert whole[: len(head)] == head
    if len(data) == len(text.encode()) and text.endswith("\n"):
        assert end == len(data)  # a complete file ends after its last record
    # (a CR at the very end may be half a CRLF: the batch reader takes it at the end of file)


def test_the_number_cache_stays_bounded_over_many_batches(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csvcheck import phones

    monkeypatch.setattr(stream, "NUMBER_CACHE_LIMIT", 10)
    phones._decide.cache_clear()
    path = write_csv("number\n" + "".join(f"98765{i:05d}\n" for i in range(400)))
    report = check_large(path, rules=Rules(), batch_bytes=300)
    assert report.stats.success == 400
    assert phones._decide.cache_info().currsize < 60


def test_a_progress_bar_shows_when_stderr_is_a_terminal(write_csv: WriteCsv) -> None:
    import os
    import pty
    import subprocess
    import sys

    path = write_csv(master_file(3_000))
    setup = "from csvcheck import stream; stream.STREAM_THRESHOLD = 1_000; "
    setup += "stream.BATCH_BYTES = 20_000; from csvcheck.cli import main; main()"
    terminal, stderr = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-c", setup, "check", str(path), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
        check=False,
    )
    os.close(stderr)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the terminal is closed once everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert done.returncode == 1
    assert b"3,000 rows read" in shown
    assert json.loads(done.stdout)["stats"]["total"] > 2_900


def test_examples_found_over_several_batches_are_the_first_in_file_order(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    # Invalid numbers: two in the first batch, one in each of the next, more later; a batch
    # that adds examples must never push out an earlier one, nor one after the fifth win.
    lines = ["phone,first_name"]
    invalid = {3, 5, 40, 90, 150, 151, 152, 200}
    for i in range(2, 260):
        lines.append(f"{'12' + str(i) if i in invalid else f'98{i:08d}'},Asha")
    path = write_csv("\n".join(lines) + "\n")
    batched = check_large(path, rules=Rules(), out_dir=tmp_path / "a", batch_bytes=400)
    whole = check_file(path).write(tmp_path / "b")
    same_reports(batched, whole)
    found = {f.code: f for f in batched.findings}
    assert found[Code.INVALID_NUMBER].count == len(invalid)
    assert [e.line for e in found[Code.INVALID_NUMBER].examples] == [3, 5, 40, 90, 150]


def test_values_to_trim_only_in_a_late_batch_are_trimmed_as_in_memory(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    lines = ["phone,first_name"] + [
        f"98{i:08d},{'  Asha ' if i > 200 else 'Ravi'}" for i in range(260)
    ]
    path = write_csv("\n".join(lines) + "\n")
    batched = check_large(path, rules=Rules(), out_dir=tmp_path / "a", batch_bytes=500)
    whole = check_file(path).write(tmp_path / "b")
    same_reports(batched, whole)
    assert batched.outputs is not None
    clean = Path(batched.outputs.clean[0].path).read_text()
    assert "+919800000201,Asha\n" in clean


def test_a_file_named_like_a_glob_pattern_is_checked_in_batches(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    # Extra fields only late: the rejects written so far are rewritten with a new column.
    lines = ["phone,first_name"] + [f"12{i},Asha" for i in range(60)] + ["9876543210,Asha,x"]
    path = write_csv("\n".join(lines) + "\n", name="[table].csv")
    batched = check_large(path, rules=Rules(), out_dir=tmp_path / "a", batch_bytes=100)
    whole = check_file(path).write(tmp_path / "b")
    same_reports(batched, whole)
    assert batched.outputs is not None
    assert Path(batched.outputs.rejects).read_text().splitlines()[0].endswith(",extra_fields")


@pytest.mark.parametrize("line_break", ["\r", "\r\n"])
def test_batches_of_one_line_break_kind_stay_with_the_fast_reader(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch, line_break: str
) -> None:
    # The header put in front of later batches ends with the file's own line break: an LF
    # there would mix kinds and send every batch to the slower csv-module reader.
    rows = [f"98{n % 97:08d},Name {n},name{n}@example.com,tag" for n in range(300)]
    text = "Mobile,First Name,Email,tag\n" + "\n".join(rows) + "\n"
    text = text.replace("\n", line_break)
    path = write_csv(text)
    expected = check_file(path, rules=Rules()).report

    refuse(monkeypatch, read, "parse_with_csv", "a batch went to the csv-module reader")
    seen: list[Progress] = []
    batched = check_large(path, rules=Rules(), batch_bytes=700, progress=seen.append)
    assert len(seen) > 5
    same_reports(batched, expected)


def test_a_failure_while_preparing_a_later_batch_stops_the_check_and_cleans_up(
    write_csv: WriteCsv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Later batches are prepared on worker threads: a failure there reaches the caller,
    # no batch after it is prepared for long, and no temporary output is left behind.
    path = write_csv(master_file(5_000))
    prepare = stream._BatchedCheck.prepare
    calls: list[int] = []

    def failing(check: stream._BatchedCheck, chunk: Chunk) -> object:
        calls.append(chunk.first_line)
        if len(calls) == 4:
            raise RuntimeError("disk on fire")
        return prepare(check, chunk)

    monkeypatch.setattr(stream._BatchedCheck, "prepare", failing)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk on fire"):
        check_large(path, rules=Rules(max_rows=300), out_dir=out, batch_bytes=2_000)
    sniffed = sniff_start(path, None, None)
    assert sniffed is not None
    assert len(list(chunks(path, sniffed, 2_000))) > 20
    assert len(calls) <= 4 + stream.WORKERS + stream.AHEAD
    assert sorted(p.name for p in out.iterdir()) == []


def test_without_outputs_hints_are_found_for_the_examples_only(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without an output folder only examples are shown: the batches skip the '+' hint pass
    # and the few invalid numbers shown get theirs from phonenumbers. The report is the
    # one a check in memory gives, hints in the examples' details included.
    lines = ["Mobile,First Name"] + [f"98{n:08d},Asha" for n in range(400)]
    lines += ["447911123456,Ben", "12345,Cleo", "14155552671,Dev", "9273,Eve"] * 3
    path = write_csv("\n".join(lines) + "\n")
    expected = check_file(path).report

    refuse(monkeypatch, phones, "_hints", "the hint pass ran for a check without outputs")
    why = "numbers were asked for hints in a check without outputs"
    refuse(monkeypatch, phonefast, "may_be_valid_with_plus", why)
    seen: list[Progress] = []
    batched = check_large(path, rules=Rules(), batch_bytes=1_000, progress=seen.append)
    assert len(seen) > 3
    same_reports(batched, expected)
    (invalid,) = [f for f in batched.findings if f.code is Code.INVALID_NUMBER]
    details = [e.detail or "" for e in invalid.examples]
    assert "with a + in front it would be +447911123456" in details[0]
    assert "with a + in front it would be +14155552671" in details[2]
