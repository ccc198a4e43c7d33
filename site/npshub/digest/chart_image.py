"""The NPS trend as a PNG for e-mail: clients do not render SVG, so the same drawing as the pages
(npshub.charts) is rendered with CairoSVG, in the theme's colours and DejaVu Sans (Cyrillic months).

Rendered once per mailing and language (with the e-mail's HTML, stored in RenderedEmail), never per
recipient. The HTML carries it as a ``data:`` URI, which the admin preview shows as it is; when the
message is built (npshub.digest.mime) every such image becomes an inline ``multipart/related`` part
referenced by ``cid:``, which intranet mail clients show without fetching anything. The alt text
writes the figures (npshub.trends.alt_text), so a reader with images off still gets them.
"""

import base64
import re

import cairosvg

from npshub import charts, theme, trends

DISPLAY_WIDTH = 560  # CSS pixels in the 600 px e-mail column
SCALE = 2  # pixels per CSS pixel: sharp on high-density screens
VIEW_WIDTH, VIEW_HEIGHT = 480, 230  # the drawing's own units: text stays legible when a phone shrinks it
RIGHT_ROOM = 28  # the latest period's label is centred on the last point: room for its overhang
FONT = "DejaVu Sans"


def _style():
    colors = {name: token["value"] for name, token in theme.tokens().get("colors", {}).items()}
    brand, muted = colors.get("brand", "#0B5FFF"), colors.get("muted", "#5A6275")
    text, border = colors.get("text", "#1A1F2C"), colors.get("border", "#D9DEE8")
    return (
        f"text {{ font-family: '{FONT}', sans-serif; font-size: 14px; fill: {muted}; }}"
        f".chart__value {{ fill: {text}; font-weight: bold; font-size: 15px; }}"
        f".chart__empty {{ font-size: 16px; font-style: italic; }}"
        f".chart__grid {{ stroke: {border}; stroke-width: 1; }}"
        f".chart__zero {{ stroke: {muted}; stroke-width: 1.4; }}"
        f".chart__band {{ fill: {brand}; fill-opacity: .14; }}"
        f".chart__line {{ fill: none; stroke: {brand}; stroke-width: 3; stroke-linejoin: round; }}"
        f".chart__dot {{ fill: {brand}; stroke: #fff; stroke-width: 1.5; }}"
        f".is-small {{ fill: #fff; stroke: {brand}; }}"
    ), colors.get("surface", "#FFFFFF")


def standalone_svg(rows, interval="month"):
    """The trend as a self-contained SVG document (namespace, size, styles, background)."""
    drawing = str(charts.trend_chart(rows, trends.title(interval), width=VIEW_WIDTH, height=VIEW_HEIGHT,
                                     interval=interval, narrow=False, most_labels=4))
    css, background = _style()
    opening = re.match(r"<svg [^>]*>", drawing).group(0)
    width = VIEW_WIDTH + RIGHT_ROOM
    head = opening.replace(f'viewBox="0 0 {VIEW_WIDTH} {VIEW_HEIGHT}"', f'viewBox="0 0 {width} {VIEW_HEIGHT}"').replace(
        "<svg ", f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{VIEW_HEIGHT}" ', 1)
    extra = f'<style>{css}</style><rect width="100%" height="100%" fill="{background}"/>'
    return head + extra + drawing[len(opening):]


def png(rows, interval="month"):
    """PNG bytes, ``DISPLAY_WIDTH × SCALE`` pixels wide."""
    return cairosvg.svg2png(bytestring=standalone_svg(rows, interval).encode("utf-8"),
                            output_width=DISPLAY_WIDTH * SCALE, output_height=_height() * SCALE)


def _height():
    return round(DISPLAY_WIDTH * VIEW_HEIGHT / (VIEW_WIDTH + RIGHT_ROOM))


def image(rows, interval="month"):
    """``{src, alt, width, height}`` for the e-mail's ``<img>`` in the active language; None when the
    period has no answers at all (no empty chart in anyone's inbox)."""
    if not any(row.get("nps") is not None for row in rows):
        return None
    data = base64.b64encode(png(rows, interval)).decode("ascii")
    return {"src": f"data:image/png;base64,{data}", "alt": trends.alt_text(rows, interval),
            "width": DISPLAY_WIDTH, "height": _height()}
