"""Header resolution: trim, case-fold, aliases, explicit mapping, variable names.

Every rename is certain (a known spelling of a standard column, or white space trimmed) and
is reported; anything ambiguous is reported and left for a person.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .errors import UsageError
from .report import Code, Example, Finding
from .rules import HEADER_ALIASES, NUMBER_COLUMN, STANDARD_COLUMNS, VARIABLE_NAME, ListType, Rules

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


def header_key(header: str) -> str:
    """The spelling-insensitive key of a header: ``" Mobile-Number "`` → ``mobile_number``."""
    return _NOT_ALNUM.sub("_", header.casefold()).strip("_")


def trim_header(header: str) -> str:
    """A header without BOM, surrounding white space (non-breaking too), or inner runs of it."""
    return _SPACES.sub(" ", header).strip()


@dataclass(frozen=True, slots=True)
class HeaderPlan:
    """What each input column becomes."""

    targets: tuple[str | None, ...]
    """Output name per input position; None when the column is left out."""
    renamed: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocking: tuple[Code, ...] = ()
    """File-level error codes that keep every record out of the clean output."""

    @property
    def number_index(self) -> int | None:
        return self.targets.index(NUMBER_COLUMN) if NUMBER_COLUMN in self.targets else None

    @property
    def output(self) -> tuple[str, ...]:
        """Output columns: ``number`` first, the rest in input order.

        When a file-level error blocks every record, the clean output is just ``number``
        (empty), so that even then it is a valid, upload-ready file.
        """
        if self.blocking:
            return (NUMBER_COLUMN,)
        kept = [t for t in self.targets if t is not None and t != NUMBER_COLUMN]
        return (NUMBER_COLUMN, *kept) if self.number_index is not None else tuple(kept)


def _explicit(header: tuple[str, ...], rules: Rules) -> dict[int, str]:
    """Positions named by --map TARGET=SOURCE."""
    chosen: dict[int, str] = {}
    trimmed = [trim_header(h) for h in header]
    for target, source in rules.mapping:
        if rules.list_type is ListType.STATIC and target not in STANDARD_COLUMNS:
            raise UsageError(f"--map {target}={source}: a static list has no column {target!r}")
        if not VARIABLE_NAME.match(target):
            raise UsageError(f"--map {target}={source}: {target!r} is not a valid column name")
        matches = [i for i, h in enumerate(trimmed) if h == trim_header(source)]
        if not matches:
            raise UsageError(f"--map {target}={source}: the file has no column {source!r}")
        chosen[matches[0]] = target
    return chosen


def _target(raw: str, rules: Rules, claimed: set[str]) -> str | None:
    """The output name of a column not named by --map; ``claimed`` are the names --map took."""
    key = header_key(raw)
    standard = key if key in STANDARD_COLUMNS else HEADER_ALIASES.get(key)
    if standard is not None and standard not in claimed:
        return standard
    if rules.list_type is ListType.DYNAMIC:
        return trim_header(raw)
    return None


def _finding(code: Code, examples: list[Example], message: str) -> Finding:
    return Finding(code=code, count=len(examples), message=message, examples=tuple(examples[:5]))


def resolve_headers(header: tuple[str, ...], rules: Rules) -> HeaderPlan:
    """Decide the output name of every input column and report what that took."""
    explicit = _explicit(header, rules)
    targets: list[str | None] = []
    blank: list[Example] = []
    unknown: list[Example] = []
    for index, raw in enumerate(header):
        if not trim_header(raw):
            blank.append(Example(line=None, column=f"column {index + 1}", value=raw))
            targets.append(None)
            continue
        target = explicit.get(index) or _target(raw, rules, set(explicit.values()))
        if target is None:
            unknown.append(Example(line=None, column=raw, value=raw))
        targets.append(target)
    findings: list[Finding] = []
    blocking: list[Code] = []
    if blank:
        findings.append(
            _finding(
                Code.BLANK_HEADER,
                blank,
                _plural(len(blank), "column has", "columns have")
                + " no name; left out of the clean output",
            )
        )
    if unknown:
        names = ", ".join(repr(e.column) for e in unknown)
        findings.append(
            _finding(
                Code.UNKNOWN_COLUMN,
                unknown,
                f"a static list takes no column {names}; left out of the clean output (use --type dynamic for variables)",
            )
        )
    duplicates = [t for t, n in Counter(t for t in targets if t is not None).items() if n > 1]
    if duplicates:
        examples = [
            Example(line=None, column=header[i], value=t)
            for i, t in enumerate(targets)
            if t in duplicates
        ]
        findings.append(
            _finding(
                Code.DUPLICATE_HEADER,
                examples,
                "several columns would be "
                + ", ".join(repr(d) for d in duplicates)
                + "; rename or remove all but one (or choose one with --map)",
            )
        )
        blocking.append(Code.DUPLICATE_HEADER)
    if NUMBER_COLUMN not in targets:
        findings.append(
            Finding(
                code=Code.MISSING_NUMBER_COLUMN,
                count=1,
                message="no column is the number column; name it 'number' or use --map number=COLUMN",
            )
        )
        blocking.append(Code.MISSING_NUMBER_COLUMN)
    renamed = {raw: t for raw, t in zip(header, targets, strict=True) if t is not None and t != raw}
    if renamed:
        examples = [Example(line=None, column=raw, value=t) for raw, t in renamed.items()]
        findings.append(
            _finding(
                Code.HEADER_RENAMED,
                examples,
                "renamed " + ", ".join(f"{raw!r} → {t!r}" for raw, t in renamed.items()),
            )
        )
    variables = tuple(t for t in targets if t is not None and t not in STANDARD_COLUMNS)
    findings += _variable_findings(variables, rules, blocking)
    dropped = tuple(raw for raw, t in zip(header, targets, strict=True) if t is None)
    return HeaderPlan(
        targets=tuple(targets),
        renamed=renamed,
        dropped=dropped,
        variables=variables,
        findings=tuple(findings),
        blocking=tuple(blocking),
    )


def _variable_findings(
    variables: tuple[str, ...], rules: Rules, blocking: list[Code]
) -> list[Finding]:
    findings: list[Finding] = []
    bad = [v for v in variables if not VARIABLE_NAME.match(v)]
    if bad:
        examples = [Example(line=None, column=v, value=v) for v in bad]
        findings.append(
            _finding(
                Code.INVALID_VARIABLE_NAME,
                examples,
                "variable names may have only letters, digits and underscores: "
                + ", ".join(repr(v) for v in bad),
            )
        )
        blocking.append(Code.INVALID_VARIABLE_NAME)
    if len(variables) > rules.max_variables:
        examples = [Example(line=None, column=v, value=v) for v in variables]
        findings.append(
            Finding(
                code=Code.TOO_MANY_VARIABLES,
                count=len(variables),
                message=f"{len(variables)} variables; a dynamic list takes at most {rules.max_variables}",
                examples=tuple(examples[:5]),
            )
        )
        blocking.append(Code.TOO_MANY_VARIABLES)
    return findings


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
