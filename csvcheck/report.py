"""The report: findings with stable codes, predicted Exotel stats, and what was written.

Findings are data, never exceptions. A code is kebab-case and never renamed once released.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

REPORT_VERSION = 1
MAX_EXAMPLES = 5


class Severity(StrEnum):
    """How much a finding matters."""

    ERROR = "error"
    """A row is rejected, or the file cannot be uploaded as it is."""
    WARNING = "warning"
    """Kept, but a person should look."""
    FIX = "fix"
    """csvcheck changed something, with certainty."""


class Code(StrEnum):
    """Every finding code csvcheck can report."""

    # file level
    NOT_TEXT = "not-text"
    EMPTY_FILE = "empty-file"
    NO_RECORDS = "no-records"
    ENCODING_CONVERTED = "encoding-converted"
    BOM_REMOVED = "bom-removed"
    DELIMITER_CONVERTED = "delimiter-converted"
    LINE_ENDINGS = "line-endings"
    MISSING_NUMBER_COLUMN = "missing-number-column"
    HEADER_RENAMED = "header-renamed"
    DUPLICATE_HEADER = "duplicate-header"
    BLANK_HEADER = "blank-header"
    UNKNOWN_COLUMN = "unknown-column"
    TOO_MANY_VARIABLES = "too-many-variables"
    INVALID_VARIABLE_NAME = "invalid-variable-name"
    TOO_MANY_ROWS = "too-many-rows"
    FILE_TOO_LARGE = "file-too-large"
    SPLIT = "split"
    # row level
    MISSING_NUMBER = "missing-number"
    INVALID_NUMBER = "invalid-number"
    EXCEL_MANGLED_NUMBER = "excel-mangled-number"
    NUMBER_NORMALIZED = "number-normalized"
    DUPLICATE_NUMBER = "duplicate-number"
    RAGGED_ROW = "ragged-row"
    BLANK_ROW = "blank-row"
    INVALID_EMAIL = "invalid-email"
    FORMULA_LIKE_VALUE = "formula-like-value"
    VALUE_TOO_LONG = "value-too-long"
    VALUE_TRIMMED = "value-trimmed"
    REPLACEMENT_CHARACTER = "replacement-character"
    NUMBER_LETTERS_DROPPED = "number-letters-dropped"
    NUMBER_EXTENSION_DROPPED = "number-extension-dropped"
    UNBALANCED_QUOTE = "unbalanced-quote"
    NUL_BYTE = "nul-byte"
    FIELD_TOO_LARGE = "field-too-large"
    MULTILINE_FIELD = "multiline-field"


SEVERITY: dict[Code, Severity] = {
    Code.NOT_TEXT: Severity.ERROR,
    Code.EMPTY_FILE: Severity.ERROR,
    Code.NO_RECORDS: Severity.ERROR,
    Code.ENCODING_CONVERTED: Severity.FIX,
    Code.BOM_REMOVED: Severity.FIX,
    Code.DELIMITER_CONVERTED: Severity.FIX,
    Code.LINE_ENDINGS: Severity.FIX,
    Code.MISSING_NUMBER_COLUMN: Severity.ERROR,
    Code.HEADER_RENAMED: Severity.FIX,
    Code.DUPLICATE_HEADER: Severity.ERROR,
    Code.BLANK_HEADER: Severity.WARNING,
    Code.UNKNOWN_COLUMN: Severity.WARNING,
    Code.TOO_MANY_VARIABLES: Severity.ERROR,
    Code.INVALID_VARIABLE_NAME: Severity.ERROR,
    Code.TOO_MANY_ROWS: Severity.ERROR,
    Code.FILE_TOO_LARGE: Severity.ERROR,
    Code.SPLIT: Severity.FIX,
    Code.MISSING_NUMBER: Severity.ERROR,
    Code.INVALID_NUMBER: Severity.ERROR,
    Code.EXCEL_MANGLED_NUMBER: Severity.ERROR,
    Code.NUMBER_NORMALIZED: Severity.FIX,
    Code.DUPLICATE_NUMBER: Severity.ERROR,
    Code.RAGGED_ROW: Severity.ERROR,
    Code.BLANK_ROW: Severity.FIX,
    Code.INVALID_EMAIL: Severity.WARNING,
    Code.FORMULA_LIKE_VALUE: Severity.WARNING,
    Code.VALUE_TOO_LONG: Severity.WARNING,
    Code.VALUE_TRIMMED: Severity.FIX,
    Code.REPLACEMENT_CHARACTER: Severity.WARNING,
    Code.NUMBER_LETTERS_DROPPED: Severity.WARNING,
    Code.NUMBER_EXTENSION_DROPPED: Severity.WARNING,
    Code.UNBALANCED_QUOTE: Severity.ERROR,
    Code.NUL_BYTE: Severity.ERROR,
    Code.FIELD_TOO_LARGE: Severity.ERROR,
    Code.MULTILINE_FIELD: Severity.WARNING,
}

DESCRIPTION: dict[Code, str] = {
    Code.NOT_TEXT: "the file is not text (a workbook, an archive, a binary)",
    Code.EMPTY_FILE: "the file has no bytes, or no header row",
    Code.NO_RECORDS: "the file has a header row but no contacts",
    Code.ENCODING_CONVERTED: "the file was not UTF-8; the clean output is",
    Code.BOM_REMOVED: "a byte-order mark was removed",
    Code.DELIMITER_CONVERTED: "the delimiter was not a comma; the clean output uses commas",
    Code.LINE_ENDINGS: "line endings were not LF; the clean output uses LF",
    Code.MISSING_NUMBER_COLUMN: "no column could be read as the number column",
    Code.HEADER_RENAMED: "a header was renamed to the name Exotel expects",
    Code.DUPLICATE_HEADER: "two columns have the same name",
    Code.BLANK_HEADER: "a column has no name; left out of the clean output",
    Code.UNKNOWN_COLUMN: "a column a static list does not take; left out of the clean output",
    Code.TOO_MANY_VARIABLES: "a dynamic list takes at most the allowed number of variables",
    Code.INVALID_VARIABLE_NAME: "a variable name may have only letters, digits and underscores",
    Code.TOO_MANY_ROWS: "more contacts than the list can take",
    Code.FILE_TOO_LARGE: "the file is over the size limit",
    Code.SPLIT: "the clean contacts were split into parts within the limits",
    Code.MISSING_NUMBER: "the number cell is empty",
    Code.INVALID_NUMBER: "not a valid phone number for its country",
    Code.EXCEL_MANGLED_NUMBER: "a number damaged by a spreadsheet (digits lost); cannot be repaired",
    Code.NUMBER_NORMALIZED: "a number was rewritten in E.164",
    Code.DUPLICATE_NUMBER: "the same number appeared earlier in the file; the first is kept",
    Code.RAGGED_ROW: "a record has more or fewer fields than the header",
    Code.BLANK_ROW: "a blank line or a record with every field empty; not a contact",
    Code.INVALID_EMAIL: "the email address does not look like one",
    Code.FORMULA_LIKE_VALUE: "a cell starts like a spreadsheet formula (= + - @, tab or CR)",
    Code.VALUE_TOO_LONG: "a cell is longer than the sane bound",
    Code.VALUE_TRIMMED: "white space around a cell was removed",
    Code.REPLACEMENT_CHARACTER: "a cell holds U+FFFD, the mark of text lost in decoding",
    Code.NUMBER_LETTERS_DROPPED: (
        "a valid number had stray letters that libphonenumber ignored; check the digits"
    ),
    Code.NUMBER_EXTENSION_DROPPED: (
        "a valid number had an extension (x, ext, #); E.164 cannot carry it, so it was dropped"
    ),
    Code.UNBALANCED_QUOTE: "a quote is never closed (or closed lines later) and swallowed the lines after it",
    Code.NUL_BYTE: "a field holds a NUL byte, a sign of a damaged or binary file",
    Code.FIELD_TOO_LARGE: "a field is larger than any contact field could be (over 1,000,000 bytes)",
    Code.MULTILINE_FIELD: "a quoted field spans lines; if it should not, a quote is unbalanced",
}


@dataclass(frozen=True, slots=True)
class Example:
    """One place where a finding applies."""

    line: int | None
    """Physical line (1-based) where the record starts; None for a file-level finding."""
    column: str | None = None
    """The input column the value came from."""
    value: str | None = None
    """The value as read (or, for a header finding, the header)."""
    detail: str | None = None
    """Extra human text, such as the line of a duplicate's first occurrence."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that applies to the file or to some rows, with how often and where."""

    code: Code
    """Stable kebab-case code."""
    count: int
    """How many rows (or headers, or files) it applies to."""
    message: str
    """One human sentence."""
    examples: tuple[Example, ...] = ()
    """The first few places, in file order."""

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "count": self.count,
            "message": self.message,
            "examples": [
                {k: v for k, v in asdict(e).items() if v is not None} for e in self.examples
            ],
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """The counts Exotel reports after an upload, as csvcheck predicts them."""

    total: int
    """Data records that are contacts (blank rows are not)."""
    success: int
    """Contacts in the clean output."""
    duplicate: int
    """Contacts skipped because their number appeared earlier."""
    failed: int
    """Contacts rejected for any other reason."""


@dataclass(frozen=True, slots=True)
class Columns:
    """What happened to the header."""

    input: tuple[str, ...]
    """Headers as read."""
    output: tuple[str, ...]
    """Headers of the clean output, ``number`` first."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Input header → output header, for each header that changed."""
    dropped: tuple[str, ...] = ()
    """Input headers left out of the clean output."""
    variables: tuple[str, ...] = ()
    """Dynamic-list variable columns."""


@dataclass(frozen=True, slots=True)
class InputInfo:
    """What was read and how it was decoded."""

    path: str
    bytes: int
    sha256: str
    encoding: str
    bom: bool
    delimiter: str
    line_endings: str
    records: int
    """Data records read, blank ones included."""


@dataclass(frozen=True, slots=True)
class Part:
    """One clean output file."""

    path: str
    rows: int
    bytes: int
    list_name_suffix: str = ""
    """Suffix of the list this part is for: "" for the named list, "_2", "_3", … after it."""


@dataclass(frozen=True, slots=True)
class Outputs:
    """Files written under ``--out``."""

    clean: tuple[Part, ...]
    rejects: str
    report: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a check found about one input."""

    input: InputInfo
    options: dict[str, Any]
    stats: Stats
    columns: Columns
    findings: tuple[Finding, ...]
    tool: dict[str, str]
    strict: bool = False
    outputs: Outputs | None = None

    @property
    def valid(self) -> bool:
        """True when the check passes: no errors (and, when strict, no warnings or fixes)."""
        failing = {Severity.ERROR}
        if self.strict:
            failing |= {Severity.WARNING, Severity.FIX}
        return not any(f.severity in failing for f in self.findings)

    def finding(self, code: Code) -> Finding | None:
        """The finding with this code, if any."""
        return next((f for f in self.findings if f.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [str(f.code) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        outputs: dict[str, Any] | None = None
        if self.outputs is not None:
            outputs = {
                "clean": [p.path for p in self.outputs.clean],
                "parts": [asdict(p) for p in self.outputs.clean],
                "rejects": self.outputs.rejects,
                "report": self.outputs.report,
            }
        return {
            "version": REPORT_VERSION,
            "tool": dict(self.tool),
            "input": asdict(self.input),
            "options": dict(self.options),
            "valid": self.valid,
            "stats": asdict(self.stats),
            "columns": {
                "input": list(self.columns.input),
                "output": list(self.columns.output),
                "renamed": dict(self.columns.renamed),
                "dropped": list(self.columns.dropped),
                "variables": list(self.columns.variables),
            },
            "findings": [f.to_dict() for f in self.findings],
            "outputs": outputs,
        }
