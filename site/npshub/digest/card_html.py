"""An Adaptive Card (the JSON posted to Teams) as HTML, roughly as Teams shows it, for the admin's
preview. It reads the posted payload itself, so the preview cannot drift from what is sent.

Everything in the card is text: it is escaped first, then only Adaptive Cards' markdown subset is
turned into tags (**bold**, _italic_, [text](http link), "- " and "1. " lists). Links and images
keep only http(s) addresses. No HTML a writer types ever reaches the page as HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])_(?!\s)(.+?)(?<!\s)_(?!\w)")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def _inline(text):
    """One line: escape, then the inline markdown. Link targets were escaped too, and stay http(s)."""
    html = escape(text)
    html = LINK.sub(lambda m: f'<a href="{m.group(2)}" target="_blank" rel="noopener noreferrer">{m.group(1)}</a>', html)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return ITALIC.sub(r"<em>\1</em>", html)


def markdown_lite(text):
    """A TextBlock's text as HTML: lines, and runs of list items as <ul>/<ol>."""
    out, open_list = [], None
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        kind = "ul" if bullet else "ol" if numbered else None
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if kind:
            if not open_list:
                out.append(f"<{kind}>")
                open_list = kind
            out.append(f"<li>{_inline((bullet or numbered).group(1))}</li>")
        else:
            out.append(_inline(line) + "<br>")
    if open_list:
        out.append(f"</{open_list}>")
    html = "".join(out)
    return html[:-4] if html.endswith("<br>") else html


def _text_block(block):
    classes = ["ac-text", f"ac-size-{str(block.get('size', 'default')).lower()}",
               f"ac-weight-{str(block.get('weight', 'default')).lower()}",
               f"ac-color-{str(block.get('color', 'default')).lower()}"]
    return f'<div class="{escape(" ".join(classes))}">{markdown_lite(str(block.get("text", "")))}</div>'


def _image(block):
    url = str(block.get("url", ""))
    if not SAFE_URL.match(url):
        return ""
    return f'<img class="ac-image" src="{escape(url)}" alt="{escape(block.get("altText", ""))}">'


def _fact_set(block):
    rows = "".join(f"<dt>{escape(f.get('title', ''))}</dt><dd>{escape(f.get('value', ''))}</dd>"
                   for f in block.get("facts", []))
    return f'<dl class="ac-facts">{rows}</dl>'


ELEMENTS = {"TextBlock": _text_block, "Image": _image, "FactSet": _fact_set}


def render(payload):
    """The first Adaptive Card of a Teams message payload, as safe HTML."""
    attachments = payload.get("attachments") or [{}]
    card = attachments[0].get("content") or {}
    parts = [ELEMENTS[b["type"]](b) for b in card.get("body", []) if b.get("type") in ELEMENTS]
    buttons = [f'<a class="ac-action" href="{escape(a["url"])}" target="_blank" rel="noopener noreferrer">'
               f'{escape(a.get("title", ""))}</a>'
               for a in card.get("actions", []) if a.get("type") == "Action.OpenUrl" and SAFE_URL.match(str(a.get("url", "")))]
    if buttons:
        parts.append(f'<div class="ac-actions">{"".join(buttons)}</div>')
    return mark_safe(f'<div class="ac-card">{"".join(parts)}</div>')  # noqa: S308 (built from escaped parts)
