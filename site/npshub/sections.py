"""Plugins' parts of the core's outputs: the digest page, the digest e-mail, Teams cards, and the
columns of the reach dashboard's department table.

A plugin lists its parts in ``NpsHubPluginMeta.sections`` (a dotted path to a list of ``Section``);
the core loops over the enabled plugins' sections in their declared ``order`` and never names one.
A section that has nothing to say for a period (its ``figures`` return something falsy) is left
out, and a disabled plugin's sections disappear with it.

- ``figures(start, end)``: what the part shows for the period (aware datetimes, end exclusive);
  plain data (dicts, lists, strings, numbers): it is cached with the digest issue's highlights.
- ``html``: a template of the digest web page, rendered with ``data`` (the figures).
- ``mjml``: an MJML fragment of the digest e-mail (a Django template producing ``<mj-section>``s),
  looked up in the plugin's ``templates`` folder, rendered with ``data`` and the theme's
  ``colors``/``fonts``; the e-mail's plain text is made from the same HTML.
- ``personal(users, since)``: ``{user pk: str}``, the reader's own line in the e-mail's "For you"
  box (plain text; the core escapes it for the HTML part), in the active language.
- ``card(start, end)``: plain-text lines added to the Teams cards of the period.
- ``activity(start, end)``: ``{department id: int}``, what the department's employees did with the
  plugin in the period (e.g. callbacks completed): a column of the reach dashboard's department
  table headed ``activity_label`` (a lazy translation); departments it leaves out count 0.
"""

from dataclasses import dataclass
from typing import Callable

from django.utils.html import escape


@dataclass(frozen=True)
class Section:
    key: str
    order: int = 100
    figures: Callable | None = None
    html: str = ""
    mjml: str = ""
    personal: Callable | None = None
    card: Callable | None = None
    activity: Callable | None = None
    activity_label: str = ""

    def __post_init__(self):
        if self.activity is not None and not str(self.activity_label):
            raise ValueError(f"Section {self.key!r} declares an activity without an activity_label (its column heading).")


def sections():
    """The enabled plugins' sections, in their declared order."""
    from npshub.plugins import get_plugins

    return sorted((section for plugin in get_plugins() for section in plugin.sections),
                  key=lambda section: (section.order, section.key))


def parts(start, end):
    """[{"key", "html", "mjml", "data"}] of the sections with figures for the period (cacheable)."""
    found = []
    for section in sections():
        data = section.figures(start, end) if section.figures else None
        if data:
            found.append({"key": section.key, "html": section.html, "mjml": section.mjml, "data": data})
    return found


def has_personal():
    return any(section.personal for section in sections())


def personal_lines(users, since):
    """{user pk: (text, html)}: each reader's lines from every section, one per line."""
    users = list(users)
    lines = {user.pk: [] for user in users}
    for section in sections():
        if section.personal is None:
            continue
        for pk, line in (section.personal(users, since) or {}).items():
            if line and pk in lines:
                lines[pk].append(str(line))
    return {pk: ("\n".join(texts), "<br>".join(escape(text) for text in texts)) for pk, texts in lines.items()}


def card_lines(start, end):
    return [str(line) for section in sections() if section.card for line in section.card(start, end) or []]


def department_activity(start, end):
    """[(label, {department id: int})]: every enabled plugin's department activity in the period."""
    return [(section.activity_label, section.activity(start, end) or {})
            for section in sections() if section.activity]
