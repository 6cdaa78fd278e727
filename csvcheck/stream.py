"""Large inputs, checked batch by batch with bounded memory.

A master file of millions of rows is read twice, in blocks, and never held whole:

1. the start is sniffed (binary? encoding, BOM, delimiter), then one pass over every block
   confirms that encoding decodes the whole file, and hashes it;
2. a second pass cuts the bytes into batches of whole records (a cut never falls inside a
   quoted field: :func:`batches.record_end` follows the quotes exactly as the CSV reader does),
   parses each batch with the header in front, and runs the same per-record stages as a
   check in memory. Duplicates are carried across batches (every number kept so far, with
   the line of its first occurrence), findings are summed with their first examples in file
   order, and clean rows stream into parts while rejects are spilled to disk. Batches after
   the first are parsed and decided on worker threads, and taken in file order.

The result is the report a check in memory gives, with the same findings, stats and outputs.
Inputs this cannot stream (an encoding where a byte may be half a character, a late byte the
sniffed encoding cannot decode, standard input) are checked in memory.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from . import findings, phones
from . import pipeline as pipe
from . import rows as per_record
from .batches import Chunk, chunks, confirm_encoding, sniff_start
from .headers import HeaderPlan, resolve_headers
from .output import (
    CleanWriter,
    RejectsWriter,
    output_stem,
    prepare_folder,
    write_report,
)
from .read import parse_utf8
from .report import MAX_EXAMPLES, Code, Finding, InputInfo, Outputs, Report, Stats
from .rules import Rules
from .sniff import Sniffed, line_endings
from .split import Splitter

STREAM_THRESHOLD = 12_000_000
"""Files larger than this many bytes are checked in batches.

A check in memory peaks at about 20 times the file's size (a 12 MB file: ~270 MB RSS, a
16 MB one: ~300 MB); batches of :data:`BATCH_BYTES` keep any larger file near that peak.
"""
BATCH_BYTES = 4_000_000
"""Bytes read per batch (a batch grows to the end of the record it stops in).

The balance between speed and memory, measured on the 500,000-row, 48 MB benchmark file
(the check as a whole process, two workers two batches ahead, 5 alternated runs each;
2026-11-26, on a busy machine: the times compare with each other only):

=========  ================  ============
batch      median seconds    peak RSS MiB
=========  ================  ============
3 MB       2.15              216
4 MB       2.11              242
6 MB       1.92              302
8 MB       2.04              337
=========  ================  ============

From 6 MB the peak passes 6x that file's size (issue 4's bound); below 4 MB the fixed
work of each batch (a few dozen polars calls) starts to show.
"""

WORKERS = 2
"""Worker threads preparing batches (polars' own threads share the same two cores)."""
AHEAD = 2
"""Batches prepared ahead of the one absorbed: each holds its rows in memory. One ahead
was ~0.1 s slower on the benchmark file; three ahead no faster, with ~10 MB more."""

NUMBER_CACHE_LIMIT = 200_000
"""Distinct numbers phones may keep decided between batches (about 400 bytes each)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a batched check has come."""

    bytes_read: int
    total_bytes: int
    rows_read: int
    parts: int
    """Clean parts started so far."""


ProgressCallback = Callable[[Progress], None]


def check_path(
    path: str | Path,
    *,
    rules: Rules,
    out_dir: Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Check a file (``-`` for standard input) and write its outputs when ``out_dir`` is given.

    Files above :data:`STREAM_THRESHOLD` bytes are checked in batches with bounded memory.
    """
    if str(path) != "-" and _size(Path(path)) > STREAM_THRESHOLD:
        return check_large(
            path,
            rules=rules,
            out_dir=out_dir,
            encoding=encoding,
            delimiter=delimiter,
            progress=progress,
        )
    return _in_memory(path, rules, out_dir, encoding, delimiter)


def _in_memory(
    path: str | Path,
    rules: Rules,
    out_dir: Path | None,
    encoding: str | None,
    delimiter: str | None,
) -> Report:
    result = pipe.check_file(path, rules=rules, encoding=encoding, delimiter=delimiter)
    return result.write(out_dir) if out_dir is not None else result.report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the check in memory reports why it cannot be read


def check_large(
    path: str | Path,
    *,
    rules: Rules,
    out_dir: Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    batch_bytes: int = BATCH_BYTES,
    progress: ProgressCallback | None = None,
) -> Report:
    """Check a file batch by batch; the report equals the one a check in memory gives."""
    rules = pipe._validated(rules)
    source = Path(path)
    sniffed = sniff_start(source, encoding, delimiter)
    digest = confirm_encoding(source, sniffed.encoding) if sniffed else None
    if sniffed is None or digest is None:
        return _in_memory(path, rules, out_dir, encoding, delimiter)
    sniffed = replace(sniffed, text="")  # the sample is not needed any more
    check = _BatchedCheck(str(path), sniffed, rules, out_dir, _size(source), digest)
    try:
        _check_batches(check, chunks(source, sniffed, batch_bytes), progress)
        return check.finish()
    except _NoHeaderError:
        check.abort()  # only blank lines in the first batch: a rare file, checked in memory
        return _in_memory(path, rules, out_dir, encoding, delimiter)
    except BaseException:
        check.abort()
        raise


def _check_batches(
    check: _BatchedCheck, batches: Iterator[Chunk], progress: ProgressCallback | None
) -> None:
    """Prepare batches on worker threads, up to :data:`AHEAD` of the one absorbed, in order.

    Preparing is most of a batch's work and polars runs it without the GIL, so the next
    batches are prepared while this one's duplicates, findings and rows are absorbed.
    """

    def absorb(chunk: Chunk, rows: pl.DataFrame) -> None:
        check.absorb(chunk, rows)
        if progress is not None:
            progress(check.progress(chunk.end))

    pending: deque[tuple[Chunk, Future[pl.DataFrame]]] = deque()
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="csvcheck-batch") as pool:
        try:
            for chunk in batches:
                if check.splitter is None:  # the first batch finds the header: prepared here
                    absorb(chunk, check.prepare(chunk))
                    continue
                pending.append((chunk, pool.submit(check.prepare, chunk)))
                if len(pending) > AHEAD:
                    chunk, prepared = pending.popleft()
                    absorb(chunk, prepared.result())
            while pending:
                chunk, prepared = pending.popleft()
                absorb(chunk, prepared.result())
        finally:
            for _, prepared in pending:  # after a failure: nothing more is prepared
                prepared.cancel()


class _BatchedCheck:
    """The state of a check carried from one batch to the next.

    Mutable on purpose: it accumulates stats, findings, the numbers kept so far, the open
    part and the writers, batch after batch.
    """

    def __init__(
        self,
        name: str,
        sniffed: Sniffed,
        rules: Rules,
        out_dir: Path | None,
        size: int,
        digest: str,
    ) -> None:
        self.name, self.path = name, Path(name)
        self.sniffed, self.rules, self.out_dir = sniffed, rules, out_dir
        self.size, self.digest = size, digest
        self.header: tuple[str, ...] = ()
        self.prefix = ""
        self.plan = HeaderPlan(targets=())
        self.file_findings: list[Finding] = []
        self.row_findings: list[Finding] = []
        self.stats = Stats(0, 0, 0, 0)
        self.records = 0
        self.breaks = (0, 0, 0)
        self.seen = per_record.no_numbers_seen()
        self.splitter: Splitter | None = None
        self.clean: CleanWriter | None = None
        self.rejects: RejectsWriter | None = None

    def prepare(self, chunk: Chunk) -> pl.DataFrame:
        """The batch's records with every per-record decision that needs no other batch.

        Runs on a worker thread for every batch after the first: it reads only what the
        first batch set (header, prefix, plan, rules).
        """
        splitter = self.splitter
        offset = 0 if splitter is None else chunk.first_line - (_breaks(self.prefix) + 1)
        batch = chunk.behind(self.prefix.encode())
        parsed = parse_utf8(batch.data, self.sniffed.delimiter, offset, line_breaks=batch.breaks)
        if splitter is None:
            self._start(parsed.header, chunk.breaks)
        records = per_record.with_problems(parsed)
        # Without outputs only examples are shown: their few hints are added in absorb().
        hints = self.out_dir is not None
        return per_record.decide_rows(
            records, self.header, self.plan, self.rules, details=False, hints=hints
        )

    def absorb(self, chunk: Chunk, rows: pl.DataFrame) -> None:
        """Add a prepared batch, in file order: duplicates of earlier batches, findings,
        stats, and its rows written."""
        if self.splitter is None:  # prepare() of the first batch starts it
            raise _NoHeaderError
        self.records += rows.height
        crlf, lf, cr = self.breaks
        self.breaks = (crlf + chunk.breaks[0], lf + chunk.breaks[1], cr + chunk.breaks[2])
        rows, self.seen = per_record.carry_duplicates(rows, self.seen)
        # One chunk per column: polars 2.1 can panic (a string view read out of bounds) when
        # the details are formatted on filtered rows whose string columns have several.
        rows = rows.rechunk()
        # Codes with all their examples from earlier batches need only their counts.
        full = {f.code for f in self.row_findings if len(f.examples) >= MAX_EXAMPLES}
        wanted = [code for code in Code if code not in full]
        if self.out_dir is None and Code.INVALID_NUMBER in wanted:
            rows = per_record.with_example_hints(rows, self.plan, self.rules)
        # Details only for the rows written as rejects or shown as examples.
        detail = per_record.detail_of(self.header, self.plan, self.rules)
        found = findings.row_findings(rows, self.header, self.plan, wanted, detail)
        self.row_findings = merge_findings(self.row_findings, found)
        self.stats = _add(self.stats, _contact_stats(rows))
        # No value-trimmed finding: no clean value has white space around it to strip.
        trim = any(f.code is Code.VALUE_TRIMMED for f in found)
        self._write(rows, self.splitter, trim, detail)
        _bound_number_cache()

    def _start(self, header: tuple[str, ...], breaks: tuple[int, int, int]) -> Splitter:
        if not header:
            raise _NoHeaderError
        self.header = header
        self.prefix = _header_line(header, self.sniffed.delimiter, _line_break_of(breaks))
        self.plan = resolve_headers(header, self.rules)
        self.file_findings += self.plan.findings
        self.splitter = Splitter(self.rules, self.plan.output)
        if self.out_dir is not None:
            prepare_folder(self.out_dir)
            stem = output_stem(self.name, True)
            self.clean = CleanWriter(self.out_dir, stem, self.plan.output, self.path)
            self.rejects = RejectsWriter(self.out_dir, stem, self.path)
        return self.splitter

    def _write(self, rows: pl.DataFrame, splitter: Splitter, trim: bool, detail: pl.Expr) -> None:
        contact = ~pl.col(per_record.BLANK)
        is_clean = pl.col(per_record.REASON) == ""
        # Lazy, so each filter copies only the columns its output reads.
        clean_rows = rows.lazy().filter(contact & is_clean)
        clean = per_record.clean_frame(clean_rows, self.plan, trim=trim).collect()
        # The batch as CSV first: when it fits in the open part whole (most batches), its
        # size is all the splitter needs and these bytes are what the part gets.
        written = io.BytesIO()
        clean.write_csv(written, include_header=False)
        for list_number, part_rows in splitter.feed_written(clean, written.getbuffer()):
            if self.clean is not None:
                self.clean.append(list_number, part_rows)
        if self.rejects is not None:
            rejected = rows.filter(contact & ~is_clean)
            self.rejects.append(per_record.rejects_frame(rejected, self.header, detail))

    def progress(self, bytes_read: int) -> Progress:
        parts = len(self.splitter.parts) if self.splitter else 0
        return Progress(bytes_read, self.size, self.records, parts)

    def finish(self) -> Report:
        """The report, with the outputs written when there is an output folder."""
        if self.splitter is None:
            raise _NoHeaderError
        info = InputInfo(
            path=self.name,
            bytes=self.size,
            sha256=self.digest,
            encoding=self.sniffed.encoding,
            bom=self.sniffed.bom,
            delimiter=self.sniffed.delimiter,
            line_endings=_line_endings_of(self.breaks),
            records=self.records,
        )
        whole = replace(self.sniffed, line_endings=info.line_endings)
        found = pipe._sniff_findings(whole, self.size) + self.file_findings + self.row_findings
        parts = self.splitter.parts
        report = pipe.build_report(
            self.header, self.plan, self.rules, info, found, self.stats, parts
        )
        if self.out_dir is None or self.clean is None or self.rejects is None:
            return report
        written = self.clean.finish(parts)
        rejects = self.rejects.finish()
        report_path = self.out_dir / f"{output_stem(self.name, True)}.report.json"
        report = replace(report, outputs=Outputs(written, rejects, str(report_path)))
        write_report(report, report_path, self.path)
        return report

    def abort(self) -> None:
        """Remove temporary files after a failure."""
        if self.clean is not None:
            self.clean.abort()
        if self.rejects is not None:
            self.rejects.abort()


def _bound_number_cache() -> None:
    """Keep phones' cache of decided numbers from growing with the file.

    phones decides each distinct value once and caches it without bound: right for one
    upload, over a gigabyte for millions of distinct numbers. Each batch still decides its own
    distinct values once; past the limit the cache starts again. Does nothing if phones keeps
    no such cache.
    """
    decide = getattr(phones, "_decide", None)
    info = getattr(decide, "cache_info", None)
    if callable(info) and info().currsize > NUMBER_CACHE_LIMIT:
        decide.cache_clear()  # type: ignore[union-attr]


class _NoHeaderError(Exception):
    """The first batch holds no header row (only blank lines)."""


def _header_line(header: tuple[str, ...], delimiter: str, line_break: str) -> str:
    """The header as one CSV record, to put in front of every later batch."""
    quote = {delimiter, '"', "\r", "\n"}
    cells = ['"' + h.replace('"', '""') + '"' if quote & set(h) else h for h in header]
    return delimiter.join(cells) + line_break


def _line_break_of(breaks: tuple[int, int, int]) -> str:
    """The line break a batch uses when it uses one kind (CRLF, LF, CR counts), else LF.

    The header put in front of later batches ends with it, so that a file with one kind of
    line break stays one kind for the fast reader (a lone CR among LFs sends a batch to the
    slower csv reader).
    """
    crlf, lf, cr = breaks
    if cr and not lf and not crlf:
        return "\r"
    return "\r\n" if crlf and not lf and not cr else "\n"


def _breaks(text: str) -> int:
    """Physical line breaks in text, counted as the CSV reader counts lines."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _line_endings_of(breaks: tuple[int, int, int]) -> str:
    # sniff names the style from text; a few characters with the same kinds give the same name.
    crlf, lf, cr = breaks
    return line_endings("\r\n" * bool(crlf) + "\n" * bool(lf) + "x\r" * bool(cr))


def _contact_stats(rows: pl.DataFrame) -> Stats:
    """The stats pipeline.contact_stats gives, counted in one pass over all decided rows."""
    contact = ~pl.col(per_record.BLANK)
    reason = pl.col(per_record.REASON)
    total, success, duplicate = rows.select(
        contact.sum().alias("total"),
        (contact & (reason == "")).sum().alias("success"),
        (contact & (reason == Code.DUPLICATE_NUMBER)).sum().alias("duplicate"),
    ).row(0)
    return Stats(total, success, duplicate, total - success - duplicate)


def _add(a: Stats, b: Stats) -> Stats:
    return Stats(
        a.total + b.total, a.success + b.success, a.duplicate + b.duplicate, a.failed + b.failed
    )


def merge_findings(found: list[Finding], more: list[Finding]) -> list[Finding]:
    """Row findings of two batches: counts summed, the first examples in file order kept."""
    merged = {f.code: f for f in found}
    for finding in more:  # a loop over finding codes (a dozen), not rows
        earlier = merged.get(finding.code)
        merged[finding.code] = finding if earlier is None else _combine(earlier, finding)
    return findings.in_code_order(list(merged.values()))


def _combine(first: Finding, later: Finding) -> Finding:
    count = first.count + later.count
    return replace(
        first,
        count=count,
        message=findings.row_message(first.code, count),
        examples=(first.examples + later.examples)[:MAX_EXAMPLES],
    )
