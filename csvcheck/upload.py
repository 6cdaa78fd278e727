"""Upload the clean part(s) of a check to Exotel and compare Exotel's stats with the prediction.

A check with file-level errors is never uploaded. Part k > 1 goes to list ``NAME_k``. Parts
are sent one after the other, each followed to its end before the next is sent, and the run
stops at the first part that does not complete, so a failed upload is never followed by more.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .answers import UploadStatus
from .client import ExotelClient
from .errors import UploadError, UploadTimeoutError
from .pipeline import CheckResult
from .render import render_text
from .report import Code, Finding, Part, Report, Severity, Stats

ROW_REJECT_CODES = frozenset(
    {
        Code.MISSING_NUMBER,
        Code.INVALID_NUMBER,
        Code.EXCEL_MANGLED_NUMBER,
        Code.DUPLICATE_NUMBER,
        Code.RAGGED_ROW,
    }
)
"""Error codes that only set rows aside: the clean rows can still be uploaded."""
"""Errors about the whole file that a split into parts resolves."""


@dataclass(frozen=True, slots=True)
class PartUpload:
    """What happened to one clean part."""

    path: str
    """The part file."""
    list_name: str
    """The Exotel list it went (or would go) to."""
    predicted: Stats
    """What csvcheck expects Exotel to report for this part."""
    state: str
    """completed, failed, error, timeout, uploaded (not waited for) or not-uploaded
    (``uploading`` only in progress callbacks)."""
    upload_id: str | None = None
    """Exotel's upload id, once the file was taken."""
    status: UploadStatus | None = None
    """Exotel's last status for it."""
    message: str = ""
    """Why it did not complete, for a person."""

    @property
    def differences(self) -> tuple[str, ...]:
        """The counts where Exotel's final stats differ from the prediction."""
        if self.status is None or self.status.stats is None:
            return ()
        actual, expected = asdict(self.status.stats), asdict(self.predicted)
        return tuple(name for name in expected if actual[name] != expected[name])

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "list_name": self.list_name,
            "state": self.state,
            "upload_id": self.upload_id,
            "predicted": asdict(self.predicted),
            "exotel": self.status.to_dict() if self.status is not None else None,
            "differences": list(self.differences),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class UploadRun:
    """A check and the upload of its clean part(s)."""

    report: Report
    """The check that ran first."""
    list_name: str
    """The list named by the user (part k > 1 goes to NAME_k)."""
    parts: tuple[PartUpload, ...] = ()
    """One entry per clean part, in order."""
    refused: tuple[Finding, ...] = ()
    """The findings that stopped the upload."""
    reason: str = ""
    """Why nothing was uploaded; empty when the parts were sent."""

    @property
    def completed(self) -> bool:
        """True when every part was uploaded and completed."""
        return (
            not self.reason and bool(self.parts) and all(p.state == "completed" for p in self.parts)
        )

    @property
    def sent(self) -> bool:
        """True when every part was taken by Exotel (completed, or not waited for)."""
        return (
            not self.reason
            and bool(self.parts)
            and all(p.state in {"completed", "uploaded"} for p in self.parts)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.report.to_dict(),
            "upload": {
                "list_name": self.list_name,
                "refused": self.reason or None,
                "refused_codes": list(dict.fromkeys(str(f.code) for f in self.refused)),
                "completed": self.completed,
                "parts": [p.to_dict() for p in self.parts],
            },
        }


def blocking_findings(report: Report) -> tuple[Finding, ...]:
    """Errors that stop an upload: file-level errors, or under --strict anything failing."""
    if report.strict and not report.valid:
        return report.findings  # under --strict every finding fails the check
    return tuple(
        f
        for f in report.findings
        if f.severity is Severity.ERROR and f.code not in ROW_REJECT_CODES
    )


def upload_checked(
    result: CheckResult,
    client: ExotelClient,
    list_name: str,
    *,
    out_dir: str | Path | None = None,
    wait: bool = True,
    timeout: float = 1800.0,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None = None,
) -> UploadRun:
    """Write the clean part(s) of a check (into out_dir, or a temporary folder) and upload each."""
    return upload_written(result.write, client, list_name, out_dir, wait, timeout, on_progress)


def upload_written(
    write: Callable[[Path], Report],
    client: ExotelClient,
    list_name: str,
    out_dir: str | Path | None = None,
    wait: bool = True,
    timeout: float = 1800.0,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None = None,
) -> UploadRun:
    """Upload the parts that ``write(folder)`` writes, unless its report stops the upload.

    ``write`` checks and writes the outputs (``CheckResult.write``, or ``stream.check_path``
    for a master file checked in batches); without ``out_dir`` it writes into a temporary
    folder removed afterwards.
    """
    if out_dir is not None:
        return _upload_report(write(Path(out_dir)), client, list_name, wait, timeout, on_progress)
    with tempfile.TemporaryDirectory(prefix="csvcheck-upload-") as folder:
        run = _upload_report(write(Path(folder)), client, list_name, wait, timeout, on_progress)
    # The temporary files are gone: a report that listed them would point at nothing.
    return replace(run, report=replace(run.report, outputs=None))


def _upload_report(
    report: Report,
    client: ExotelClient,
    list_name: str,
    wait: bool,
    timeout: float,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None,
) -> UploadRun:
    refused = blocking_findings(report)
    if refused:
        codes = ", ".join(dict.fromkeys(str(f.code) for f in refused))
        reason = f"the check found problems that stop an upload ({codes})"
        return UploadRun(report, list_name, refused=refused, reason=reason)
    if report.stats.success == 0:
        return UploadRun(report, list_name, reason="no clean contacts: every record was set aside")
    return _run(report, client, list_name, str(report.options["type"]), wait, timeout, on_progress)


def _run(
    report: Report,
    client: ExotelClient,
    list_name: str,
    list_type: str,
    wait: bool,
    timeout: float,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None,
) -> UploadRun:
    assert report.outputs is not None  # written just before
    parts = upload_parts(
        client,
        report.outputs.clean,
        list_name,
        list_type,
        wait=wait,
        timeout=timeout,
        on_progress=on_progress,
    )
    return UploadRun(report, list_name, parts)


def upload_parts(
    client: ExotelClient,
    parts: Sequence[Part],
    list_name: str,
    list_type: str = "static",
    *,
    wait: bool = True,
    timeout: float = 1800.0,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None = None,
) -> tuple[PartUpload, ...]:
    """Upload each part to its list and follow it; stop at the first that does not complete.

    ``timeout`` bounds the whole wait, across parts.
    """
    deadline = client.clock() + timeout
    done: list[PartUpload] = []
    for k, part in enumerate(parts, start=1):
        predicted = Stats(part.rows, part.rows, 0, 0)
        target = list_name + part.list_name_suffix
        if done and done[-1].state not in {"completed", "uploaded"}:
            note = f"not uploaded: part {k - 1} did not complete"
            done.append(PartUpload(part.path, target, predicted, "not-uploaded", message=note))
            continue
        remaining = max(deadline - client.clock(), 0.0)
        if on_progress is not None:
            on_progress(PartUpload(part.path, target, predicted, "uploading"))
        outcome = _upload_one(
            client, part, target, list_type, predicted, wait, remaining, on_progress
        )
        done.append(outcome)
        if on_progress is not None:
            on_progress(outcome)
    return tuple(done)


def _upload_one(
    client: ExotelClient,
    part: Part,
    target: str,
    list_type: str,
    predicted: Stats,
    wait: bool,
    timeout: float,
    on_progress: Callable[[PartUpload | UploadStatus], None] | None,
) -> PartUpload:
    try:
        receipt = client.upload(part.path, target, list_type)
    except UploadError as exc:
        return PartUpload(part.path, target, predicted, "error", message=str(exc))
    if not wait:
        status = UploadStatus(receipt.upload_id, receipt.status)
        return PartUpload(part.path, target, predicted, "uploaded", receipt.upload_id, status)
    seen: list[UploadStatus] = []

    def follow(status: UploadStatus) -> None:
        seen.append(status)
        if on_progress is not None:
            on_progress(status)

    try:
        status = client.wait(receipt.upload_id, timeout=timeout, on_progress=follow)
    except UploadTimeoutError as exc:
        last = seen[-1] if seen else UploadStatus(receipt.upload_id, exc.last_status)
        return PartUpload(
            part.path, target, predicted, "timeout", receipt.upload_id, last, str(exc)
        )
    except UploadError as exc:
        message = f"{exc}; follow it with: csvcheck status {receipt.upload_id}"
        return PartUpload(part.path, target, predicted, "error", receipt.upload_id, message=message)
    state = status.status if status.status in {"completed", "failed"} else "error"
    message = "; ".join(status.messages) if not status.completed else ""
    return PartUpload(part.path, target, predicted, state, receipt.upload_id, status, message)


def progress_line(event: object) -> str | None:
    """One line of progress for a status read or a part about to be sent; None for others."""
    if isinstance(event, UploadStatus):
        stats = event.stats
        done = stats.success + stats.duplicate + stats.failed if stats else 0
        counts = f" ({done} of {stats.total} processed)" if stats else ""
        return f"upload {event.upload_id}: {event.status}{counts}"
    if isinstance(event, PartUpload) and event.state == "uploading":
        return f"uploading {Path(event.path).name} to list {event.list_name}"
    return None


def failure_lines(run: UploadRun) -> list[str]:
    """One line per part that did not complete, with the id to resume with."""
    lines = []
    for k, part in enumerate(run.parts, start=1):
        if part.state in {"completed", "uploaded", "not-uploaded"}:
            continue
        text = f"part {k} ({part.list_name}): {part.state}"
        if part.message:
            text += f": {part.message}"
        if part.upload_id and "csvcheck status" not in text:
            text += f"; follow it with: csvcheck status {part.upload_id}"
        lines.append(text)
    return lines


def _stats_text(stats: Stats) -> str:
    return (
        f"total {stats.total}, success {stats.success}, duplicate {stats.duplicate}, "
        f"failed {stats.failed}"
    )


def render_part(k: int, part: PartUpload) -> list[str]:
    """Lines for one part: its state, Exotel's stats beside csvcheck's, any difference."""
    upload = f" (upload id {part.upload_id})" if part.upload_id else ""
    lines = [f"  part {k}: {Path(part.path).name} -> list {part.list_name}: {part.state}{upload}"]
    if part.status is not None and part.status.stats is not None:
        lines.append(f"      Exotel:   {_stats_text(part.status.stats)}")
    lines.append(f"      csvcheck: {_stats_text(part.predicted)}")
    if part.differences and part.status is not None and part.status.stats is not None:
        actual = asdict(part.status.stats)
        expected = asdict(part.predicted)
        diff = ", ".join(f"{n} {actual[n]} vs {expected[n]}" for n in part.differences)
        lines.append(f"      differs (Exotel vs csvcheck): {diff}")
    if part.message:
        lines.append(f"      {part.message}")
    return lines


def render_upload_text(run: UploadRun) -> str:
    """The check report, then one block per part."""
    lines = [render_text(run.report, advice=False).rstrip("\n")]
    if run.reason:
        lines.append(f"not uploaded: {run.reason}")
    else:
        stats = run.report.stats
        aside = stats.duplicate + stats.failed
        lines.append(
            f"upload to Exotel, list {run.list_name}: {stats.success} clean contacts"
            + (f" ({aside} set aside)" if aside else "")
        )
        for k, part in enumerate(run.parts, start=1):
            lines.extend(render_part(k, part))
    return "\n".join(lines) + "\n"


def render_upload_json(run: UploadRun) -> str:
    return json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_status_text(status: UploadStatus) -> str:
    lines = [f"upload {status.upload_id}: {status.status}"]
    if status.stats is not None:
        lines.append(f"  Exotel: {_stats_text(status.stats)}")
    lines.extend(f"  {message}" for message in status.messages)
    return "\n".join(lines) + "\n"


def render_status_json(status: UploadStatus) -> str:
    return json.dumps(status.to_dict(), indent=2, ensure_ascii=False) + "\n"
