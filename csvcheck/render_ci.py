"""CI renderers: GitHub Actions workflow commands, JUnit XML and SARIF 2.1.0.

Each takes every outcome of a run (one or several files) and gives one document.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from .outcome import NotChecked, Outcome, relative_path
from .render import HINTS, example_text, printable, summary_line, totals_line
from .report import DESCRIPTION, SEVERITY, Code, Finding, Report, Severity

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# The tool's home page, which SARIF requires. The project has no public URL yet: replace this
# placeholder (a reserved, never-resolving name) when it has one.
INFORMATION_URI = "https://csvcheck.invalid/"

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.FIX: "notice"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.FIX: "note"}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def fails(report: Report, finding: Finding) -> bool:
    """Whether this finding makes the check fail (errors; with --strict, everything)."""
    return finding.severity == Severity.ERROR or report.strict


def annotated(finding: Finding) -> list[tuple[int | None, str]]:
    """(line, message) for each place a CI tool should point at.

    A row finding gives one per example, at its physical line; a file-level finding gives one
    without a line, with the finding's own message.
    """
    rows = [e for e in finding.examples if e.line is not None]
    if not rows:
        return [(None, finding.message)]
    return [(e.line, f"{finding.message} — {example_text(e)}") for e in rows]


# ---------------------------------------------------------------- GitHub workflow commands


def escape_data(text: str) -> str:
    """Escape the message of a workflow command, as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (also ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, properties: dict[str, str], message: str) -> str:
    """``::level key=value,…::message`` with every part escaped."""
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level} {joined}::{escape_data(message)}"


def render_github(outcomes: Sequence[Outcome]) -> str:
    """One annotation per finding example, then a summary line per file and in all."""
    lines: list[str] = []
    for outcome in outcomes:
        path = outcome_path(outcome)
        where = {} if path == "-" else {"file": relative_path(path)}
        if isinstance(outcome, NotChecked):
            title = {**where, "title": "csvcheck"}
            lines.append(workflow_command("error", title, f"could not check: {outcome.message}"))
            continue
        for finding in outcome.findings:
            level = _GITHUB_LEVEL[finding.severity]
            for line, message in annotated(finding):
                place = where if line is None else {**where, "line": str(line)}
                lines.append(workflow_command(level, {**place, "title": finding.code}, message))
    lines += [_summary(o) for o in outcomes]
    lines.append(totals_line(outcomes))
    return "\n".join(lines) + "\n"


def outcome_path(outcome: Outcome) -> str:
    return outcome.input.path if isinstance(outcome, Report) else outcome.path


def _summary(outcome: Outcome) -> str:
    if isinstance(outcome, Report):
        return printable(summary_line(outcome))
    return printable(f"{outcome.path}: NOT CHECKED ({outcome.message})")


# ---------------------------------------------------------------- JUnit XML


def render_junit(outcomes: Sequence[Outcome]) -> str:
    """A testsuite per file and a testcase per finding code; failures carry lines and messages."""
    root = ET.Element("testsuites", name="csvcheck")
    suites = [_junit_suite(o) for o in outcomes]
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def _junit_suite(outcome: Outcome) -> ET.Element:
    path = _xml(outcome_path(outcome))
    suite = ET.Element("testsuite", name=path, tests="1", failures="0", errors="0", skipped="0")
    if isinstance(outcome, NotChecked):
        suite.set("errors", "1")
        case = ET.SubElement(suite, "testcase", classname=path, name="read", file=path)
        ET.SubElement(case, "error", type="not-checked", message=_xml(outcome.message))
        return suite
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="valid", value=str(outcome.valid).lower())
    for key in ("total", "success", "duplicate", "failed"):
        ET.SubElement(properties, "property", name=key, value=str(getattr(outcome.stats, key)))
    cases = [_junit_case(outcome, code, path) for code in Code]
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    return suite


def _junit_case(report: Report, code: Code, path: str) -> ET.Element:
    case = ET.Element("testcase", classname=path, name=str(code), file=path)
    finding = report.finding(code)
    if finding is None:
        return case
    places = "\n".join(_places(finding))
    if fails(report, finding):
        first = next((e.line for e in finding.examples if e.line is not None), None)
        if first is not None:
            case.set("line", str(first))
        failure = ET.SubElement(
            case, "failure", type=str(finding.severity), message=_xml(finding.message)
        )
        failure.text = _xml(places or finding.message)
    else:
        text = f"{finding.severity}: {finding.message}" + (f"\n{places}" if places else "")
        ET.SubElement(case, "system-out").text = _xml(text)
    return case


def _places(finding: Finding) -> list[str]:
    lines = [example_text(e) for e in finding.examples]
    rows = sum(1 for e in finding.examples if e.line is not None)
    if rows and finding.count > rows:
        lines.append(f"… {finding.count - rows} more")
    return lines


# ---------------------------------------------------------------- SARIF 2.1.0


def sarif_rules() -> list[dict[str, Any]]:
    """A reporting descriptor for every finding code csvcheck has."""
    rules = []
    for code in Code:
        rule: dict[str, Any] = {
            "id": str(code),
            "name": "".join(word.title() for word in code.split("-")),
            "shortDescription": {"text": DESCRIPTION[code]},
            "defaultConfiguration": {"level": _SARIF_LEVEL[SEVERITY[code]]},
            "properties": {"severity": str(SEVERITY[code])},
        }
        if code in HINTS:
            rule["help"] = {"text": HINTS[code]}
        rules.append(rule)
    return rules


def render_sarif(outcomes: Sequence[Outcome]) -> str:
    """One SARIF 2.1.0 log with one run covering every file."""
    from . import __version__

    index = {str(code): i for i, code in enumerate(Code)}
    results = [
        result
        for outcome in outcomes
        if isinstance(outcome, Report)
        for finding in outcome.findings
        for result in _sarif_results(outcome, finding, index[finding.code])
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": f"could not check: {o.message}"},
            "locations": [_location(o.path, None)],
        }
        for o in outcomes
        if isinstance(o, NotChecked)
    ]
    driver = {
        "name": "csvcheck",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": sarif_rules(),
    }
    invocation = {
        "executionSuccessful": not notifications,
        "toolExecutionNotifications": notifications,
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "invocations": [invocation], "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_results(report: Report, finding: Finding, rule_index: int) -> list[dict[str, Any]]:
    return [
        {
            "ruleId": str(finding.code),
            "ruleIndex": rule_index,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": message},
            "locations": [_location(report.input.path, line)],
        }
        for line, message in annotated(finding)
    ]


def _location(path: str, line: int | None) -> dict[str, Any]:
    """A physical location; a file-level finding points at line 1, where the header is."""
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(relative_path(path))},
            "region": {"startLine": line if line is not None else 1},
        }
    }
