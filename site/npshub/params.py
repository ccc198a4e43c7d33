"""Ids read from outside (query strings, headers, tokens): ASCII digits only ("²".isdigit() is
True, and int() refuses it) and within the database's 64-bit range, so a look-up never overflows.

    pk = params.as_id(request.GET.get("user"))     # None when missing or not an id
"""

MAX_ID = 2**63 - 1


class BadParameter(ValueError):
    """A parameter or field that cannot be used; the message names it and is meant for the reader
    (the API and pages answer 400 with it: npshub.api.errors.BAD_INPUT)."""


def is_number(text):
    """True for a non-empty string of ASCII digits."""
    return isinstance(text, str) and text.isascii() and text.isdecimal()


def as_id(value):
    """The id in ``value`` (an int or a string of ASCII digits, 1..MAX_ID), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif is_number(str(value).strip() if value is not None else None):
        number = int(str(value).strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None
