"""The command line: parse options, call the library, render, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import CsvcheckError, UsageError
from .render import render_json, render_text, summary_line
from .rules import DEFAULT_REGION, MAX_BYTES, MAX_VARIABLES, ListType, Rules

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from .stream import Progress, ProgressCallback

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3
RENDERERS = {"text": render_text, "json": render_json}

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


def _delimiter(value: str | None) -> str | None:
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
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@check_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write clean part(s), rejects and report.json here.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
    help="Report format on stdout.",
)
@guarded
def check(file: str, out_dir: Path | None, output_format: str, **options: Any) -> None:
    """Check FILE (or - for standard input) the way Exotel will."""
    from .stream import check_path

    rules = rules_from(options)
    with progress_bar() as progress:
        report = check_path(
            file,
            rules=rules,
            out_dir=out_dir,
            encoding=options["encoding"],
            delimiter=_delimiter(options["delimiter"]),
            progress=progress,
        )
    if output_format != "text":
        click.echo(summary_line(report), err=True)
    click.echo(RENDERERS[output_format](report), nl=False)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)
