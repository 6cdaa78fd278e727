"""check_file / check_frame: wire sniff → read → headers → rows → duplicates → report."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from . import checks, phones, split
from .errors import InputError, UsageError
from .headers import HeaderPlan, resolve_headers
from .read import (
    EXTRA,
    FIELDS,
    LINE,
    PROBLEM_CODE,
    PROBLEM_DETAIL,
    Parsed,
    empty_records,
    field_name,
    parse,
)
from .report import (
    DESCRIPTION,
    MAX_EXAMPLES,
    SEVERITY,
    Code,
    Columns,
    Example,
    Finding,
    InputInfo,
    Report,
    Severity,
    Stats,
)
from .rules import MAX_VALUE_LENGTH, NUMBER_COLUMN, ListType, Rules
from .sniff import Sniffed, sniff
from .split import PlannedPart

REASON = "_reason"
DETAIL = "_detail"
E164 = "_e164"
NUMBER_ERROR = "_number_error"
NUMBER_WARNING = "_number_warning"
NUMBER_HINT = "_number_hint"
NUMBER_STRUCT = "_number"
BLANK = "_blank"
DUPLICATE_OF = "_duplicate_of"


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
    rows = _decide_rows(_with_problems(parsed), parsed.header, plan, rules)
    contacts = rows.filter(~pl.col(BLANK))
    found += in_code_order(_row_findings(rows, parsed.header, plan))
    stats = contact_stats(contacts)
    clean = _clean_frame(contacts.filter(pl.col(REASON) == ""), plan)
    parts = split.plan_parts(clean, rules)
    return CheckResult(
        report=build_report(parsed.header, plan, rules, info, found, stats, parts),
        clean=clean,
        rejects=_rejects_frame(contacts.filter(pl.col(REASON) != ""), parsed.header),
        rules=rules,
        source=source,
    )


def in_code_order(findings: list[Finding]) -> list[Finding]:
    """Row findings in the order codes are declared, whichever batch found them first."""
    order = list(Code)
    return sorted(findings, key=lambda f: order.index(f.code))


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


_STRUCTURE_CODES = (
    Code.UNBALANCED_QUOTE,
    Code.NUL_BYTE,
    Code.FIELD_TOO_LARGE,
    Code.MULTILINE_FIELD,
)
_NO_COLUMN: str | None = None


WARNING_CODE = "_warning_code"
WARNING_DETAIL = "_warning_detail"


def _with_problems(parsed: Parsed) -> pl.DataFrame:
    """Records with the reader's structure problems: errors reject, warnings only report."""
    errors = [str(c) for c in _STRUCTURE_CODES if SEVERITY[c] is Severity.ERROR]
    is_error = pl.col(PROBLEM_CODE).is_in(errors)
    per_record = parsed.problems.group_by(LINE).agg(
        pl.col(PROBLEM_CODE).filter(is_error).str.join(";"),
        pl.col(PROBLEM_DETAIL).filter(is_error).str.join("; "),
        pl.col(PROBLEM_CODE).filter(~is_error).str.join(";").alias(WARNING_CODE),
        pl.col(PROBLEM_DETAIL).filter(~is_error).str.join("; ").alias(WARNING_DETAIL),
    )
    empty_as_null = [
        pl.col(c).replace("", None) for c in (PROBLEM_CODE, PROBLEM_DETAIL, WARNING_CODE)
    ]
    per_record = per_record.with_columns(empty_as_null)
    return parsed.records.join(per_record, on=LINE, how="left", maintain_order="left")


_PROBLEM_COLUMNS = (PROBLEM_CODE, PROBLEM_DETAIL, WARNING_CODE, WARNING_DETAIL)


def _with_problem_columns(records: pl.DataFrame) -> pl.DataFrame:
    """Records that did not go through ``_with_problems`` (a frame given by a caller) have none."""
    missing = [c for c in _PROBLEM_COLUMNS if c not in records.columns]
    return records.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)


def _has_problem(code: Code, column: str = PROBLEM_CODE) -> pl.Expr:
    return pl.col(column).str.contains(str(code), literal=True).fill_null(False)


def _fields(width: int) -> list[pl.Expr]:
    return [pl.col(field_name(i)) for i in range(width)]


def _blank_record(width: int) -> pl.Expr:
    extra_blank = (
        pl.col(EXTRA).is_null() | pl.col(EXTRA).list.eval(checks.is_blank(pl.element())).list.all()
    )
    if width == 0:
        return pl.lit(True)
    cells_blank = pl.all_horizontal(checks.is_blank(f) for f in _fields(width))
    return (pl.col(FIELDS) == 0) | (cells_blank & extra_blank)


def _join(parts: list[pl.Expr], separator: str) -> pl.Expr:
    if not parts:
        return pl.lit("", dtype=pl.String)
    return pl.concat_str(parts, separator=separator, ignore_nulls=True)


def _decide_rows(
    records: pl.DataFrame, header: tuple[str, ...], plan: HeaderPlan, rules: Rules
) -> pl.DataFrame:
    """Add blank flag, E.164, reasons and details to every record."""
    records = _with_problem_columns(records)
    width = len(header)
    number = plan.number_index
    if number is not None:
        # Decided once into a struct column: each struct.field of the expression itself
        # would run the whole decision again.
        decided = phones.normalize_numbers(pl.col(field_name(number)), rules.region)
        records = records.with_columns(decided.alias(NUMBER_STRUCT))
        normalized = pl.col(NUMBER_STRUCT)
        number_columns = [
            normalized.struct.field(phones.E164).alias(E164),
            normalized.struct.field(phones.ERROR).alias(NUMBER_ERROR),
            normalized.struct.field(phones.WARNING).alias(NUMBER_WARNING),
            normalized.struct.field(phones.HINT).alias(NUMBER_HINT),
        ]
    else:
        number_columns = [
            pl.lit(None, pl.String).alias(c)
            for c in (E164, NUMBER_ERROR, NUMBER_WARNING, NUMBER_HINT)
        ]
    rows = records.with_columns(_blank_record(width).alias(BLANK), *number_columns).drop(
        NUMBER_STRUCT, strict=False
    )
    ragged = pl.col(FIELDS) != width
    reasons = [pl.lit(str(code)) for code in plan.blocking]
    reasons += [
        pl.col(PROBLEM_CODE),
        pl.when(ragged).then(pl.lit(str(Code.RAGGED_ROW))),
        pl.col(NUMBER_ERROR),
    ]
    details = [pl.lit(f"the file has {code}: {DESCRIPTION[code]}") for code in plan.blocking]
    details += [
        pl.col(PROBLEM_DETAIL),
        pl.when(ragged).then(
            pl.format("has {} fields; the header has {}", pl.col(FIELDS), pl.lit(width))
        ),
        _number_detail(number, rules.region),
    ]
    rows = rows.with_columns(_join(reasons, ";").alias(REASON), _join(details, "; ").alias(DETAIL))
    key = pl.when((pl.col(REASON) == "") & ~pl.col(BLANK)).then(pl.col(E164))
    first_line = pl.col(LINE).min().over(key)
    duplicate = key.is_not_null() & (pl.col(LINE) != first_line)
    return rows.with_columns(
        pl.when(duplicate).then(first_line).alias(DUPLICATE_OF),
    ).with_columns(
        pl.when(duplicate)
        .then(pl.lit(str(Code.DUPLICATE_NUMBER)))
        .otherwise(pl.col(REASON))
        .alias(REASON),
        pl.when(duplicate)
        .then(pl.format("duplicate of line {} ({})", pl.col(DUPLICATE_OF), pl.col(E164)))
        .otherwise(pl.col(DETAIL))
        .alias(DETAIL),
    )


SEEN_KEY = "_seen_key"
SEEN_LINE = "_seen_line"


def no_numbers_seen() -> pl.DataFrame:
    """The numbers kept so far when checking in batches: none yet."""
    return pl.DataFrame(schema={SEEN_KEY: pl.Int64(), SEEN_LINE: pl.Int64()})


def carry_duplicates(rows: pl.DataFrame, seen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mark decided rows whose number an earlier batch kept; return them and the numbers kept.

    ``seen`` holds each kept number (E.164 digits as an integer: 16 bytes a number) with the
    line of its first occurrence, so duplicates are found across the whole file.
    """
    candidate = ~pl.col(BLANK) & ((pl.col(REASON) == "") | pl.col(DUPLICATE_OF).is_not_null())
    key = pl.col(E164).str.strip_prefix("+").cast(pl.Int64)
    keyed = rows.with_columns(pl.when(candidate).then(key).alias(SEEN_KEY))
    # A semi join probes the (large) numbers kept with the batch's (small) hash table; only
    # the few numbers found are joined back onto the batch.
    found = seen.join(keyed.select(pl.col(SEEN_KEY).drop_nulls()), on=SEEN_KEY, how="semi")
    joined = keyed.join(found, on=SEEN_KEY, how="left", maintain_order="left")
    earlier = pl.col(SEEN_LINE).is_not_null()
    # The same reason and detail _decide_rows gives a duplicate within one batch.
    marked = joined.with_columns(
        pl.coalesce(SEEN_LINE, DUPLICATE_OF).alias(DUPLICATE_OF),
        pl.when(earlier)
        .then(pl.lit(str(Code.DUPLICATE_NUMBER)))
        .otherwise(pl.col(REASON))
        .alias(REASON),
        pl.when(earlier)
        .then(pl.format("duplicate of line {} ({})", pl.col(SEEN_LINE), pl.col(E164)))
        .otherwise(pl.col(DETAIL))
        .alias(DETAIL),
    )
    kept = marked.filter(pl.col(SEEN_KEY).is_not_null() & (pl.col(REASON) == ""))
    seen = pl.concat([seen, kept.select(SEEN_KEY, pl.col(LINE).alias(SEEN_LINE))])
    return marked.drop(SEEN_KEY, SEEN_LINE), seen


def _number_detail(number: int | None, region: str) -> pl.Expr:
    if number is None:
        return pl.lit(None, pl.String)
    value = pl.col(field_name(number))
    error = pl.col(NUMBER_ERROR)
    return (
        pl.when(error == Code.MISSING_NUMBER)
        .then(pl.lit("the number cell is empty"))
        .when(error == Code.EXCEL_MANGLED_NUMBER)
        .then(pl.format("'{}' was damaged by a spreadsheet: digits are lost", value))
        .when((error == Code.INVALID_NUMBER) & pl.col(NUMBER_HINT).is_not_null())
        .then(
            pl.format(
                f"'{{}}' is not a valid phone number (default region {region}); "
                "with a + in front it would be {}: check whether a + was left out",
                value,
                pl.col(NUMBER_HINT),
            )
        )
        .when(error == Code.INVALID_NUMBER)
        .then(pl.format(f"'{{}}' is not a valid phone number (default region {region})", value))
    )


def _row_message(code: Code, count: int) -> str:
    rows = "1 row" if count == 1 else f"{count} rows"
    return f"{rows}: {DESCRIPTION[code]}"


def _masked_finding(
    rows: pl.DataFrame, code: Code, cells: list[tuple[str | None, pl.Expr, pl.Expr]], count: int
) -> Finding:
    """One finding for the ``count`` rows where any (column, mask, value) cell matches."""
    samples = [
        rows.lazy()
        .filter(mask)
        .head(MAX_EXAMPLES)
        .select(
            pl.col(LINE),
            pl.lit(column, pl.String).alias("column"),
            value.alias("value"),
            pl.col(DETAIL),
        )
        for column, mask, value in cells
    ]
    merged = pl.concat(samples).sort(LINE, maintain_order=True).head(MAX_EXAMPLES).collect()
    examples = tuple(
        Example(
            line=r[LINE],
            column=r["column"],
            value=r["value"],
            detail=r[DETAIL] or None if code in _DETAILED else None,
        )
        for r in merged.iter_rows(named=True)
    )
    return Finding(code=code, count=count, message=_row_message(code, count), examples=examples)


def _counted(
    rows: pl.DataFrame, plans: list[tuple[Code, list[tuple[str | None, pl.Expr, pl.Expr]]]]
) -> list[Finding]:
    """Findings of the plans that match any row: every count in one pass, examples only
    for the codes found."""
    planned = [(code, cells) for code, cells in plans if cells]
    counts = rows.select(
        pl.any_horizontal(mask for _, mask, _ in cells).sum().alias(str(i))
        for i, (_, cells) in enumerate(planned)
    ).row(0)
    return [
        _masked_finding(rows, code, cells, count)
        for (code, cells), count in zip(planned, counts, strict=True)
        if count
    ]


_DETAILED = {
    Code.DUPLICATE_NUMBER,
    Code.RAGGED_ROW,
    Code.INVALID_NUMBER,
    *(c for c in _STRUCTURE_CODES if SEVERITY[c] is Severity.ERROR),
}


def _row_findings(rows: pl.DataFrame, header: tuple[str, ...], plan: HeaderPlan) -> list[Finding]:
    contact = ~pl.col(BLANK)
    clean = contact & (pl.col(REASON) == "")
    number = plan.number_index
    number_name = header[number] if number is not None else None
    number_value = pl.col(field_name(number)) if number is not None else pl.lit(None, pl.String)
    kept = [(i, t) for i, t in enumerate(plan.targets) if t is not None]
    others = [(header[i], pl.col(field_name(i))) for i, t in kept if t != NUMBER_COLUMN]
    kept_cells = [(header[i], pl.col(field_name(i))) for i, _ in kept]
    number_is = pl.col(NUMBER_ERROR).fill_null("").eq
    number_warns = pl.col(NUMBER_WARNING).fill_null("").eq
    email = [(header[i], pl.col(field_name(i))) for i, t in kept if t == "email"]
    number_formula = [] if number is None else [(number_name, number_value, pl.col(E164).is_null())]
    plans: list[tuple[Code, list[tuple[str | None, pl.Expr, pl.Expr]]]] = [
        (Code.BLANK_ROW, [(None, pl.col(BLANK), pl.lit(None, pl.String))]),
        (
            Code.RAGGED_ROW,
            [
                (
                    None,
                    contact & (pl.col(FIELDS) != len(header)),
                    pl.format("{} fields", pl.col(FIELDS)),
                )
            ],
        ),
        *(
            (
                code,
                [(_NO_COLUMN, contact & _has_problem(code), pl.lit(None, pl.String))],
            )
            for code in _STRUCTURE_CODES
            if SEVERITY[code] is Severity.ERROR
        ),
        (
            Code.MULTILINE_FIELD,
            [
                (
                    _NO_COLUMN,
                    contact & _has_problem(Code.MULTILINE_FIELD, WARNING_CODE),
                    pl.col(WARNING_DETAIL),
                )
            ],
        ),
        *(
            (code, [(number_name, contact & number_is(str(code)), number_value)])
            for code in (Code.MISSING_NUMBER, Code.EXCEL_MANGLED_NUMBER, Code.INVALID_NUMBER)
        ),
        (
            Code.DUPLICATE_NUMBER,
            [(number_name, contact & pl.col(DUPLICATE_OF).is_not_null(), number_value)],
        ),
        (
            Code.NUMBER_NORMALIZED,
            [(number_name, clean & (pl.col(E164) != number_value), number_value)],
        ),
        *(
            (code, [(number_name, contact & number_warns(str(code)), number_value)])
            for code in (Code.NUMBER_LETTERS_DROPPED, Code.NUMBER_EXTENSION_DROPPED)
        ),
        (Code.INVALID_EMAIL, [(c, contact & checks.invalid_email(v), v) for c, v in email]),
        (
            Code.FORMULA_LIKE_VALUE,
            [(c, contact & checks.formula_like(v), v) for c, v in others]
            + [
                (c, contact & checks.formula_like(v) & exempt_not, v)
                for c, v, exempt_not in number_formula
            ],
        ),
        (
            Code.VALUE_TOO_LONG,
            [(c, contact & checks.too_long(v, MAX_VALUE_LENGTH), v) for c, v in others],
        ),
        (
            Code.REPLACEMENT_CHARACTER,
            [(c, contact & checks.has_replacement_character(v), v) for c, v in kept_cells],
        ),
        (Code.VALUE_TRIMMED, [(c, clean & checks.needs_trim(v), v) for c, v in others]),
    ]
    return _counted(rows, plans)


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


def _clean_frame(clean_rows: pl.DataFrame, plan: HeaderPlan) -> pl.DataFrame:
    if plan.blocking:
        return pl.DataFrame(schema={NUMBER_COLUMN: pl.String()})
    position = {t: i for i, t in enumerate(plan.targets) if t is not None}
    columns = [
        pl.col(E164).alias(name)
        if name == NUMBER_COLUMN
        else pl.col(field_name(position[name])).str.strip_chars().fill_null("").alias(name)
        for name in plan.output
    ]
    return clean_rows.select(columns)


def unique_names(names: list[str]) -> list[str]:
    """Names made unique (and non-blank) by a numeric suffix, first spelling kept as is."""
    seen: set[str] = set()
    result = []
    for index, name in enumerate(names):
        candidate = name if name.strip() else f"column_{index + 1}"
        base, n = candidate, 2
        while candidate in seen:
            candidate, n = f"{base}_{n}", n + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def _rejects_frame(rejected: pl.DataFrame, header: tuple[str, ...]) -> pl.DataFrame:
    names = unique_names(["line", "reason", "detail", *header, "extra_fields"])
    originals = [
        checks.neutralize_formula(pl.col(field_name(i))).alias(names[3 + i])
        for i in range(len(header))
    ]
    extra = checks.neutralize_formula(pl.col(EXTRA).list.join(",")).alias(names[-1])
    has_extra = rejected.select(pl.col(EXTRA).is_not_null().any()).item()
    return rejected.select(
        pl.col(LINE).alias("line"),
        pl.col(REASON).alias("reason"),
        pl.col(DETAIL).alias("detail"),
        *originals,
        *([extra] if has_extra else []),
    )
