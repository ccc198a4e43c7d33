"""Callbacks' parts of the core's outputs (npshub.sections): the period's callback wins on the digest
page, in the digest e-mail and on Teams cards (summaries hold no personal data of customers), and the
callbacks each department completed on the reach dashboard."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callbacks import metrics_provider
from npshub.sections import Section


def figures(start, end):
    return metrics_provider.wins(start, end, 3)


def card(start, end):
    return [_("Callback win: %(summary)s — %(caller)s") % {"summary": win["summary"], "caller": win["caller"]}
            for win in metrics_provider.wins(start, end, 1)]


SECTIONS = [
    Section("callbacks.wins", order=10, figures=figures, html="callbacks/digest/wins.html",
            mjml="callbacks/digest/wins.mjml", card=card),
    Section("callbacks.activity", order=10, activity=metrics_provider.department_completed,
            activity_label=gettext_lazy("Callbacks completed")),
]
