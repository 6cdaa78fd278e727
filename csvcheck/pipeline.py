"""check_file / check_frame: wire sniff → read → headers → rows → duplicates → report."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from . import phones, split
from .errors import InputError, UsageError
from .findings import in_code_order, row_findings
from .headers import HeaderPlan, resolve_headers
from .read import (
    EXTRA,
    FIELDS,
    LINE,
    Parsed,
    empty_records,
    field_name,
    parse,
)
from .report import (
    Code,
    Columns,
    Finding,
    InputInfo,
    Report,
    Stats,
)
from .rows import (
    BLANK,
    REASON,
    clean_frame,
    decide_rows,
    rejects_frame,
    with_problems,
)
from .rules import ListType, Rules
from .sniff import Sniffed, sniff
from .split import PlannedPart


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The report of one check, with the clean and rejected rows as polars frames."""

    report: Report
    """Findings, stats and columns."""
    clean: pl.DataFrame
    """Upload-ready contacts: ``number`` (E.164) first, then the other output columns."""
    rejects: pl.DataFrame
    """Rejected records: ``line``, ``reason``, ``detail``, then the input columns as read."""
    rules: Rules
    """The rules the check applied."""
    source: Path | None = None
    """The input file, which outputs must never overwrite."""

    def write(self, out_dir: str | Path) -> Report:
        """Write clean part(s), rejects and report.json into ``out_dir``; return the report."""
        from .output import write_outputs

        return write_outputs(self, Path(out_dir))


def _tool() -> dict[str, str]:
    from . import __version__

    return {
        "name": "csvcheck",
        "version": __version__,
        "phonenumbers": phones.phonenumbers_version(),
    }


def _validated(rules: Rules) -> Rules:
    if not phones.is_supported_region(rules.region):
        raise UsageError(f"unknown region {rules.region!r}; use a code such as IN, US or GB")
    if rules.existing < 0 or rules.max_bytes <= 0 or rules.row_cap <= 0:
        raise UsageError("--existing must be 0 or more, --max-rows and --max-bytes above 0")
    return replace(rules, region=rules.region.upper(), list_type=ListType(rules.list_type))


def read_input(path: str | Path) -> bytes:
    """The bytes of a file, or of standard input for ``-``."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, not a file") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def check_file(
    path: str | Path,
    list_type: ListType | str = ListType.STATIC,
    region: str = "IN",
    *,
    rules: Rules | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CheckResult:
    """Check a contacts CSV file (or ``-`` for standard input) the way Exotel will."""
    rules = _validated(rules or Rules(list_type=ListType(list_type), region=region))
    data = read_input(path)
    return check_bytes(data, rules=rules, path=str(path), encoding=encoding, delimiter=delimiter)


def check_bytes(
    data: bytes,
    *,
    rules: Rules,
    path: str = "-",
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CheckResult:
    """Check the bytes of a contacts CSV."""
    rules = _validated(rules)
    sniffed = sniff(data, encoding=encoding, delimiter=delimiter)
    parsed = parse(sniffed)
    info = InputInfo(
        path=path,
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=sniffed.encoding,
        bom=sniffed.bom,
        delimiter=sniffed.delimiter,
        line_endings=sniffed.line_endings,
        records=parsed.records.height,
    )
    source = Path(path) if path != "-" else None
    return evaluate(parsed, rules, info, _sniff_findings(sniffed, len(data)), source)


def check_frame(
    frame: pl.DataFrame,
    list_type: ListType | str = ListType.STATIC,
    region: str = "IN",
    *,
    rules: Rules | None = None,
) -> CheckResult:
    """Check contacts already in a polars frame (its column names are the header)."""
    rules = _validated(rules or Rules(list_type=ListType(list_type), region=region))
    header = tuple(frame.columns)
    records = frame.select(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE),
        pl.lit(len(header), dtype=pl.Int64).alias(FIELDS),
        *(pl.col(c).cast(pl.String).alias(field_name(i)) for i, c in enumerate(header)),
        pl.lit(None, dtype=pl.List(pl.String)).alias(EXTRA),
    )
    parsed = Parsed(header=header, header_line=1, records=records)
    info = InputInfo("<frame>", 0, "", "utf-8", False, ",", "LF", frame.height)
    return evaluate(parsed, rules, info, [], None)


def _sniff_findings(sniffed: Sniffed, size: int) -> list[Finding]:
    found: list[Finding] = []
    if size == 0:
        return found
    if sniffed.encoding.replace("_", "-").lower() not in {"utf-8", "utf8", "ascii"}:
        found.append(
            _file_finding(
                Code.ENCODING_CONVERTED, f"decoded as {sniffed.encoding}; the clean output is UTF-8"
            )
        )
    if sniffed.bom:
        found.append(_file_finding(Code.BOM_REMOVED, "a byte-order mark was removed"))
    if sniffed.delimiter != ",":
        found.append(
            _file_finding(
                Code.DELIMITER_CONVERTED,
                f"fields were separated by {sniffed.delimiter!r}; the clean output uses commas",
            )
        )
    if sniffed.line_endings not in {"LF", "none"}:
        found.append(
            _file_finding(
                Code.LINE_ENDINGS,
                f"line endings were {sniffed.line_endings}; the clean output uses LF",
            )
        )
    return found


def _file_finding(code: Code, message: str, count: int = 1) -> Finding:
    return Finding(code=code, count=count, message=message)


def evaluate(
    parsed: Parsed,
    rules: Rules,
    info: InputInfo,
    found: list[Finding],
    source: Path | None,
) -> CheckResult:
    """Run the header, row and duplicate checks on parsed records and build the result."""
    found = list(found)
    parsed, plan = plan_headers(parsed, rules, found)
    rows = decide_rows(with_problems(parsed), parsed.header, plan, rules)
    contacts = rows.filter(~pl.col(BLANK))
    found += in_code_order(row_findings(rows, parsed.header, plan))
    stats = contact_stats(contacts)
    clean = clean_frame(contacts.filter(pl.col(REASON) == ""), plan)
    parts = split.plan_parts(clean, rules)
    return CheckResult(
        report=build_report(parsed.header, plan, rules, info, found, stats, parts),
        clean=clean,
        rejects=rejects_frame(contacts.filter(pl.col(REASON) != ""), parsed.header),
        rules=rules,
        source=source,
    )


def plan_headers(parsed: Parsed, rules: Rules, found: list[Finding]) -> tuple[Parsed, HeaderPlan]:
    """Resolve the header (adding its findings to ``found``); no header means an empty file."""
    if not parsed.header:
        found.append(
            _file_finding(Code.EMPTY_FILE, "the file is empty: no header row, no contacts")
        )
        plan = HeaderPlan(targets=(), blocking=(Code.EMPTY_FILE,))
        return replace(parsed, records=empty_records(0)), plan
    plan = resolve_headers(parsed.header, rules)
    found += plan.findings
    return parsed, plan


def contact_stats(contacts: pl.DataFrame) -> Stats:
    """Predicted Exotel stats of decided contacts (blank rows already left out)."""
    clean = contacts.filter(pl.col(REASON) == "").height
    duplicate = contacts.filter(pl.col(REASON) == Code.DUPLICATE_NUMBER).height
    return Stats(
        total=contacts.height,
        success=clean,
        duplicate=duplicate,
        failed=contacts.height - clean - duplicate,
    )


def build_report(
    header: tuple[str, ...],
    plan: HeaderPlan,
    rules: Rules,
    info: InputInfo,
    found: list[Finding],
    stats: Stats,
    parts: Sequence[PlannedPart],
) -> Report:
    """The report of a check, from its findings so far, its stats and its planned parts."""
    found = list(found)
    if header and not stats.total:
        found.append(_file_finding(Code.NO_RECORDS, "the file has a header row but no contacts"))
    found += _limit_findings(parts, stats, rules)
    return Report(
        input=info,
        options={
            "type": str(rules.list_type),
            "region": rules.region,
            "existing": rules.existing,
            "strict": rules.strict,
        },
        stats=stats,
        columns=Columns(
            input=header,
            output=plan.output,
            renamed=plan.renamed,
            dropped=plan.dropped,
            variables=plan.variables,
        ),
        findings=tuple(found),
        tool=_tool(),
        strict=rules.strict,
    )


def _limit_findings(parts: Sequence[PlannedPart], stats: Stats, rules: Rules) -> list[Finding]:
    """Row and byte limits judged on the parts the clean rows are cut into.

    Clean rows that fit in several parts are a ``split`` fix, not a failure; what no split can
    cure is an error: a static list already full, or one row too big for any file.
    """
    found: list[Finding] = []
    if stats.success and rules.first_part_cap == 0:
        found.append(
            _file_finding(
                Code.TOO_MANY_ROWS,
                f"the list already holds {rules.existing:,} contacts and takes at most "
                f"{rules.row_cap:,}: none can be added; the parts are for new lists NAME_2, …",
                stats.success,
            )
        )
    if len(parts) > 1:
        found.append(_file_finding(Code.SPLIT, _split_message(parts, rules), len(parts)))
    oversized = [p for p in parts if p.bytes >= rules.max_bytes]
    if oversized:
        found.append(
            _file_finding(
                Code.FILE_TOO_LARGE,
                f"{len(oversized)} part(s) hold a single contact too big for an upload "
                f"(with the header, {oversized[0].bytes:,} bytes; the limit is under "
                f"{rules.max_bytes:,})",
                len(oversized),
            )
        )
    return found


def _split_message(parts: Sequence[PlannedPart], rules: Rules) -> str:
    total = sum(p.rows for p in parts)
    names = ", ".join(f"NAME{p.list_name_suffix}" for p in parts[:3])
    names += f" … NAME{parts[-1].list_name_suffix}" if len(parts) > 3 else ""
    existing = (
        f"; the first at most {rules.first_part_cap:,}, as the list already holds "
        f"{rules.existing:,}"
        if rules.existing and rules.first_part_cap
        else ""
    )
    return (
        f"{total:,} contacts split into {len(parts)} parts of at most {rules.row_cap:,} rows "
        f"and under {rules.max_bytes:,} bytes{existing}; part k is for list NAME_k ({names})"
    )
