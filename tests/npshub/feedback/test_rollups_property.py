"""Property: statistics answered from the rollups equal a direct computation over the raw rows,
for random data, random updates and random filter combinations (hypothesis)."""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npshub.feedback import rollups, stats
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import Response, Source
from npshub.feedback.models.rollups import MEASURES

pytestmark = pytest.mark.django_db

SOURCES = ("survey", "shop", "app")
VALUES = {
    "segment": ("new", "vip", ""), "product": ("kettle", "blender"), "channel": ("store", "online"),
    "region": ("north", "south", ""), "team": ("t1", "t2", "t3"),
}
START = datetime.datetime(2026, 1, 25, tzinfo=datetime.UTC)  # across weeks and two month ends
SPAN_MINUTES = 45 * 24 * 60

response_data = st.fixed_dictionaries({
    "source": st.sampled_from(SOURCES),
    "minute": st.integers(0, SPAN_MINUTES),
    "score": st.one_of(st.none(), st.integers(0, 10)),
    "csat": st.one_of(st.none(), st.integers(1, 5)),
    "ces": st.one_of(st.none(), st.integers(1, 7)),
    **{name: st.sampled_from(values) for name, values in VALUES.items()},
})


@st.composite
def stats_filters(draw):
    first = datetime.date(2026, 1, 24)
    date_from = draw(st.one_of(st.none(), st.integers(0, 46).map(lambda d: first + datetime.timedelta(days=d))))
    date_to = draw(st.one_of(st.none(), st.integers(0, 46).map(lambda d: first + datetime.timedelta(days=d))))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    names = draw(st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=3))
    dimensions = {
        name: tuple(draw(st.lists(st.sampled_from([v for v in VALUES[name] if v]), min_size=1, unique=True)))
        for name in names
    }
    sources = tuple(draw(st.lists(st.sampled_from(SOURCES), unique=True, max_size=2)))
    return StatsFilter(date_from, date_to, dimensions, sources)


def local_day(moment):
    return timezone.localtime(moment).date()


def matches(row, stats_filter):
    day = local_day(row["submitted_at"])
    if stats_filter.date_from and day < stats_filter.date_from:
        return False
    if stats_filter.date_to and day > stats_filter.date_to:
        return False
    if stats_filter.sources and row["source"] not in stats_filter.sources:
        return False
    return all(row[name] in values for name, values in stats_filter.dimensions.items())


def measures(rows):
    total = dict.fromkeys(MEASURES, 0)
    for row in rows:
        score, csat, ces = row["score"], row["csat"], row["ces"]
        total["promoters"] += score is not None and score >= 9
        total["passives"] += score is not None and 7 <= score <= 8
        total["detractors"] += score is not None and score <= 6
        total["skipped"] += score is None
        total["csat_n"] += csat is not None
        total["csat_good"] += csat is not None and csat >= 4
        total["ces_n"] += ces is not None
        total["ces_sum"] += ces or 0
    return total


def answered(rows):
    return [row for row in rows if row["score"] is not None]


def expected_timeseries(rows, interval):
    periods = defaultdict(list)
    for row in rows:
        periods[stats.period_start(local_day(row["submitted_at"]), interval)].append(row)
    return {
        start.isoformat(): stats.result(measures(group))
        for start, group in periods.items() if answered(group)
    }


def expected_breakdown(rows, by):
    groups = defaultdict(list)
    for row in rows:
        groups[row[by]].append(row)
    return {key: stats.result(measures(group)) for key, group in groups.items() if answered(group)}


def store(items, sources):
    objects = []
    for n, item in enumerate(items):
        fields = {name: item[name] for name in VALUES}
        objects.append(Response(
            source=sources[item["source"]], external_id=f"r{n}", score=item["score"], csat=item["csat"],
            ces=item["ces"], submitted_at=START + datetime.timedelta(minutes=item["minute"]), **fields,
        ))
    Response.objects.bulk_create(objects)
    return objects


def as_row(response, slugs):
    return {"source": slugs[response.source_id], "submitted_at": response.submitted_at, "score": response.score,
            "csat": response.csat, "ces": response.ces, **{name: getattr(response, name) for name in VALUES}}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(
    items=st.lists(response_data, max_size=40),
    updates=st.lists(st.tuples(st.integers(0, 39), response_data), max_size=10),
    filters=st.lists(stats_filters(), min_size=1, max_size=4),
    by=st.sampled_from(stats.BREAKDOWNS),
    batch=st.integers(1, 15),
)
def test_rollup_answers_equal_raw_rows(items, updates, filters, by, batch):
    with transaction.atomic():
        sources = {slug: Source.objects.create(name=slug, slug=slug) for slug in SOURCES}
        slugs = {source.pk: slug for slug, source in sources.items()}
        objects = store(items, sources)
        for start in range(0, len(objects), batch):  # ingestion applies batch by batch
            rollups.apply(added=objects[start:start + batch])
        # Re-sent responses: changed score, day, dimensions, source; old versions come out.
        changed = {}
        for index, data in updates:
            if index < len(objects):
                changed[index] = data
        if changed:
            old = [Response.objects.get(pk=objects[i].pk) for i in changed]
            new = []
            for index, data in changed.items():
                response = objects[index]
                response.source = sources[data["source"]]
                response.score, response.csat, response.ces = data["score"], data["csat"], data["ces"]
                response.submitted_at = START + datetime.timedelta(minutes=data["minute"])
                for name in VALUES:
                    setattr(response, name, data[name])
                new.append(response)
            fields = ["source", "score", "csat", "ces", "submitted_at", *VALUES]
            Response.objects.bulk_update(new, fields)
            rollups.apply(added=new, removed=old)
        rows = [as_row(response, slugs) for response in objects]

        for stats_filter in filters:
            selected = [row for row in rows if matches(row, stats_filter)]
            assert stats.summary(stats_filter) == stats.result(measures(selected))
            assert stats.summary(stats_filter, force_raw=True) == stats.result(measures(selected))
            for interval in stats.INTERVALS:
                expected = expected_timeseries(selected, interval)
                for force_raw in (False, True):
                    points = stats.timeseries(stats_filter, interval, force_raw=force_raw)
                    assert {p.pop("period_start"): p for p in points} == expected
            expected = expected_breakdown(selected, by)
            for force_raw in (False, True):
                rows_out = stats.breakdown(stats_filter, by, force_raw=force_raw)
                assert {row.pop("key"): row for row in rows_out} == expected
        transaction.set_rollback(True)
