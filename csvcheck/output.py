"""Atomic writing of clean part(s), rejects and the report; never over the input."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl

from .errors import OutputError
from .report import Outputs, Part, Report
from .split import plan_parts

if TYPE_CHECKING:
    from .pipeline import CheckResult


def atomic_write(path: Path, write: Callable[[IO[bytes]], object], protect: Path | None) -> int:
    """Write through a temporary file in the same folder, then rename; return bytes written."""
    if protect is not None and path.resolve() == protect.resolve():
        raise OutputError(f"{path}: refusing to overwrite the input file")
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            try:
                write(handle)
            except BaseException:
                handle.close()
                temporary.unlink(missing_ok=True)
                raise
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return path.stat().st_size


def write_csv(frame: pl.DataFrame, path: Path, protect: Path | None) -> int:
    """Write a frame as UTF-8 CSV without BOM, comma, LF, header row."""
    return atomic_write(path, lambda handle: frame.write_csv(handle), protect)


def write_outputs(result: CheckResult, out_dir: Path) -> Report:
    """Write every output of a check into ``out_dir`` and return the report that lists them."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from exc
    stem = Path(result.report.input.path).stem if result.source else "stdin"
    if result.report.input.path == "<frame>":
        stem = "contacts"
    parts = plan_parts(result.clean, result.rules)
    protect = result.source
    written: list[Part] = []
    if len(parts) == 1:
        path = out_dir / f"{stem}.clean.csv"
        written.append(Part(str(path), parts[0].height, write_csv(parts[0], path, protect)))
    else:
        for k, part in enumerate(parts, start=1):
            path = out_dir / f"{stem}.part-{k:03d}.csv"
            suffix = "" if k == 1 else f"_{k}"
            written.append(Part(str(path), part.height, write_csv(part, path, protect), suffix))
    rejects = out_dir / f"{stem}.rejects.csv"
    write_csv(result.rejects, rejects, protect)
    report_path = out_dir / f"{stem}.report.json"
    report = replace(result.report, outputs=Outputs(tuple(written), str(rejects), str(report_path)))
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(report_path, lambda handle: handle.write(text.encode()), protect)
    return report
