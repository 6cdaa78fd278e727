"""Writing outputs: atomic, named as documented, never over the input."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from csvcheck.errors import OutputError
from csvcheck.output import CleanWriter, RejectsWriter, atomic_write
from csvcheck.pipeline import check_file
from csvcheck.rules import Rules
from csvcheck.split import PlannedPart

WriteCsv = Callable[..., Path]
TEXT = "number,first_name\n9876500000,Asha\n9876500001,Ravi\n12345,Bad\n"


def test_outputs_are_named_after_the_input(write_csv: WriteCsv, tmp_path: Path) -> None:
    report = check_file(write_csv(TEXT, name="leads.csv")).write(tmp_path / "out")
    assert report.outputs is not None
    assert [Path(p.path).name for p in report.outputs.clean] == ["leads.clean.csv"]
    assert Path(report.outputs.rejects).name == "leads.rejects.csv"
    assert Path(report.outputs.report).name == "leads.report.json"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "leads.clean.csv",
        "leads.rejects.csv",
        "leads.report.json",
    ]


def test_the_written_report_lists_every_part(write_csv: WriteCsv, tmp_path: Path) -> None:
    rules = Rules(max_rows=1)
    report = check_file(write_csv(TEXT), rules=rules).write(tmp_path / "out")
    written = json.loads((tmp_path / "out" / "contacts.report.json").read_text())
    assert written["outputs"]["parts"] == [
        {"path": p.path, "rows": 1, "bytes": p.bytes, "list_name_suffix": s}
        for p, s in zip(report.outputs.clean, ["", "_2"], strict=True)  # type: ignore[union-attr]
    ]


def test_no_temporary_file_is_left_behind(write_csv: WriteCsv, tmp_path: Path) -> None:
    check_file(write_csv(TEXT), rules=Rules(max_rows=1)).write(tmp_path / "out")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_outputs_get_the_usual_file_mode(write_csv: WriteCsv, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        check_file(write_csv(TEXT)).write(tmp_path / "out")
    finally:
        os.umask(umask)
    mode = stat.S_IMODE((tmp_path / "out" / "contacts.clean.csv").stat().st_mode)
    assert mode == 0o644


def test_an_output_never_overwrites_the_input(tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(TEXT)
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        atomic_write(source, lambda handle: handle.write(b"x"), source)
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        RejectsWriter(tmp_path, "contacts", tmp_path / "contacts.rejects.csv")
    assert source.read_text() == TEXT


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("old\n")

    def fail(handle: object) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail, None)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["file.csv"]


def test_an_unwritable_folder_is_a_one_line_error(write_csv: WriteCsv, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(OutputError, match="cannot create the folder"):
        check_file(write_csv(TEXT)).write(blocker / "out")


def test_clean_writer_appends_batches_to_parts(tmp_path: Path) -> None:
    writer = CleanWriter(tmp_path, "big", ["number"], None)
    writer.append(1, pl.DataFrame({"number": ["+1", "+2"]}))
    writer.append(1, pl.DataFrame({"number": ["+3"]}))
    writer.append(2, pl.DataFrame({"number": ["+4"]}))
    parts = writer.finish([PlannedPart(1, 3, 16), PlannedPart(2, 1, 10)])
    assert [(Path(p.path).name, p.rows, p.bytes) for p in parts] == [
        ("big.part-001.csv", 3, 16),
        ("big.part-002.csv", 1, 10),
    ]
    assert (tmp_path / "big.part-001.csv").read_text() == "number\n+1\n+2\n+3\n"


def test_clean_writer_abort_removes_its_temporary_files(tmp_path: Path) -> None:
    writer = CleanWriter(tmp_path, "big", ["number"], None)
    writer.append(1, pl.DataFrame({"number": ["+1"]}))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_rejects_writer_joins_batches_with_different_columns(tmp_path: Path) -> None:
    writer = RejectsWriter(tmp_path, "big", None)
    writer.append(pl.DataFrame({"line": [2], "reason": ["invalid-number"]}))
    writer.append(pl.DataFrame({"line": [9], "reason": ["ragged-row"], "extra_fields": ["x"]}))
    path = writer.finish()
    assert Path(path).read_text() == "line,reason,extra_fields\n2,invalid-number,\n9,ragged-row,x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.rejects.csv"]


def test_a_part_whose_size_differs_from_the_plan_is_an_error(tmp_path: Path) -> None:
    writer = CleanWriter(tmp_path, "big", ["number"], None)
    writer.append(1, pl.DataFrame({"number": ["+1"]}))
    with pytest.raises(OutputError, match="wrote 10 bytes where 9 were planned"):
        writer.finish([PlannedPart(1, 1, 9)])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_clean_writer_takes_rows_as_the_bytes_polars_wrote(tmp_path: Path) -> None:
    writer = CleanWriter(tmp_path, "big", ["number", "name"], None)
    first = pl.DataFrame({"number": ["+1"], "name": ['say "hi", twice']})
    writer.append(1, first.write_csv(include_header=False).encode())
    writer.append(1, pl.DataFrame({"number": ["+2"], "name": [""]}))
    text = 'number,name\n+1,"say ""hi"", twice"\n+2,""\n'
    parts = writer.finish([PlannedPart(1, 2, len(text.encode()))])
    assert Path(parts[0].path).read_bytes() == text.encode()


def test_rejects_writer_keeps_every_field_when_a_late_batch_widens_it(tmp_path: Path) -> None:
    awkward = ["", None, 'says "hi"', "two\nlines", "crlf\r\ninside", " padded ", "a,b", "\r"]
    early = pl.DataFrame(
        {"line": list(range(2, 2 + len(awkward))), "reason": ["x"] * len(awkward), "name": awkward}
    )
    late = pl.DataFrame({"line": [40], "reason": ["ragged-row"], "name": ["z"], "extra": ["e,f"]})
    writer = RejectsWriter(tmp_path, "big", None)
    writer.append(early)
    writer.append(late)
    writer.append(early.head(2))  # a batch without the new column after it
    expected = pl.concat([early, late, early.head(2)], how="diagonal").write_csv()
    assert Path(writer.finish()).read_bytes() == expected.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.rejects.csv"]


def test_rejects_writer_abort_removes_its_temporary_file(tmp_path: Path) -> None:
    writer = RejectsWriter(tmp_path, "big", None)
    writer.append(pl.DataFrame({"line": [2], "reason": ["invalid-number"]}))
    writer.abort()
    assert list(tmp_path.iterdir()) == []
