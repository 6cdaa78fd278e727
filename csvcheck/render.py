"""Renderers of a report: text for a person, JSON for a program."""

from __future__ import annotations

import json

from .report import Report, Severity

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.FIX: 2}


def render_json(report: Report) -> str:
    """The report JSON of DESIGN.md."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def summary_line(report: Report) -> str:
    """One line: the verdict and the predicted stats."""
    stats = report.stats
    verdict = "PASS" if report.valid else "FAIL"
    return (
        f"{report.input.path}: {verdict} (total {stats.total}, success {stats.success}, "
        f"duplicate {stats.duplicate}, failed {stats.failed})"
    )


def render_text(report: Report) -> str:
    """A readable summary: verdict, predicted Exotel stats, findings with examples."""
    stats = report.stats
    verdict = "PASS" if report.valid else "FAIL"
    lines = [
        f"{report.input.path}: {verdict}",
        f"  predicted Exotel stats: total {stats.total}, success {stats.success}, "
        f"duplicate {stats.duplicate}, failed {stats.failed}",
    ]
    if report.columns.output:
        lines.append(f"  clean columns: {', '.join(report.columns.output)}")
    for finding in sorted(report.findings, key=lambda f: _ORDER[f.severity]):
        lines.append(f"  {finding.severity:<7} {finding.code}: {finding.message}")
        for example in finding.examples:
            where = f"line {example.line}" if example.line is not None else "header"
            column = f" [{example.column}]" if example.column and example.line is not None else ""
            value = f" {example.value!r}" if example.value is not None else ""
            detail = f" — {example.detail}" if example.detail else ""
            lines.append(f"      {where}{column}{value}{detail}")
    if report.outputs is not None:
        for part in report.outputs.clean:
            lines.append(f"  wrote {part.path} ({part.rows} rows, {part.bytes} bytes)")
        lines.append(f"  wrote {report.outputs.rejects}")
        lines.append(f"  wrote {report.outputs.report}")
    elif stats.total and not report.valid:
        lines.append("  next: run with --out DIR to write the clean file and the rejected rows")
    return "\n".join(lines) + "\n"
