"""The pandera schema of a clean (upload-ready) frame; the only module that imports pandera."""

from __future__ import annotations

from typing import Any

import pandera.polars as pa
import polars as pl

from .phones import E164, normalize_numbers
from .rules import MAX_VARIABLES, NUMBER_COLUMN, STANDARD_COLUMNS, VARIABLE_NAME, ListType

E164_PATTERN = r"^\+[1-9]\d{1,14}$"


def _valid_e164(data: pa.PolarsData) -> pl.LazyFrame:
    value = pl.col(data.key)
    decided = normalize_numbers(value, region="ZZ").struct.field(E164)
    return data.lazyframe.select((decided == value).fill_null(False))


def _number_first(data: pa.PolarsData) -> bool:
    return bool(data.lazyframe.collect_schema().names()[:1] == [NUMBER_COLUMN])


def _variables_ok(max_variables: int) -> pa.Check:
    def check(data: pa.PolarsData) -> bool:
        names = data.lazyframe.collect_schema().names()
        variables = [n for n in names if n not in STANDARD_COLUMNS]
        return len(variables) <= max_variables and all(VARIABLE_NAME.match(n) for n in variables)

    return pa.Check(check, error=f"at most {max_variables} variables, named with [A-Za-z0-9_]")


def contact_schema(
    list_type: ListType | str = ListType.STATIC, *, max_variables: int = MAX_VARIABLES
) -> pa.DataFrameSchema:
    """The schema every clean frame of this list type passes.

    ``number`` is first, a valid E.164 number, unique; the standard columns are optional
    strings; a static list allows nothing else, a dynamic one at most ``max_variables``
    variables with valid names.
    """
    kind = ListType(list_type)
    columns: dict[str, Any] = {
        NUMBER_COLUMN: pa.Column(
            pl.String,
            checks=[
                pa.Check.str_matches(E164_PATTERN),
                pa.Check(_valid_e164, error="a valid phone number in E.164"),
            ],
            unique=True,
            nullable=False,
        )
    }
    columns |= {
        name: pa.Column(pl.String, nullable=True, required=False)
        for name in STANDARD_COLUMNS
        if name != NUMBER_COLUMN
    }
    checks = [pa.Check(_number_first, error="'number' is the first column")]
    if kind is ListType.DYNAMIC:
        checks.append(_variables_ok(max_variables))
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        strict=kind is ListType.STATIC,
        name=f"exotel-{kind}-contacts",
    )
