"""Renderers of one or several reports: text for a person, JSON for a program.

The CI formats (GitHub workflow commands, JUnit XML, SARIF) live in ``render_ci.py``, which
builds on the helpers here; ``render(outcomes, format)`` is the one entry point the CLI needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import click

from .outcome import NotChecked, Outcome
from .report import REPORT_VERSION, Code, Example, Finding, Part, Report, Severity

FORMATS = ("text", "json", "github", "junit", "sarif")
TOP_FINDINGS = 5
TOP_EXAMPLES = 3
VALUE_WIDTH = 60

Paint = Callable[[str, str | None], str]
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.FIX: 2}
_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.FIX: "cyan"}

# What a person can do about a finding; shown under "next" when the finding is present.
HINTS: dict[Code, str] = {
    Code.MISSING_NUMBER_COLUMN: "name the phone column `number`, or map it: --map number=COLUMN",
    Code.DUPLICATE_HEADER: "give every column its own name",
    Code.BLANK_HEADER: "give every column a name, or delete the empty column",
    Code.UNKNOWN_COLUMN: "a static list takes only number, first_name, last_name, company_name, email, tag; use --type dynamic to keep other columns as variables",
    Code.TOO_MANY_VARIABLES: "drop the columns your templates do not use, or raise --max-variables if Exotel allows more",
    Code.INVALID_VARIABLE_NAME: "rename variable columns to letters, digits and underscores",
    Code.TOO_MANY_ROWS: "the named list is full (--existing): upload the parts to new lists NAME_2, NAME_3, …, or use a list with room",
    Code.FILE_TOO_LARGE: "one row alone is over the size limit: shorten its cells, or raise --max-bytes if Exotel allows more",
    Code.EXCEL_MANGLED_NUMBER: "export the numbers again, as text, from where they came from: a spreadsheet dropped digits that cannot be recovered",
    Code.INVALID_EMAIL: "correct the email addresses, or leave them empty",
    Code.FORMULA_LIKE_VALUE: "look at these cells before anyone opens the file in a spreadsheet",
    Code.REPLACEMENT_CHARACTER: "text was lost in decoding: try --encoding with the file's real encoding",
}


def render_json(report: Report) -> str:
    """The report JSON of DESIGN.md."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def combined_dict(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One object for several files: every report, every file that could not be checked."""
    reports = [o for o in outcomes if isinstance(o, Report)]
    failed = [o for o in outcomes if isinstance(o, NotChecked)]
    totals = {key: sum(getattr(r.stats, key) for r in reports) for key in _STATS}
    tool = dict(reports[0].tool) if reports else _tool()
    return {
        "version": REPORT_VERSION,
        "tool": tool,
        "valid": all(r.valid for r in reports) and not failed,
        "files": len(outcomes),
        "stats": totals,
        "reports": [r.to_dict() for r in reports],
        "errors": [{"path": f.path, "message": f.message} for f in failed],
    }


def render_combined_json(outcomes: Sequence[Outcome]) -> str:
    """The combined JSON object of several files (see ``combined_dict``)."""
    return json.dumps(combined_dict(outcomes), indent=2, ensure_ascii=False) + "\n"


_STATS = ("total", "success", "duplicate", "failed")


def _tool() -> dict[str, str]:
    from . import __version__, phones  # phones imports phonenumbers: only when needed

    return {
        "name": "csvcheck",
        "version": __version__,
        "phonenumbers": phones.phonenumbers_version(),
    }


def summary_line(report: Report) -> str:
    """One line: the verdict and the predicted stats."""
    stats = report.stats
    verdict = "PASS" if report.valid else "FAIL"
    return (
        f"{report.input.path}: {verdict} (total {stats.total}, success {stats.success}, "
        f"duplicate {stats.duplicate}, failed {stats.failed})"
    )


def totals_line(outcomes: Sequence[Outcome]) -> str:
    """One line over several files: how many passed, failed, could not be checked."""
    passed = sum(1 for o in outcomes if isinstance(o, Report) and o.valid)
    failed = sum(1 for o in outcomes if isinstance(o, Report) and not o.valid)
    broken = len(outcomes) - passed - failed
    files = "file" if len(outcomes) == 1 else "files"
    return (
        f"csvcheck: {len(outcomes)} {files}: {passed} passed, {failed} failed, "
        f"{broken} could not be checked"
    )


def render(
    outcomes: Sequence[Outcome], output_format: str, *, combined: bool, color: bool = False
) -> str:
    """Render the outcomes of one check run in one of ``FORMATS``.

    ``combined`` is False only for a run over exactly one file named on the command line; then
    ``json`` is the single report object and ``text`` has no totals line.
    """
    if output_format == "json":
        if not combined and isinstance(outcomes[0], Report):
            return render_json(outcomes[0])
        return render_combined_json(outcomes)
    from .render_ci import render_github, render_junit, render_sarif

    if output_format == "github":
        return render_github(outcomes)
    if output_format == "junit":
        return render_junit(outcomes)
    if output_format == "sarif":
        return render_sarif(outcomes)
    if output_format != "text":
        raise ValueError(f"unknown format {output_format!r}")
    sections = [_text_of(o, color) for o in outcomes]
    if combined:
        sections.append(totals_line(outcomes) + "\n")
    return "\n".join(sections)


def _text_of(outcome: Outcome, color: bool) -> str:
    if isinstance(outcome, Report):
        return render_text(outcome, color=color)
    label = click.style("NOT CHECKED", fg="red", bold=True) if color else "NOT CHECKED"
    return f"{printable(outcome.path)}: {label}\n  {printable(outcome.message)}\n"


# ---------------------------------------------------------------- text for a terminal


def render_text(report: Report, *, color: bool = False, advice: bool = True) -> str:
    """A terminal summary: verdict, a table of findings, the top findings, what to do next.

    ``color`` adds ANSI styles; the CLI sets it only when stdout is a terminal and
    ``NO_COLOR`` is not set. ``advice=False`` leaves out "next" (for a caller, such as the
    upload command, that says itself what happens next).
    """
    paint = _painter(color)
    stats = report.stats
    verdict = paint("PASS", "green") if report.valid else paint("FAIL", "red")
    lines = [
        f"{printable(report.input.path)}: {verdict}",
        f"  predicted Exotel stats: total {stats.total}, success {stats.success}, "
        f"duplicate {stats.duplicate}, failed {stats.failed}",
    ]
    ordered = _by_importance(report.findings)
    if ordered:
        lines += ["", *_table(ordered, paint)]
    wanted = [f for f in ordered if _needs_attention(report, f)]
    if wanted:
        lines += ["", "  " + paint("top findings", None)]
        for finding in wanted[:TOP_FINDINGS]:
            lines += _finding_lines(finding, paint)
        if len(wanted) > TOP_FINDINGS:
            lines.append(f"  … {len(wanted) - TOP_FINDINGS} more in the table above")
    if advice:
        lines += ["", "  " + paint("next", None), *(f"  - {step}" for step in next_steps(report))]
    return "\n".join(lines) + "\n"


def _by_importance(findings: Sequence[Finding]) -> list[Finding]:
    """Errors, then warnings, then fixes; the most frequent first within each."""
    return sorted(findings, key=lambda f: (_ORDER[f.severity], -f.count))


def _painter(color: bool) -> Paint:
    def paint(text: str, colour: str | None) -> str:
        return click.style(text, fg=colour, bold=True) if color else text

    return paint


def _needs_attention(report: Report, finding: Finding) -> bool:
    return finding.severity != Severity.FIX or report.strict


def _table(findings: Sequence[Finding], paint: Paint) -> list[str]:
    width = max(len("code"), *(len(f.code) for f in findings))
    rows = [f"  {'severity':<9}{'code':<{width}}  {'count':>5}  lines"]
    for finding in findings:
        severity = paint(f"{finding.severity:<9}", _COLOUR[finding.severity])
        rows.append(
            f"  {severity}{finding.code:<{width}}  {finding.count:>5}  {_lines_of(finding)}"
        )
    return rows


def _lines_of(finding: Finding) -> str:
    numbers = [str(e.line) for e in finding.examples if e.line is not None]
    if not numbers:
        return "file"
    more = ", …" if finding.count > len(numbers) else ""
    return ", ".join(numbers) + more


def _finding_lines(finding: Finding, paint: Paint) -> list[str]:
    severity = paint(f"{finding.severity:<8}", _COLOUR[finding.severity])
    lines = [f"  {severity}{finding.code}: {printable(finding.message)}"]
    for example in finding.examples[:TOP_EXAMPLES]:
        lines.append(f"          {example_text(example)}")
    hidden = finding.count - min(len(finding.examples), TOP_EXAMPLES)
    if hidden > 0 and any(e.line is not None for e in finding.examples):
        lines.append(f"          … {hidden} more")
    return lines


def example_text(example: Example) -> str:
    """One example as a short line: where, which column, the value, the detail."""
    parts = [f"line {example.line}" if example.line is not None else "header"]
    if example.column is not None:
        parts.append(f"[{printable(example.column)}]")
    if example.value is not None and not (example.line is None and example.value == example.column):
        value = example.value
        shown = value if len(value) <= VALUE_WIDTH else value[:VALUE_WIDTH] + "…"
        parts.append(repr(shown))
    if example.detail:
        parts.append(f"— {printable(example.detail)}")
    return " ".join(parts)


def _clean_files(parts: Sequence[Part]) -> str:
    """The clean files and, when the contacts were split, the list each one is for."""
    if len(parts) == 1 and not parts[0].list_name_suffix:
        return parts[0].path
    return ", ".join(f"{p.path} (for list NAME{p.list_name_suffix})" for p in parts)


def next_steps(report: Report) -> list[str]:
    """What a person should do now, most useful first."""
    wanted = [f for f in _by_importance(report.findings) if _needs_attention(report, f)]
    steps = [HINTS[f.code] for f in wanted if f.code in HINTS]
    stats = report.stats
    rejected = stats.duplicate + stats.failed
    if report.outputs is not None:
        steps.append(f"upload-ready contacts: {_clean_files(report.outputs.clean)}")
        if rejected:
            steps.append(f"{rejected} set-aside rows, each with a reason: {report.outputs.rejects}")
        steps.append(f"full report: {report.outputs.report}")
        return steps
    if rejected:
        steps.append(
            f"{rejected} {_plural(rejected, 'row')} would be set aside: run with --out DIR "
            "to write the clean file and a rejects file with a reason for each row"
        )
    elif any(f.severity == Severity.FIX for f in report.findings):
        steps.append("csvcheck fixed the file in memory: run with --out DIR to write it")
    if report.valid and not steps:
        steps.append("the file is ready to upload as it is")
    return steps


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (an escape sequence, say) shown escaped."""
    return text if text.isprintable() else repr(text)[1:-1]
