"""The callback queue's count can come from the paging cache: its query stays the same for a minute."""

import datetime

import pytest

from callbacks.filters import QueueFilter
from callbacks.models import Callback
from npshub.paging import query_key

pytestmark = pytest.mark.django_db


def test_the_callback_queue_is_the_same_query_for_a_minute():
    """"Due now" is to the minute."""
    noon = datetime.datetime(2026, 12, 1, 12, 0, 5, tzinfo=datetime.UTC)
    keys = {query_key("paging:count", QueueFilter({}, queryset=Callback.objects.all(), now=noon + delta).qs.order_by())
            for delta in (datetime.timedelta(0), datetime.timedelta(seconds=50))}
    assert len(keys) == 1
    later = QueueFilter({}, queryset=Callback.objects.all(), now=noon + datetime.timedelta(minutes=1)).qs.order_by()
    assert query_key("paging:count", later) not in keys
