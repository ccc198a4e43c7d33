"""The Wagtail admin home (/admin/): one panel per thing a role acts on, and avatars that never ask an
outside server.

A panel is a ``HubPanel``: a Wagtail Component (``order``, a template) that states the ``roles`` it is
for and returns figures, a few items and links. The core adds its own panels from
``npshub/wagtail_hooks.py``; a plugin adds its panel from its own ``wagtail_hooks.py`` with
``add_panel(request, panels, MyPanel)`` in a ``construct_homepage_panels`` hook. A panel computes
nothing for someone it is not for.

Core panels: NPS now (everyone who reaches the admin), articles awaiting review and the last digest
mailing (editors and CX admins).
"""

import base64
import datetime
from dataclasses import dataclass
from zlib import crc32

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from npshub import formats
from npshub.people import roles

NPS_DAYS = 30  # "now": the last 30 days (today included), compared with the 30 days before


@dataclass
class Figure:
    label: str
    value: str
    note: str = ""  # a margin, a share, a comparison
    tone: str = ""  # "good", "bad" or "" (colours the value)
    url: str = ""


@dataclass
class Item:
    label: str
    url: str = ""
    meta: str = ""


class HubPanel(Component):
    """A panel of the admin home for the ``roles`` that act on it (a superuser holds every role)."""

    template_name = "npshub/admin/home_panel.html"
    name = "panel"  # the section id: ``hub-<name>-section``
    heading = ""
    roles = ()  # () = everyone who reaches the admin
    order = 100  # Wagtail's own panels use 210..300; ours come first

    class Media:
        css = {"all": ["npshub/admin-home.css"]}

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @classmethod
    def is_for(cls, user):
        return roles.has_any_role(user, cls.roles) if cls.roles else True

    def figures(self):
        return []

    def items(self):
        return []

    def items_heading(self):
        return ""

    def links(self):
        """[(label, url)] under the panel."""
        return []

    def empty_text(self):
        """Shown when the panel has neither figures nor items."""
        return ""

    def get_context_data(self, parent_context=None):
        return {"panel": self, "figures": self.figures(), "items": self.items(), "items_heading": self.items_heading(),
                "links": self.links()}


def add_panel(request, panels, panel_class):
    """Append ``panel_class`` to the admin home's panels when it is for the signed-in user."""
    if panel_class.is_for(request.user):
        panels.append(panel_class(request))


# --- the core's panels ----------------------------------------------------------------------------

class NpsNowPanel(HubPanel):
    name = "nps-now"
    heading = _("NPS now")
    order = 10

    def figures(self):
        from npshub.feedback.filters import StatsFilter
        from npshub.feedback.stats import compare

        today = timezone.localdate()
        start = today - datetime.timedelta(days=NPS_DAYS - 1)
        before = StatsFilter(start - datetime.timedelta(days=NPS_DAYS), start - datetime.timedelta(days=1))
        data = compare(before, StatsFilter(start, today))
        now, change = data["b"], data["change"]
        tone = ""
        if change is not None and data["significant"]:
            tone = "good" if change > 0 else "bad"
        return [
            Figure(_("NPS, last %(days)s days") % {"days": NPS_DAYS}, formats.number(now["nps"], 1),
                   note=formats.margin(now["margin_of_error"])),
            Figure(_("Change on the %(days)s days before") % {"days": NPS_DAYS}, formats.signed(change),
                   note=(_("significant") if data["significant"] else _("within the margin"))
                   if change is not None else "", tone=tone),
            Figure(_("Responses"), formats.number(now["responses"])),
        ]


def articles_in_review():
    """Article pages with a moderation workflow in progress, longest waiting first."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import WorkflowState

    from npshub.pages.models import ArticlePage

    states = (WorkflowState.objects.active()
              .filter(content_type=ContentType.objects.get_for_model(ArticlePage))
              .order_by("created_at"))
    pages = ArticlePage.objects.in_bulk([int(state.object_id) for state in states])
    return [(pages[int(state.object_id)], state) for state in states if int(state.object_id) in pages]


class ArticlesInReviewPanel(HubPanel):
    name = "articles-review"
    heading = _("Articles awaiting review")
    roles = (roles.EDITOR, roles.CX_ADMIN)
    order = 20
    shown = 5

    def get_context_data(self, parent_context=None):
        self.waiting = articles_in_review()
        return super().get_context_data(parent_context)

    def figures(self):
        return [Figure(_("Waiting"), formats.number(len(self.waiting)))] if self.waiting else []

    def items(self):
        rows = []
        for page, state in self.waiting[: self.shown]:
            editable = page.permissions_for_user(self.user).can_edit()
            rows.append(Item(page.title, reverse("wagtailadmin_pages:edit", args=[page.pk]) if editable else "",
                             _("submitted %(ago)s") % {"ago": formats.ago(state.created_at)}))
        return rows

    def empty_text(self):
        return _("No article is waiting for review.")


class LastDigestPanel(HubPanel):
    name = "last-digest"
    heading = _("Last digest mailing")
    roles = (roles.EDITOR, roles.CX_ADMIN)
    order = 30

    def get_context_data(self, parent_context=None):
        from npshub.digest.models import Mailing

        self.mailing = Mailing.objects.filter(kind=Mailing.DIGEST).order_by("-created_at", "-pk").first()
        return super().get_context_data(parent_context)

    def figures(self):
        from npshub.digest.models import SendLog

        if self.mailing is None:
            return []
        counts = SendLog.objects.filter(mailing=self.mailing).aggregate(**SendLog.report_counts())
        rate = 100 * counts["opened"] / counts["delivered"] if counts["delivered"] else None
        figures = [
            Figure(_("Sent"), formats.number(counts["delivered"])),
            Figure(_("Failed"), formats.number(counts["failed"]), tone="bad" if counts["failed"] else ""),
            Figure(_("Opened"), formats.number(counts["opened"]), note=formats.percent(rate, 1) if rate is not None else ""),
        ]
        if counts["waiting"]:
            figures.append(Figure(_("Still sending"), formats.number(counts["waiting"])))
        return figures

    def items(self):
        if self.mailing is None:
            return []
        when = self.mailing.finished_at or self.mailing.created_at
        return [Item(self.mailing.subject, meta=formats.day(when, with_year=True))]

    def links(self):
        links = [(_("Digest desk"), reverse("digest_desk"))]
        if self.mailing is not None:
            links.insert(0, (_("Full report"), reverse("digest_report", args=[self.mailing.pk])))
        return links

    def empty_text(self):
        return _("No digest has been sent yet.")


CORE_PANELS = (NpsNowPanel, ArticlesInReviewPanel, LastDigestPanel)


# --- avatars --------------------------------------------------------------------------------------

AVATAR_COLOURS = ("#0A2A66", "#0B5FFF", "#12805C", "#8A6D00", "#C8321E", "#5A6275")


def initials(user):
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    letters = (first[:1] + last[:1]) if first or last else user.get_username()[:2]
    return letters.upper() or "?"


def initials_avatar(user):
    """A data: URI of an SVG circle with the person's initials (no request leaves the browser)."""
    colour = AVATAR_COLOURS[crc32(str(user.pk).encode()) % len(AVATAR_COLOURS)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="{colour}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="42" font-weight="600" fill="#FFFFFF">{escape(initials(user))}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def avatar_url(user, size=50):
    """The ``get_avatar_url`` hook: the profile's avatar, else Wagtail's own upload, else initials."""
    if getattr(user, "pk", None) is None:
        return None
    profile = getattr(user, "profile", None)
    if profile is not None and profile.avatar:
        return profile.avatar.url
    wagtail_profile = getattr(user, "wagtail_userprofile", None)
    if wagtail_profile is not None and wagtail_profile.avatar:
        return None  # Wagtail shows it
    return initials_avatar(user)
