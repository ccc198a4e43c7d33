"""Named, read-only metrics that one app provides and others read, without importing each other.

A provider registers in its AppConfig.ready(): ``metrics.provide("callbacks.user_counts", fn)``.
A reader calls ``metrics.call("callbacks.user_counts", user, default={...})`` and gets the default
when the providing plugin is disabled. Each provider documents its names in its README section.

Names agreed between the apps (arguments → result):
- ``callbacks.user_counts`` (user) → {"completed": int, "recovered": int}
- ``callbacks.team_contact_rate`` (team_slug, start, end) → {"due": int, "contacted_in_target": int, "rate": float | None}
- ``callbacks.team_completed`` (team_slug, start, end) → int
- ``callbacks.team_open`` (team_slug) → int (callbacks of the team's customers not done yet)
- ``callbacks.wins`` (start, end, limit) → [{"summary": str (no personal data), "caller": str, "date": date}]
- ``callbacks.department_completed`` (start, end) → {department id: int} (callbacks completed, by the caller's department)
- ``reach.awareness`` (at=None) → {"index", "aware", "employees", "previous", "change", "period_days"}
- ``education.user_progress`` (user) → {"lessons_completed": int, "lessons_total": int}
- ``rewards.user_summary`` (user, since=None) → {"balance": int, "new_badges": [{"slug": str, "name": str}]}
- ``rewards.user_summaries`` (users, since=None) → {user pk: the same as ``rewards.user_summary``}
- ``rewards.top_teams`` (start, end, limit) → [{"team": slug, "name": str, "points": int}]
- ``rewards.new_badges`` (start, end) → [{"user": str, "badge": str}]
``start``/``end`` are aware datetimes (end exclusive) or None for open ends.
"""

_providers = {}


def provide(name, function):
    _providers[name] = function


def get(name):
    """The provider of ``name``, or None when no enabled app provides it."""
    return _providers.get(name)


def call(name, *args, default=None, **kwargs):
    function = _providers.get(name)
    return default if function is None else function(*args, **kwargs)


def available():
    return sorted(_providers)
