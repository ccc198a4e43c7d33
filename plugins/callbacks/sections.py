"""Callbacks' parts of the core's outputs (npshub.sections): the period's callback wins on the digest
page, in the digest e-mail and on Teams cards (summaries hold no personal data of customers), and the
callbacks each department completed on the reach dashboard; on the home page, detractors turned promoters."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callbacks import metrics_provider
from npshub.sections import Section


HOME_DAYS = 90


def figures(start, end):
    """The period's wins: detractors who came back as promoters first, then other good calls."""
    found = metrics_provider.turnarounds(start, end, 3)["wins"] + metrics_provider.wins(start, end, 3)
    seen, result = set(), []
    for win in found:  # a turnaround may also be among the period's wins
        key = (win["summary"], win["caller"], win["date"])
        if key not in seen:
            seen.add(key)
            result.append(win)
    return result[:3]


def home(request):
    """On the home page, for everyone (no personal data): detractors who came back as promoters after
    a colleague called them, in the last 90 days; nothing when there are none."""
    end = timezone.now()
    data = metrics_provider.turnarounds(end - timedelta(days=HOME_DAYS), end, 3)
    if not data["count"]:
        return ""
    return render_to_string("callbacks/section_home.html", {"data": data, "days": HOME_DAYS}, request=request)


def card(start, end):
    return [_("Callback win: %(summary)s — %(caller)s") % {"summary": win["summary"], "caller": win["caller"]}
            for win in metrics_provider.wins(start, end, 1)]


SECTIONS = [
    Section("outreach.wins", order=10, figures=figures, html="callbacks/digest/wins.html",
            mjml="callbacks/digest/wins.mjml", card=card),
    Section("callbacks.activity", order=10, activity=metrics_provider.department_completed,
            activity_label=gettext_lazy("Callbacks completed")),
]
