"""Atomic writing of clean part(s), rejects and the report; never over the input.

Every file is written to a temporary file in the output folder and renamed into place only
when complete, so a reader never sees half a file. Clean rows can arrive in batches (a large
input is checked batch by batch): :class:`CleanWriter` appends them part by part and names
the files only at the end, when it is known whether there is one part or several.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl

from .errors import OutputError
from .report import Outputs, Part, Report
from .split import PlannedPart, split_frame

if TYPE_CHECKING:
    from .pipeline import CheckResult


def _refuse_input(path: Path, protect: Path | None) -> None:
    if protect is not None and path.resolve() == protect.resolve():
        raise OutputError(f"{path}: refusing to overwrite the input file")


def _file_mode() -> int:
    # Temporary files are created private (0600); a finished output gets the usual mode.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _publish(temporary: Path, path: Path) -> None:
    """Give a finished temporary file the usual mode and rename it into place."""
    os.chmod(temporary, _file_mode())
    os.replace(temporary, path)


def _temporary(path: Path) -> IO[bytes]:
    return tempfile.NamedTemporaryFile(
        "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )


def atomic_write(path: Path, write: Callable[[IO[bytes]], object], protect: Path | None) -> int:
    """Write through a temporary file in the same folder, then rename; return bytes written."""
    _refuse_input(path, protect)
    try:
        with _temporary(path) as handle:
            temporary = Path(handle.name)
            try:
                write(handle)
            except BaseException:
                handle.close()
                temporary.unlink(missing_ok=True)
                raise
        _publish(temporary, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return path.stat().st_size


def write_csv(frame: pl.DataFrame, path: Path, protect: Path | None) -> int:
    """Write a frame as UTF-8 CSV without BOM, comma, LF, header row."""
    return atomic_write(path, lambda handle: frame.write_csv(handle), protect)


def output_stem(result_path: str, has_source: bool) -> str:
    """The stem every output file name starts with."""
    if result_path == "<frame>":
        return "contacts"
    return Path(result_path).stem if has_source else "stdin"


def prepare_folder(out_dir: Path) -> None:
    """Create the output folder, or say why it cannot be."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from exc


class CleanWriter:
    """Clean rows appended part by part into temporary files, renamed into place at the end.

    One part is written as ``<stem>.clean.csv``; several as ``<stem>.part-00k.csv``, where k is
    the list the part is for (part k goes to list ``NAME_k``).
    """

    def __init__(
        self, out_dir: Path, stem: str, columns: Sequence[str], protect: Path | None
    ) -> None:
        self._out_dir, self._stem, self._protect = out_dir, stem, protect
        self._columns = list(columns)
        self._files: dict[int, Path] = {}
        self._handle: IO[bytes] | None = None
        self._current = 0

    def append(self, list_number: int, rows: pl.DataFrame | bytes | memoryview) -> None:
        """Add rows to the part for this list (parts arrive in order).

        Rows come as a frame or as the CSV bytes polars wrote for one, header left out.
        """
        try:
            handle, opened = self._handle, list_number != self._current
            if opened or handle is None:
                self._close()
                handle = self._handle = _temporary(self._out_dir / f"{self._stem}.clean.csv")
                self._files[list_number] = Path(handle.name)
                self._current = list_number
            if isinstance(rows, pl.DataFrame):
                rows.write_csv(handle, include_header=opened)
                return
            if opened:
                handle.write(self._header())
            handle.write(rows)
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self._out_dir}: cannot write ({exc.strerror or exc})") from exc

    def _header(self) -> bytes:
        """The header row polars writes for these columns."""
        return pl.DataFrame(schema=dict.fromkeys(self._columns, pl.String())).write_csv().encode()

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _final_path(self, part: PlannedPart, single: bool) -> Path:
        if single:
            return self._out_dir / f"{self._stem}.clean.csv"
        return self._out_dir / f"{self._stem}.part-{part.list_number:03d}.csv"

    def finish(self, parts: Sequence[PlannedPart]) -> tuple[Part, ...]:
        """Rename every part into place and describe it with the bytes really written."""
        self._close()
        if not parts:
            path = self._out_dir / f"{self._stem}.clean.csv"
            empty = pl.DataFrame(schema=dict.fromkeys(self._columns, pl.String()))
            return (Part(str(path), 0, write_csv(empty, path, self._protect)),)
        single = len(parts) == 1 and parts[0].list_number == 1
        written = []
        for part in parts:  # one rename per part, not per row
            path = self._final_path(part, single)
            try:
                _refuse_input(path, self._protect)
                _publish(self._files.pop(part.list_number), path)
            except OSError as exc:
                self.abort()
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
            size = path.stat().st_size
            if size != part.bytes:
                # The cut relies on each row's computed size; a writer that wrote otherwise
                # could break the byte limit unseen, so stop rather than report a wrong size.
                self.abort()
                raise OutputError(
                    f"{path}: wrote {size:,} bytes where {part.bytes:,} were planned "
                    "(please report this)"
                )
            written.append(Part(str(path), part.rows, size, part.list_name_suffix))
        return tuple(written)

    def abort(self) -> None:
        """Remove every temporary file (after a failure)."""
        self._close()
        for temporary in self._files.values():
            temporary.unlink(missing_ok=True)
        self._files.clear()


class RejectsWriter:
    """Rejected rows written batch by batch into one CSV, renamed into place at the end.

    The rejects' columns can grow (``extra_fields`` appears when a record has more fields
    than the header, maybe only in a late batch). Batches go straight into a temporary file
    as CSV; when a batch brings a new column, the rows written so far are streamed into a new
    file with that column empty, so memory stays bounded.
    """

    def __init__(self, out_dir: Path, stem: str, protect: Path | None) -> None:
        self.path = out_dir / f"{stem}.rejects.csv"
        _refuse_input(self.path, protect)
        self._handle: IO[bytes] | None = None
        self._columns: list[str] = []

    def append(self, rows: pl.DataFrame) -> None:
        """Add a batch of rejects (in file order)."""
        try:
            if self._handle is None:
                self._handle = _temporary(self.path)
                self._columns = rows.columns
                rows.write_csv(self._handle)
                return
            new = [c for c in rows.columns if c not in self._columns]
            if new:
                self._widen(new)
            missing = [pl.lit(None, pl.String).alias(c) for c in self._columns if c not in rows]
            rows.with_columns(missing).select(self._columns).write_csv(
                self._handle, include_header=False
            )
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc

    def _widen(self, new: list[str]) -> None:
        """Rewrite the rows written so far with the new columns, empty."""
        assert self._handle is not None
        self._handle.close()
        old = Path(self._handle.name)
        self._handle = _temporary(self.path)
        self._handle.close()
        # Read back as text, every field as written: the CSV writer writes the same bytes.
        # glob=False: a name such as "[table].csv" is a name, not a pattern.
        rows = pl.scan_csv(old, infer_schema=False, new_columns=self._columns, glob=False)
        self._columns = [*self._columns, *new]
        rows.with_columns(pl.lit(None, pl.String).alias(c) for c in new).sink_csv(self._handle.name)
        old.unlink()
        # Kept open across batches, closed by finish or abort.
        self._handle = Path(self._handle.name).open("ab")  # noqa: SIM115

    def finish(self) -> str:
        """Rename the rejects CSV into place; return its path."""
        if self._handle is None:
            write_csv(pl.DataFrame(), self.path, None)
            return str(self.path)
        self._handle.close()
        try:
            _publish(Path(self._handle.name), self.path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc
        self._handle = None
        return str(self.path)

    def abort(self) -> None:
        """Remove the temporary file."""
        if self._handle is not None:
            self._handle.close()
            Path(self._handle.name).unlink(missing_ok=True)
            self._handle = None


def write_report(report: Report, path: Path, protect: Path | None) -> None:
    """Write the report JSON atomically."""
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, lambda handle: handle.write(text.encode()), protect)


def write_outputs(result: CheckResult, out_dir: Path) -> Report:
    """Write every output of a check into ``out_dir`` and return the report that lists them."""
    prepare_folder(out_dir)
    stem = output_stem(result.report.input.path, result.source is not None)
    protect = result.source
    writer = CleanWriter(out_dir, stem, result.clean.columns, protect)
    planned = split_frame(result.clean, result.rules)
    for part, rows in planned:
        writer.append(part.list_number, rows)
    written = writer.finish([part for part, _ in planned])
    rejects = out_dir / f"{stem}.rejects.csv"
    write_csv(result.rejects, rejects, protect)
    report_path = out_dir / f"{stem}.report.json"
    report = replace(result.report, outputs=Outputs(written, str(rejects), str(report_path)))
    write_report(report, report_path, protect)
    return report
