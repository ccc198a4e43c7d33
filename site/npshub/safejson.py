"""JSON from outside (API bodies, webhooks, pulled answers) read safely: a body nested deeper than
``MAX_DEPTH`` or holding text that is not valid Unicode (a lone surrogate such as ``"\\ud800"``,
which JSON allows but no database stores) is refused with ``BadJSON`` naming the problem and where.

    data = safejson.loads(body)          # bytes or str; raises BadJSON (a ValueError)
"""

import json

MAX_DEPTH = 32


class BadJSON(ValueError):
    """The body is not JSON we accept; the message says why (and where)."""


def _where(path):
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _check_text(text, path):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise BadJSON(f"JSON text at {_where(path)} is not valid Unicode: a lone surrogate "
                      f"\\u{ord(char):04x}.") from None


def check(data):
    """Walk ``data`` (without recursion) checking depth and text; returns ``data``."""
    stack = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise BadJSON(f"JSON is nested deeper than {MAX_DEPTH} levels (at {_where(path[:8])}…).")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key, path)
                    stack.append((item, (*path, key[:40]), depth + 1))
            else:
                stack.extend((item, (*path, index), depth + 1) for index, item in enumerate(value))
    return data


def loads(body, parse_constant=None):
    """Parse and check; bytes are read as UTF-8."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadJSON(f"The body is not UTF-8 text (byte {exc.start}).") from None
    try:
        data = json.loads(body, parse_constant=parse_constant)
    except RecursionError:
        raise BadJSON(f"JSON is nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError as exc:
        raise BadJSON(f"JSON parse error - {exc}") from None
    return check(data)
