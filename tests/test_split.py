"""Splitting clean contacts into parts within the row and byte limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from csvcheck.pipeline import check_file
from csvcheck.report import Code
from csvcheck.rules import ListType, Rules
from csvcheck.split import Splitter, header_bytes, plan_parts, row_bytes, split_frame

Cli = Callable[..., Result]
WriteCsv = Callable[..., Path]
SMALL = ["--max-rows", "3", "--max-bytes", "200"]


def numbers(n: int, start: int = 0) -> list[str]:
    """Distinct valid Indian mobile numbers, as people type them."""
    return [f"98765{i:05d}" for i in range(start, start + n)]


def contacts(n: int, name: str = "", start: int = 0) -> str:
    rows = [f"{number},{name}{i}" for i, number in enumerate(numbers(n, start))]
    return "number,first_name\n" + "\n".join(rows) + "\n"


def run(cli: Cli, path: Path, out: Path, *args: str) -> tuple[Result, dict]:  # type: ignore[type-arg]
    result = cli("check", path, "--out", out, "--format", "json", *args)
    return result, json.loads(result.stdout)


def parts_of(report: dict) -> list[dict]:  # type: ignore[type-arg]
    parts: list[dict] = report["outputs"]["parts"]  # type: ignore[type-arg]
    return parts


def read_parts(report: dict) -> list[pl.DataFrame]:  # type: ignore[type-arg]
    return [pl.read_csv(p["path"], infer_schema=False) for p in parts_of(report)]


def assert_within_limits(report: dict, max_rows: int, max_bytes: int) -> None:  # type: ignore[type-arg]
    for part in parts_of(report):
        path = Path(part["path"])
        assert part["bytes"] == path.stat().st_size
        assert path.stat().st_size < max_bytes
        assert part["rows"] <= max_rows
        assert path.read_text().count("\n") == part["rows"] + 1


def test_rows_only_split_writes_numbered_parts(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    result, report = run(cli, write_csv(contacts(7)), tmp_path / "out", *SMALL)
    assert result.exit_code == 0
    assert [p["rows"] for p in parts_of(report)] == [3, 3, 1]
    assert [Path(p["path"]).name for p in parts_of(report)] == [
        "contacts.part-001.csv",
        "contacts.part-002.csv",
        "contacts.part-003.csv",
    ]
    assert [p["list_name_suffix"] for p in parts_of(report)] == ["", "_2", "_3"]
    assert_within_limits(report, 3, 200)
    split = next(f for f in report["findings"] if f["code"] == "split")
    assert split["severity"] == "fix"
    assert split["count"] == 3
    assert not (tmp_path / "out" / "contacts.clean.csv").exists()


def test_bytes_only_split_keeps_every_part_under_the_byte_cap(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    # 17 + 24 bytes per row ("+91…,Person-with-a-long-nameN"), far fewer rows than the row cap.
    path = write_csv(contacts(12, name="Person-with-a-long-name"))
    result, report = run(cli, path, tmp_path / "out", "--max-rows", "100", "--max-bytes", "200")
    assert result.exit_code == 0
    assert len(parts_of(report)) > 1
    assert_within_limits(report, 100, 200)
    assert sum(p["rows"] for p in parts_of(report)) == 12


def test_split_on_both_limits(cli: Cli, write_csv: WriteCsv, tmp_path: Path) -> None:
    short = contacts(4, start=0).splitlines()[1:]
    long = contacts(6, name="A-first-name-long-enough-that-two-rows-fill-a-part-", start=10)
    long = long.splitlines()[1:]
    path = write_csv("number,first_name\n" + "\n".join(short + long) + "\n")
    result, report = run(cli, path, tmp_path / "out", *SMALL)
    assert result.exit_code == 0
    rows = [p["rows"] for p in parts_of(report)]
    assert rows[0] == 3  # cut by the row cap
    assert any(r < 3 for r in rows[1:-1])  # cut by the byte cap
    assert_within_limits(report, 3, 200)
    assert sum(rows) == 10


def test_parts_union_equals_the_clean_rows_in_order(write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = [f'{n},"Name, with ""quotes"" {i}"' for i, n in enumerate(numbers(10))]
    text = "number,first_name\n" + "\n".join(rows) + "\n"
    result = check_file(write_csv(text), rules=Rules(max_rows=3, max_bytes=200))
    report = result.write(tmp_path / "out")
    assert report.outputs is not None
    parts = [pl.read_csv(p.path, infer_schema=False) for p in report.outputs.clean]
    assert len(parts) > 1
    assert pl.concat(parts).equals(result.clean)
    assert result.clean["first_name"][0] == 'Name, with "quotes" 0'


def test_existing_contacts_shrink_the_first_part(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    result, report = run(cli, write_csv(contacts(7)), tmp_path / "out", *SMALL, "--existing", "2")
    assert result.exit_code == 0
    assert [p["rows"] for p in parts_of(report)] == [1, 3, 3]
    split = next(f for f in report["findings"] if f["code"] == "split")
    assert "already holds 2" in split["message"]


def test_a_full_list_is_an_error_and_the_parts_go_to_new_lists(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    result, report = run(cli, write_csv(contacts(4)), tmp_path / "out", *SMALL, "--existing", "3")
    assert result.exit_code == 1
    assert "too-many-rows" in {f["code"] for f in report["findings"]}
    assert [p["list_name_suffix"] for p in parts_of(report)] == ["_2", "_3"]
    assert [Path(p["path"]).name for p in parts_of(report)] == [
        "contacts.part-002.csv",
        "contacts.part-003.csv",
    ]


def test_duplicates_are_found_across_parts(cli: Cli, write_csv: WriteCsv, tmp_path: Path) -> None:
    body = [*numbers(5), numbers(1)[0]]  # line 7 repeats line 2, which lands in part 1
    path = write_csv("number\n" + "\n".join(body) + "\n")
    result, report = run(cli, path, tmp_path / "out", *SMALL)
    assert report["stats"] == {"total": 6, "success": 5, "duplicate": 1, "failed": 0}
    assert [p["rows"] for p in parts_of(report)] == [3, 2]
    assert pl.concat(read_parts(report))["number"].n_unique() == 5
    rejects = pl.read_csv(report["outputs"]["rejects"], infer_schema=False)
    assert rejects["detail"].to_list() == ["duplicate of line 2 (+919876500000)"]
    assert result.exit_code == 1


@pytest.mark.parametrize(("rows", "parts"), [(3, 1), (4, 2), (6, 2), (7, 3)])
def test_row_cap_boundaries(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path, rows: int, parts: int
) -> None:
    result, report = run(cli, write_csv(contacts(rows)), tmp_path / "out", *SMALL)
    assert len(parts_of(report)) == parts
    assert ("split" in {f["code"] for f in report["findings"]}) == (parts > 1)
    if parts == 1:
        assert Path(parts_of(report)[0]["path"]).name == "contacts.clean.csv"
    assert result.exit_code == 0


@pytest.mark.parametrize(("spare", "parts"), [(1, 1), (0, 2)])
def test_byte_cap_boundary_is_strict(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path, spare: int, parts: int
) -> None:
    path = write_csv("number\n9876500000\n9876500001\n")
    size = len("number\n+919876500000\n+919876500001\n")  # 35 bytes as written
    cap = str(size + spare)
    result, report = run(cli, path, tmp_path / "out", "--max-bytes", cap)
    assert len(parts_of(report)) == parts
    assert all(p["bytes"] < size + spare for p in parts_of(report))
    assert result.exit_code == 0


def test_the_same_findings_with_and_without_out(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(contacts(7))
    with_out = run(cli, path, tmp_path / "out", *SMALL)[1]
    without = json.loads(cli("check", path, "--format", "json", *SMALL).stdout)
    assert with_out["findings"] == without["findings"]
    assert without["outputs"] is None


def test_a_row_too_big_for_any_part_is_an_error_and_still_written(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(f"number,first_name\n9876500000,a\n9876500001,{'x' * 250}\n9876500002,c\n")
    result, report = run(cli, path, tmp_path / "out", *SMALL)
    assert result.exit_code == 1
    assert "file-too-large" in {f["code"] for f in report["findings"]}
    assert [p["rows"] for p in parts_of(report)] == [1, 1, 1]
    assert pl.concat(read_parts(report)).height == 3


def test_a_large_input_with_a_small_clean_output_is_not_too_large(
    cli: Cli, write_csv: WriteCsv
) -> None:
    # The byte limit applies to the clean output, not to the input file.
    path = write_csv("number,notes\n" + "9876500000," + "x" * 400 + "\n")
    report = json.loads(cli("check", path, "--format", "json", "--max-bytes", "200").stdout)
    assert "file-too-large" not in {f["code"] for f in report["findings"]}


def test_dynamic_lists_use_their_own_cap(write_csv: WriteCsv) -> None:
    path = write_csv(contacts(7))
    result = check_file(path, rules=Rules(list_type=ListType.DYNAMIC, max_rows=5))
    assert [p.rows for p in plan_parts(result.clean, result.rules)] == [5, 2]


def test_no_clean_rows_still_write_an_empty_clean_file(
    cli: Cli, write_csv: WriteCsv, tmp_path: Path
) -> None:
    _, report = run(cli, write_csv("number\n12345\n"), tmp_path / "out", *SMALL)
    assert [(Path(p["path"]).name, p["rows"]) for p in parts_of(report)] == [
        ("contacts.clean.csv", 0)
    ]


def test_strict_fails_a_file_that_needs_splitting(cli: Cli, write_csv: WriteCsv) -> None:
    result = cli("check", write_csv(contacts(4)), "--format", "json", "--strict", *SMALL)
    assert result.exit_code == 1


# -- sizes and cuts, through the library -------------------------------------------------

cells = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(["a", "é", "中", ",", '"', "\r", "\n", " ", "'", "\t"]), max_size=8
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=20), st.booleans())
def test_row_bytes_equal_the_bytes_the_writer_writes(
    rows: list[tuple[str | None, str | None]], one_column: bool
) -> None:
    frame = pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String}, orient="row")
    if one_column:
        frame = frame.select("a")
    written = [
        len(frame.slice(i, 1).write_csv(include_header=False).encode()) for i in range(frame.height)
    ]
    assert row_bytes(frame).to_list() == written
    assert header_bytes(frame.columns) == len(frame.head(0).write_csv().encode())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=60),
    st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=0, max_value=7),
    st.integers(min_value=20, max_value=150),
)
def test_batches_are_cut_exactly_like_the_whole_frame(
    lengths: list[int], batches: list[int], cap: int, existing: int, max_bytes: int
) -> None:
    frame = pl.DataFrame({"number": ["x" * n for n in lengths]}, schema={"number": pl.String})
    rules = Rules(max_rows=cap, existing=existing, max_bytes=max_bytes)
    whole = split_frame(frame, rules)
    splitter = Splitter(rules, frame.columns)
    fed: list[tuple[int, pl.DataFrame]] = []
    position, index = 0, 0
    while position < frame.height:
        size = batches[index % len(batches)]
        fed += splitter.feed(frame.slice(position, size))
        position, index = position + size, index + 1
    assert splitter.parts == tuple(part for part, _ in whole)
    for part, rows in whole:
        joined = pl.concat([f for k, f in fed if k == part.list_number])
        assert joined.equals(rows)
        assert part.rows <= (cap - existing if part.list_number == 1 else cap)
        assert part.bytes == len(rows.write_csv().encode())
        assert part.bytes < max_bytes or part.rows == 1
    assert sum(p.rows for p, _ in whole) == frame.height


def test_the_split_finding_names_the_lists(write_csv: WriteCsv) -> None:
    result = check_file(write_csv(contacts(10)), rules=Rules(max_rows=3))
    split = result.report.finding(Code.SPLIT)
    assert split is not None
    assert split.count == 4
    assert "NAME, NAME_2, NAME_3 … NAME_4" in split.message


def test_text_report_says_which_list_each_part_is_for(
    cli: Callable[..., Result], write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_csv("number\n+919876543210\n+919876543211\n+919876543212\n")
    result = cli("check", path, "--max-rows", "2", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "contacts.part-001.csv (for list NAME)" in result.stdout
    assert "contacts.part-002.csv (for list NAME_2)" in result.stdout


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(cells, cells), min_size=0, max_size=40),
    st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=20, max_value=150),
)
def test_batches_fed_with_their_bytes_give_the_parts_the_whole_frame_gives(
    rows: list[tuple[str | None, str | None]], batches: list[int], cap: int, max_bytes: int
) -> None:
    frame = pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String}, orient="row")
    rules = Rules(max_rows=cap, max_bytes=max_bytes)
    whole = split_frame(frame, rules)
    splitter = Splitter(rules, frame.columns)
    written: dict[int, bytes] = {}
    position, index = 0, 0
    while position < frame.height:
        batch = frame.slice(position, batches[index % len(batches)])
        data = batch.write_csv(include_header=False).encode()
        for list_number, part in splitter.feed_written(batch, memoryview(data)):
            more = part if isinstance(part, memoryview) else part.write_csv(include_header=False)
            written[list_number] = written.get(list_number, b"") + bytes(
                more if isinstance(more, memoryview) else more.encode()
            )
        position, index = position + batch.height, index + 1
    assert splitter.parts == tuple(part for part, _ in whole)
    for part, expected in whole:
        assert written[part.list_number] == expected.write_csv(include_header=False).encode()
