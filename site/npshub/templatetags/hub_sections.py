"""``{% plugin_sections "team" team=team %}``: the enabled plugins' sections for a place of a core
page (npshub.plugins.PAGE_SECTIONS). A section that fails is logged and left out: one plugin's
error never takes the page down."""

import logging

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from npshub import plugins

logger = logging.getLogger("npshub.plugins")
register = template.Library()


@register.simple_tag(takes_context=True)
def plugin_sections(context, place, **kwargs):
    request = context.get("request")
    if request is None or not getattr(getattr(request, "user", None), "is_authenticated", False):
        return ""
    parts = []
    for section in plugins.page_sections(place):
        try:
            html = section(request, **kwargs)
        except Exception:
            logger.exception("Page section %r of %s failed", place, section)
            continue
        if html:
            parts.append(conditional_escape(html))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped unless the plugin marked it safe)
