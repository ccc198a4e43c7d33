"""The active theme's design tokens: one JSON file read by pages, emails and the guide book."""

import json
from functools import cache

from django.conf import settings


@cache
def tokens():
    with open(settings.THEME_DIR / "tokens.json", encoding="utf-8") as handle:
        return json.load(handle)


def css_variables():
    """The tokens as CSS custom properties (``--color-brand: #0B5FFF;`` ...)."""
    data = tokens()
    lines = []
    for group, prefix in (("colors", "color"), ("fonts", "font")):
        for name, token in data.get(group, {}).items():
            lines.append(f"--{prefix}-{name}: {token['value']};")
    for group, prefix in (("type_scale", "size"), ("spacing", "space"), ("radius", "radius")):
        for name, value in data.get(group, {}).items():
            lines.append(f"--{prefix}-{name}: {value};")
    return "\n".join(lines)


def color(name):
    return tokens()["colors"][name]["value"]
