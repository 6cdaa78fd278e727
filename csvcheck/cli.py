"""The command line: parse options, call the library, render, choose the exit code."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from . import __version__
from .errors import CsvcheckError, UsageError
from .outcome import NotChecked, Outcome
from .render import FORMATS, render, summary_line
from .report import Report
from .rules import DEFAULT_REGION, MAX_BYTES, MAX_VARIABLES, ListType, Rules

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from .stream import Progress, ProgressCallback

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])


def _parse_mapping(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        target, sep, source = value.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise click.BadParameter(
                f"{value!r}: use TARGET=COLUMN, e.g. number=Mobile", param_hint="--map"
            )
        pairs.append((target.strip(), source.strip()))
    return tuple(pairs)


def check_options(command: F) -> F:
    """The options shared by ``check`` and ``upload``."""
    options = [
        click.option(
            "--type",
            "list_type",
            type=click.Choice([t.value for t in ListType]),
            default="static",
            show_default=True,
            help="Exotel list type.",
        ),
        click.option(
            "--region",
            default=DEFAULT_REGION,
            show_default=True,
            help="Region for numbers written without a country code.",
        ),
        click.option(
            "--existing",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            help="Contacts already in the target static list.",
        ),
        click.option("--strict", is_flag=True, help="Warnings and fixes fail the check too."),
        click.option("--encoding", default=None, help="Input encoding (default: detected)."),
        click.option("--delimiter", default=None, help="Input delimiter (default: detected)."),
        click.option(
            "--map",
            "mapping",
            multiple=True,
            metavar="TARGET=COLUMN",
            help="Explicit header mapping, e.g. number=Mobile (repeatable).",
        ),
        click.option(
            "--max-rows",
            type=click.IntRange(min=1),
            default=None,
            help="Contacts per list (default: 100,000 static, 500,000 dynamic).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=MAX_BYTES,
            show_default=True,
            help="A file must be smaller than this.",
        ),
        click.option(
            "--max-variables",
            type=click.IntRange(min=0),
            default=MAX_VARIABLES,
            show_default=True,
            help="Variables allowed in a dynamic list.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def rules_from(options: dict[str, Any]) -> Rules:
    """Rules from the parsed shared options."""
    return Rules(
        list_type=ListType(options["list_type"]),
        region=options["region"],
        existing=options["existing"],
        strict=options["strict"],
        max_rows=options["max_rows"],
        max_bytes=options["max_bytes"],
        max_variables=options["max_variables"],
        mapping=_parse_mapping(options["mapping"]),
    )


def parse_delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1 or value in {'"', "\n", "\r"}:
        raise click.BadParameter(
            "give one character, or tab/comma/semicolon/pipe", param_hint="--delimiter"
        )
    return value


def cannot_run(exc: CsvcheckError) -> click.exceptions.Exit:
    """Print a one-line error and give the exit code for it."""
    click.echo(f"csvcheck: error: {exc}", err=True)
    return click.exceptions.Exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_CANNOT_RUN)


def guarded(command: F) -> F:
    """Turn csvcheck errors into one line and an exit code; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CsvcheckError as exc:
            raise cannot_run(exc) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except MemoryError:
            click.echo("csvcheck: error: out of memory reading the file", err=True)
            raise click.exceptions.Exit(EXIT_CANNOT_RUN) from None
        except Exception as exc:
            if os.environ.get("CSVCHECK_DEBUG"):
                raise
            click.echo(
                f"csvcheck: internal error: {type(exc).__name__}: {exc} (set CSVCHECK_DEBUG=1 for details; please report it)",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_CANNOT_RUN) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar() -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr for a check in batches, only when stderr is a terminal.

    The bar appears with the first batch, so a small file checked at once shows none.
    """
    if not sys.stderr.isatty():
        yield None
        return
    with ExitStack() as stack:
        bars: list[ProgressBar[int]] = []

        def show(done: Progress) -> None:
            if not bars:
                bar = click.progressbar(length=done.total_bytes, label="checking", file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].label = f"{done.rows_read:,} rows read, {done.parts} part(s)"
            bars[0].update(done.bytes_read - bars[0].pos)

        yield show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="csvcheck")
def main() -> None:
    """Check, fix and split a contacts CSV for Exotel's bulk contact upload."""


@main.command()
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(allow_dash=True, path_type=str),
)
@check_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write clean part(s), rejects and report.json here (<stem>.* for each FILE).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format on stdout (one document for all files).",
)
@guarded
def check(files: tuple[str, ...], out_dir: Path | None, output_format: str, **options: Any) -> None:
    """Check each FILE the way Exotel will.

    FILE is a CSV file, a folder (every *.csv in it, sorted by name), a quoted glob pattern,
    or - for standard input. With several files the report covers them all and the exit code
    is the worst one: 3 (a file could not be checked) over 1 (a file fails) over 0.
    """
    from .stream import check_path

    inputs, combined = expand_inputs(files)
    if out_dir is not None:
        refuse_colliding_stems(inputs)
    with progress_bar() as progress:
        run = partial(
            check_path,
            rules=rules_from(options),
            out_dir=out_dir,
            encoding=options["encoding"],
            delimiter=parse_delimiter(options["delimiter"]),
            progress=progress,
        )
        outcomes = [_check_one(item, run, keep_going=combined) for item in inputs]
    if output_format != "text":
        for outcome in outcomes:
            if isinstance(outcome, Report):
                click.echo(summary_line(outcome), err=True)
    color = output_format == "text" and wants_color(sys.stdout)
    text = render(outcomes, output_format, combined=combined, color=color)
    click.echo(text, nl=False, color=color)
    sys.exit(worst_exit(outcomes))


def _check_one(
    item: str | NotChecked,
    run: Callable[[str], Report],
    *,
    keep_going: bool,
) -> Outcome:
    """Check one file; with ``keep_going``, a file that cannot be read becomes a NotChecked."""
    if isinstance(item, NotChecked):
        click.echo(f"csvcheck: error: {item.message}", err=True)
        return item
    try:
        return run(item)
    except UsageError:
        raise
    except CsvcheckError as exc:
        if not keep_going:
            raise
        # Several files: the message must say which one (not every error names its file).
        message = str(exc) if str(exc).startswith(f"{item}:") else f"{item}: {exc}"
        click.echo(f"csvcheck: error: {message}", err=True)
        return NotChecked(item, message)


def expand_inputs(arguments: tuple[str, ...]) -> tuple[list[str | NotChecked], bool]:
    """The files to check, in order and without repeats, and whether the run is combined.

    A folder gives every *.csv file directly inside it (not in subfolders), sorted by name; a
    glob pattern (for shells that do not expand it) gives its matches, sorted. A folder or a
    pattern that gives no file becomes a NotChecked. The run is combined (one report over
    several files) when more than one argument is given or any argument is a folder or a
    pattern, so a script sees the same JSON shape whatever the folder holds.
    """
    found: list[str | NotChecked] = []
    combined = len(arguments) > 1
    for argument in arguments:
        if argument == "-" or not (Path(argument).is_dir() or _is_pattern(argument)):
            found.append(argument)
            continue
        combined = True
        matches = _csv_files_in(argument) if Path(argument).is_dir() else _glob_files(argument)
        found.extend(matches or [NotChecked(argument, f"{argument}: no .csv file here")])
    if sum(1 for item in found if item == "-") > 1:
        raise UsageError("standard input (-) can be checked only once")
    return _unique(found), combined


def _is_pattern(argument: str) -> bool:
    return glob.has_magic(argument) and not Path(argument).exists()


def _csv_files_in(folder: str) -> list[str | NotChecked]:
    children = sorted(Path(folder).iterdir(), key=lambda p: p.name)
    return [str(p) for p in children if p.is_file() and p.suffix.lower() == ".csv"]


def _glob_files(pattern: str) -> list[str | NotChecked]:
    return [m for m in sorted(glob.glob(pattern)) if Path(m).is_file()]


def _unique(found: list[str | NotChecked]) -> list[str | NotChecked]:
    seen: set[str] = set()
    unique: list[str | NotChecked] = []
    for item in found:
        if not isinstance(item, NotChecked):
            key = item if item == "-" else os.path.realpath(item)
            if key in seen:
                continue
            seen.add(key)
        unique.append(item)
    return unique


def refuse_colliding_stems(inputs: list[str | NotChecked]) -> None:
    """Refuse --out when two inputs would write files of the same name (a/x.csv, b/x.csv)."""
    owner: dict[str, str] = {}
    for item in inputs:
        if isinstance(item, NotChecked):
            continue
        stem = "stdin" if item == "-" else Path(item).stem
        other = owner.setdefault(stem.casefold(), item)
        if other != item:
            raise UsageError(
                f"{other} and {item} would both write {stem}.* into --out; "
                "check them in separate runs or rename one"
            )


def wants_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def worst_exit(outcomes: list[Outcome]) -> int:
    """3 when a file could not be checked, else 1 when a file fails, else 0."""
    if any(isinstance(o, NotChecked) for o in outcomes):
        return EXIT_CANNOT_RUN
    return EXIT_OK if all(isinstance(o, Report) and o.valid for o in outcomes) else EXIT_INVALID


# The upload and status commands live in cli_upload.py; importing it registers them on main.
from . import cli_upload  # noqa: E402, F401
