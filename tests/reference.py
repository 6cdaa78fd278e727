"""The reference every number test compares with: phonenumbers itself, asked at run time."""

from __future__ import annotations

import phonenumbers


def libphonenumber_e164(value: str, region: str | None) -> str | None:
    """``parse`` + ``is_valid_number`` + ``format_number(E164)``; None when not valid."""
    try:
        number = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
