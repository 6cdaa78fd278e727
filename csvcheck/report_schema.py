"""The JSON Schema of the report (``report.schema.json``, shipped inside the package).

Programs that read csvcheck's JSON can validate it with any JSON Schema (2020-12) validator::

    from csvcheck.report_schema import report_schema, validate_report
    problems = validate_report(json.loads(text))   # () when the report is valid
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from .errors import ConfigError

SCHEMA_FILE = "report.schema.json"


@cache
def _schema_text() -> str:
    return files(__package__ or "csvcheck").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def report_schema() -> dict[str, Any]:
    """The report's JSON Schema, as a fresh dict (callers may change it)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def validate_report(data: Mapping[str, Any]) -> tuple[str, ...]:
    """Every way ``data`` breaks the report schema, as ``path: message``; empty when valid.

    Needs the ``jsonschema`` package (in the ``test`` extra), which csvcheck itself does not
    need to run.
    """
    try:
        jsonschema: Any = importlib.import_module("jsonschema")
    except ImportError as exc:
        raise ConfigError("validating a report needs the jsonschema package") from exc
    validator = jsonschema.Draft202012Validator(report_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return tuple(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors)
