"""MJML layouts of the theme (themes/<theme>/email/<name>.mjml) rendered with the design tokens.

The .mjml files are Django templates (so every value is escaped) that produce MJML; mjml-python
turns that into table-based HTML with inline styles. Plain text is generated from the same HTML.
"""

import functools
import re
from pathlib import Path
from html import unescape
from html.parser import HTMLParser

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation
from mjml import mjml2html

from npshub import theme


@functools.cache
def _engine(theme_dir):
    """A template engine over the theme's email folder (then the default theme's), so that
    layouts can {% include "_head.mjml" %}, then the enabled plugins' ``templates`` folders for
    their sections' MJML fragments (npshub.sections); autoescaping on."""
    from django.apps import apps

    from npshub.plugins import get_plugins

    plugin_dirs = [str(Path(apps.get_app_config(plugin.label).path) / "templates") for plugin in get_plugins()]
    return Engine(
        dirs=[str(theme_dir / "email"), str(settings.THEMES_DIR / "default" / "email"), *plugin_dirs],
        libraries={"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n",
                   "humanize": "django.contrib.humanize.templatetags.humanize",
                   "hub_format": "npshub.templatetags.hub_format"},
        debug=settings.DEBUG,
    )


def email_template(name):
    """The theme's MJML template ``name`` (TemplateDoesNotExist when no theme has it)."""
    return _engine(settings.THEME_DIR).get_template(f"{name}.mjml")


def token_context():
    tokens = theme.tokens()
    base = settings.NPSHUB_BASE_URL.rstrip("/")
    return {
        "colors": {name.replace("-", "_"): token["value"] for name, token in tokens.get("colors", {}).items()},
        "fonts": {name: token["value"].replace('"', "'") for name, token in tokens.get("fonts", {}).items()},
        "brand_name": tokens.get("logo", {}).get("alt") or tokens.get("name", "NPS Hub"),
        "base_url": base,
    }


def render_mjml(name, context, language="en"):
    """HTML of the MJML template ``name`` rendered in ``language`` with the theme tokens."""
    with translation.override(language):
        mjml_source = email_template(name).render(Context({**token_context(), "language": language, **context}))
    return mjml2html(mjml_source, disable_comments=True)


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "tr", "h1", "h2", "h3", "h4", "li", "table", "br", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip, self.href = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "head", "title", "script"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n")
        if tag == "li":
            self.out.append("- ")
        if tag == "a":
            self.href = dict(attrs).get("href")
        if tag == "img":  # a chart drawn into the e-mail (npshub.digest.chart_image) gives its figures
            attributes = dict(attrs)
            if (attributes.get("src") or "").startswith("data:image/png") and attributes.get("alt"):
                self.out.append(f"\n{attributes['alt']}\n")

    def handle_endtag(self, tag):
        if tag in ("style", "head", "title", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag == "a" and self.href:
            if self.href.startswith("http"):
                self.out.append(f" ({self.href})")
            self.href = None
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html):
    """A readable plain-text version of an email's HTML (links shown after their text)."""
    parser = _TextExtractor()
    parser.feed(html)
    text = unescape("".join(parser.out))
    lines = [line.strip() for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
