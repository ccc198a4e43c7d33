"""Long lists count exactly up to a cap, and above it from a one-minute cache (npshub.paging)."""

import pytest
from django.core.cache import cache

from npshub.feedback.models import Source
from npshub.paging import LargeCountPaginator, query_key

pytestmark = pytest.mark.django_db


class SmallCap(LargeCountPaginator):
    exact_up_to = 3


def sources(n, start=0):
    Source.objects.bulk_create(Source(name=f"S{i}", slug=f"paging-{i}") for i in range(start, start + n))


def test_short_lists_are_counted_exactly_every_time():
    cache.clear()
    queryset = Source.objects.filter(slug__startswith="paging-").order_by("slug")
    sources(2)
    assert SmallCap(queryset, 2).count == 2
    sources(1, start=2)
    assert SmallCap(queryset, 2).count == 3  # at the cap: still exact, nothing cached
    assert cache.get(query_key("paging:count", queryset.order_by())) is None


def test_long_lists_take_the_count_from_the_cache_for_a_minute(django_assert_num_queries):
    cache.clear()
    queryset = Source.objects.filter(slug__startswith="paging-").order_by("slug")
    sources(5)
    first = SmallCap(queryset, 2)
    assert first.count == 5 and first.num_pages == 3
    sources(2, start=5)
    with django_assert_num_queries(1):  # the capped count only; the total comes from the cache
        assert SmallCap(queryset, 2).count == 5
    other = queryset.filter(name__startswith="S")  # another query: its own entry
    assert SmallCap(other, 2).count == 7
    cache.clear()
    assert SmallCap(queryset, 2).count == 7
    assert [s.slug for s in SmallCap(queryset, 2).page(4).object_list] == ["paging-6"]

