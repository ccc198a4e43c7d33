"""Pages of very long lists (a CX admin's callback queue: hundreds of thousands of rows).

``LargeCountPaginator`` counts exactly up to ``exact_up_to`` rows (``COUNT(*)`` over a ``LIMIT``ed
subquery stops there, so a short list costs what it always did and is never stale); above that it
takes the full count from the cache, keyed by the query, for ``cache_seconds``: a page number or
total of a list that long may be a minute old, which nobody paging it can tell, and no request but
the first in a minute scans every row to count them.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property


def query_key(prefix, queryset):
    """A cache key naming ``queryset``'s SQL with its parameters (so two people with the same scope
    share an entry, and different scopes or filters never do)."""
    return f"{prefix}:{hashlib.sha256(str(queryset.query).encode()).hexdigest()}"


class LargeCountPaginator(Paginator):
    exact_up_to = 10_000
    cache_seconds = 60

    @cached_property
    def count(self):
        queryset = self.object_list.order_by()
        capped = queryset[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        key = query_key("paging:count", queryset)
        total = cache.get(key)
        if total is None:
            total = queryset.count()
            cache.set(key, total, self.cache_seconds)
        return total
