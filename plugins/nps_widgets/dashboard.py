"""``/stats/``: the statistics page's filter state, its active-filter chips, the breakdown choice and
the empty state.

The query string is the state (the page is shareable): each dimension and ``source`` may hold
several values, repeated (``?region=north&region=south``, what the form's checkboxes send) or
comma-separated (``?region=north,south``, as the API takes them); the figures count exactly what
``GET /api/v1/nps/summary/`` counts for the same filters. ``topic`` and ``band`` choose the comments
listed, never the figures. Unreadable values are left out with a message saying so; a date out of
the sane range is a 400 naming the field (npshub.dates).
"""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from npshub import dates, formats
from npshub.feedback import reference
from nps_widgets import data

DEFAULT_PERIOD = "90"
MAX_VALUES = 50  # values per dimension
MAX_LENGTH = 100  # characters per value


def _dimension_labels():
    from nps_widgets.blocks import DIMENSION_LABELS

    return DIMENSION_LABELS


def intervals():
    return [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


def _values(params, name, errors):
    """The chosen values of one dimension, in order, without repeats."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    found = []
    for item in (part.strip() for text in raw for part in str(text).split(",")):
        if not item or item in found:
            continue
        if len(item) > MAX_LENGTH:
            errors.append(_("A %(field)s value longer than %(n)s characters was left out.") % {
                "field": str(_dimension_labels()[name]).lower(), "n": MAX_LENGTH})
            continue
        found.append(item)
    if len(found) > MAX_VALUES:
        errors.append(_("Only the first %(n)s values of %(field)s were used.") % {
            "n": MAX_VALUES, "field": str(_dimension_labels()[name]).lower()})
        found = found[:MAX_VALUES]
    return found


def _choice(params, name, choices, label, errors, default=""):
    value = params.get(name) or ""
    if value and value not in choices:
        errors.append(_("%(field)s: “%(value)s” is not one of the choices, so it was left out.") % {
            "field": label, "value": value[:MAX_LENGTH]})
        return default
    return value or default


def _date(params, name, errors):
    try:
        return dates.parse_date(params.get(name), name)
    except dates.OutOfRange as exc:
        raise BadRequest(str(exc)) from None
    except dates.InvalidDate as exc:
        errors.append(f"{exc} {_('This date was left out.')}")
        return None


def state_from(params):
    """The page's state from the query string: every filter, the breakdown and the messages about
    values that were left out."""
    errors = []
    labels = _dimension_labels()
    state = {
        "period": _choice(params, "period", dict(data.PERIODS), _("Period"), errors, DEFAULT_PERIOD),
        "from": _date(params, "from", errors),
        "to": _date(params, "to", errors),
        "interval_asked": _choice(params, "interval", dict(intervals()), _("Interval"), errors),
        "by_asked": _choice(params, "by", labels, _("Break down by"), errors),
        "topic": _choice(params, "topic", dict(data.topic_choices()), _("Comment topic"), errors),
        "band": _choice(params, "band", {key for key, *_rest in data.SCORE_BANDS}, _("Comment scores"), errors),
    }
    if state["from"] and state["to"] and state["from"] > state["to"]:
        state["from"], state["to"] = state["to"], state["from"]
    for name in data.FILTER_FIELDS:
        state[name] = _values(params, name, errors)
    state["errors"] = errors
    return _derived(state)


def _derived(state):
    """The interval and the breakdown that follow from the filters."""
    period = state["period"]
    state["interval"] = state["interval_asked"] or (
        "day" if period in ("7", "30") and not state["from"] else "week" if period == "90" else "month")
    # A dimension filtered to one value has nothing to break down: the next dimension that has.
    state["single"] = [name for name in data.FILTER_FIELDS if len(state[name]) == 1]
    wanted = state["by_asked"] or "product"
    open_ = [name for name in _dimension_labels() if name not in state["single"]]
    state["by"] = wanted if wanted in open_ or not open_ else open_[0]
    state["by_switched"] = state["by"] != wanted
    return state


def bounds(state):
    """(from, to) of the figures: custom dates when given, else the period."""
    if state["from"] or state["to"]:
        return state["from"], state["to"]
    return data.period_bounds(state["period"])


def filters(state):
    """The dimension filters as block and API params (comma-separated lists)."""
    return {name: ",".join(state[name]) for name in data.FILTER_FIELDS if state[name]}


def stats_filter(state):
    start, end = bounds(state)
    return data.make_filter(filters(state), start, end)


def query(state):
    """The query string items of ``state`` (what the form would send; defaults left out)."""
    items = []
    for name in data.FILTER_FIELDS:
        items += [(name, value) for value in state[name]]
    if state["period"] != DEFAULT_PERIOD:
        items.append(("period", state["period"]))
    for name in ("from", "to"):
        if state[name]:
            items.append((name, state[name].isoformat()))
    for name, key in (("interval", "interval_asked"), ("by", "by_asked"), ("topic", "topic"), ("band", "band")):
        if state[key]:
            items.append((name, state[key]))
    return items


def url(state):
    items = query(state)
    return reverse("nps_widgets:dashboard") + (f"?{urlencode(items)}" if items else "")


def without(state, kind, value=None):
    """A copy of ``state`` without one filter (a dimension's value, the dates, the period, a comment filter)."""
    new = {**state, **{name: list(state[name]) for name in data.FILTER_FIELDS}}
    if kind in data.FILTER_FIELDS:
        new[kind] = [item for item in state[kind] if item != value]
    elif kind == "dates":
        new["from"] = new["to"] = None
    elif kind == "period":
        new["period"] = "all"
    else:
        new[kind] = ""
    return _derived(new)


def chips(state):
    """The active filters, each ``{label, url (without it), kind, figures}``: one per dimension value,
    the dates or the period, then the comments-only filters (``figures`` False)."""
    labels = _dimension_labels()
    found = []
    for name in data.FILTER_FIELDS:
        names = reference.labels(name, state[name])
        for value in state[name]:
            found.append({"kind": name, "value": value, "figures": True,
                          "label": f"{labels[name]}: {names.get(value) or value}"})
    if state["from"] or state["to"]:
        text = " – ".join(formats.day(day, with_year=True) if day else "…" for day in (state["from"], state["to"]))
        found.append({"kind": "dates", "value": None, "figures": True, "label": text})
    elif state["period"] != "all":
        found.append({"kind": "period", "value": None, "figures": True, "label": str(dict(data.PERIODS)[state["period"]])})
    if state["topic"]:
        found.append({"kind": "topic", "value": None, "figures": False,
                      "label": _("Comments: %(what)s") % {"what": dict(data.topic_choices())[state["topic"]]}})
    if state["band"]:
        band = {key: label for key, label, *_rest in data.SCORE_BANDS}[state["band"]]
        found.append({"kind": "band", "value": None, "figures": False, "label": _("Comments: %(what)s") % {"what": band}})
    for chip in found:
        chip["state"] = without(state, chip["kind"], chip["value"])
        chip["url"] = url(chip["state"])
    return found


def has_answers(score):
    return bool(score["responses"] or score.get("skipped") or score.get("csat_responses") or score.get("ces_responses"))


def empty_state(state, active):
    """What to say when the filters leave no answers: each figure filter whose removal alone brings
    answers back, with how many (one summary per filter, from the rollups)."""
    narrowing = [chip for chip in active if chip["figures"]]
    drops = []
    for chip in narrowing:
        score = data.score(stats_filter(chip["state"]))
        if has_answers(score):
            drops.append({**chip, "responses": score["responses"]})
    return {"filtered": bool(narrowing), "drops": drops}


def dimension_choices(state):
    """Each dimension's checkbox group: (name, label, [(value, label, checked)]), the chosen values
    the pickers do not know included (so that sending the form again keeps them)."""
    labels = _dimension_labels()
    groups = []
    for name in data.FILTER_FIELDS:
        known = data.dimension_values(name)
        slugs = {slug for slug, _text in known}
        extra = [value for value in state[name] if value not in slugs]
        names = reference.labels(name, extra)
        choices = [(slug, text, slug in state[name]) for slug, text in known]
        choices += [(value, names.get(value) or value, True) for value in extra]
        groups.append({"name": name, "label": labels[name], "choices": choices, "count": len(state[name])})
    return groups


def iso(day):
    return day.isoformat() if isinstance(day, datetime.date) else ""
