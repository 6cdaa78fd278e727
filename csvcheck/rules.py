"""Exotel's rules for a bulk contact upload, in one place, overridable.

Values come from Exotel's API and campaign docs (see DESIGN.md). The vendor can change them,
so every limit can be overridden from the command line and the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class ListType(StrEnum):
    """Exotel list type: a static list takes only standard columns, a dynamic one variables."""

    STATIC = "static"
    DYNAMIC = "dynamic"


NUMBER_COLUMN = "number"
STANDARD_COLUMNS: tuple[str, ...] = (
    "number",
    "first_name",
    "last_name",
    "company_name",
    "email",
    "tag",
)
STATIC_MAX_ROWS = 100_000
DYNAMIC_MAX_ROWS = 500_000
MAX_BYTES = 60_000_000  # "under 60 MB": decimal megabytes, the stricter reading
MAX_VARIABLES = 5
MAX_VALUE_LENGTH = 255  # not documented by Exotel; longer cells are flagged for a person to look
VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
DEFAULT_REGION = "IN"

# Header spellings (after trim, case-fold, spaces/hyphens to "_") that certainly mean a column.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "phone",
            "phone_number",
            "phone_no",
            "phonenumber",
            "mobile",
            "mobile_number",
            "mobile_no",
            "mobilenumber",
            "mobile_phone",
            "cell",
            "cell_phone",
            "cell_number",
            "cellphone",
            "contact",
            "contact_number",
            "contact_no",
            "msisdn",
            "telephone",
            "tel",
            "whatsapp_number",
            "num",
            "number",
        ),
        "number",
    ),
    **dict.fromkeys(("firstname", "first", "given_name", "fname"), "first_name"),
    **dict.fromkeys(("lastname", "last", "surname", "family_name", "lname"), "last_name"),
    **dict.fromkeys(("company", "companyname", "organization", "organisation"), "company_name"),
    **dict.fromkeys(("e_mail", "email_address", "mail", "email_id"), "email"),
    **dict.fromkeys(("tags",), "tag"),
}


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything a check depends on besides the data."""

    list_type: ListType = ListType.STATIC
    """Exotel list type."""
    region: str = DEFAULT_REGION
    """Region (ISO 3166 alpha-2) for numbers written without a country code."""
    existing: int = 0
    """Contacts already in the target static list; they count against its cap."""
    strict: bool = False
    """Warnings and fixes fail the check too."""
    max_rows: int | None = None
    """Contacts per list; None means Exotel's cap for the list type."""
    max_bytes: int = MAX_BYTES
    """A file must be strictly smaller than this many bytes."""
    max_variables: int = MAX_VARIABLES
    """Variable columns allowed in a dynamic list."""
    mapping: tuple[tuple[str, str], ...] = field(default=())
    """Explicit header mapping as (target, source header) pairs, from --map."""

    @property
    def row_cap(self) -> int:
        """Contacts one list may take, before counting existing contacts."""
        if self.max_rows is not None:
            return self.max_rows
        return STATIC_MAX_ROWS if self.list_type is ListType.STATIC else DYNAMIC_MAX_ROWS

    @property
    def first_part_cap(self) -> int:
        """Contacts the target list can still take (the cap less ``existing``)."""
        return max(self.row_cap - self.existing, 0)

    @property
    def allowed_columns(self) -> tuple[str, ...]:
        return STANDARD_COLUMNS
