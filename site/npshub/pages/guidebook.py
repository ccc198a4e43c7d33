"""The guide book's view of the theme: every swatch, font and size comes from tokens.json."""

from npshub import theme


def _channel(value):
    value = value / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return round((la + 0.05) / (lb + 0.05), 1)


def rgb(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


def token_context():
    tokens = theme.tokens()
    swatches = []
    for name, token in tokens.get("colors", {}).items():
        value = token["value"]
        on_white, on_ink = contrast(value, "#FFFFFF"), contrast(value, "#1A1F2C")
        swatches.append({
            "name": name, "css_var": f"--color-{name}", "value": value, "rgb": "{}, {}, {}".format(*rgb(value)),
            "label": token.get("label", name), "usage": token.get("usage", ""),
            "text_colour": "#FFFFFF" if on_white >= on_ink else "#1A1F2C",
            "contrast_white": on_white, "aa_on_white": on_white >= 4.5,
        })
    fonts = [{"name": n, "css_var": f"--font-{n}", "value": t["value"], "label": t.get("label", n)}
             for n, t in tokens.get("fonts", {}).items()]
    return {
        "brand_name": tokens.get("name", ""),
        "swatches": swatches,
        "fonts": fonts,
        "type_scale": [{"name": n, "css_var": f"--size-{n}", "value": v} for n, v in tokens.get("type_scale", {}).items()],
        "spacing": [{"name": n, "css_var": f"--space-{n}", "value": v} for n, v in tokens.get("spacing", {}).items()],
        "radius": [{"name": n, "css_var": f"--radius-{n}", "value": v} for n, v in tokens.get("radius", {}).items()],
        "logo": tokens.get("logo", {}),
    }
