"""Named, read-only metrics that one app provides and others read, without importing each other.

Every name is declared below with its arguments, result and meaning; that list is the contract.
Names say what a figure is about (``outreach.*``: calling customers back; ``recognition.*``: points
and badges), never which plugin provides it, so the core names no plugin and a provider can change.
A provider registers in its AppConfig.ready(): ``metrics.provide("outreach.user_counts", fn)``;
``provide()`` refuses a name not declared here and a second provider of a name (a typo or a clash
fails loudly at start-up instead of silently returning the default). A reader calls
``metrics.call("outreach.user_counts", user, default={...})`` and gets the default when the
providing plugin is disabled; ``call``/``get`` of an undeclared name raise ``UnknownMetric``.

Tests stand in for a provider with ``with metrics.swap(name, function):`` (``None`` for "no
provider", as when the plugin is off); the real provider is back when the block ends.
``start``/``end`` are aware datetimes (end exclusive) or None for open ends.
"""

from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    signature: str
    meaning: str


DECLARED = {metric.name: metric for metric in (
    Metric("outreach.user_counts", '(user) → {"completed": int, "recovered": int}',
           "Callbacks the user completed, and of those the customers who came back as passives or promoters."),
    Metric("outreach.team_contact_rate",
           '(team_slug, start, end) → {"due": int, "contacted_in_target": int, "rate": float | None}',
           "Detractor callbacks of the team's customers due in the period and those contacted within the "
           "target time (rate in per cent)."),
    Metric("outreach.team_completed", "(team_slug, start, end) → int",
           "Callbacks completed by the team's members in the period."),
    Metric("outreach.team_open", "(team_slug) → int",
           "Callbacks of the team's customers not done yet (open or claimed)."),
    Metric("outreach.target_hours", "() → int",
           "Hours within which a detractor should be called back (the contact target)."),
    Metric("outreach.wins", '(start, end, limit) → [{"summary": str, "caller": str, "date": date}]',
           "Recent resolved or recovered callbacks; the summary holds no personal data."),
    Metric("reach.awareness", '(at=None) → {"index", "aware", "employees", "previous", "change", "period_days"}',
           "The employee awareness index now and its change over one period (npshub.reach.awareness)."),
    Metric("education.user_progress", '(user) → {"lessons_completed": int, "lessons_total": int}',
           "Education lessons the user completed, of all published lessons."),
    Metric("recognition.user_summary", '(user, since=None) → {"balance": int, "new_badges": [{"slug": str, "name": str}]}',
           "The user's points balance and the badges earned since a moment."),
    Metric("recognition.user_summaries", "(users, since=None) → {user pk: the same as recognition.user_summary}",
           "recognition.user_summary for many users at once."),
    Metric("recognition.top_teams", '(start, end, limit) → [{"team": slug, "name": str, "points": int}]',
           "Teams with the most points earned in the period."),
    Metric("recognition.new_badges", '(start, end) → [{"user": str, "badge": str}]',
           "Badges awarded in the period (the user's first name, or a neutral word if they opted out)."),
)}

_providers = {}


class UnknownMetric(LookupError):
    """A metric name that npshub.metrics does not declare."""


class MetricClash(RuntimeError):
    """A second provider for a metric that already has one."""


def _declared(name):
    if name not in DECLARED:
        raise UnknownMetric(f"Metric {name!r} is not declared in npshub.metrics.DECLARED; "
                            f"declared: {', '.join(sorted(DECLARED))}.")
    return DECLARED[name]


def provide(name, function):
    _declared(name)
    current = _providers.get(name)
    if current is not None and current is not function:
        raise MetricClash(f"Metric {name!r} already has a provider ({current.__module__}.{current.__qualname__}).")
    _providers[name] = function


def get(name):
    """The provider of ``name``, or None when no enabled app provides it."""
    _declared(name)
    return _providers.get(name)


def call(name, *args, default=None, **kwargs):
    function = get(name)
    return default if function is None else function(*args, **kwargs)


def available():
    """The declared names that have a provider now."""
    return sorted(_providers)


@contextmanager
def swap(name, function):
    """Stand in for the provider of ``name`` (``None``: no provider) and restore it afterwards."""
    _declared(name)
    previous = _providers.pop(name, None)
    if function is not None:
        _providers[name] = function
    try:
        yield function
    finally:
        _providers.pop(name, None)
        if previous is not None:
            _providers[name] = previous
