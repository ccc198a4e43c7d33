"""Rules pay exactly once per event, respect caps and cool-downs; badges are awarded once."""

import datetime

import pytest
from django.test import TestCase
from django.utils import timezone

from npshub import events
from rewards import badges, ledger
from rewards.models import Activity, Badge, BadgeAward, LedgerEntry, Notification, Rule
from rewards.tasks import award_ambassadors, process_event
from tests import factories as f


class FakeCallback:  # the event's object; rewards reads only the kwargs it needs
    pk = 7


def publish_completed(user, event_id, outcome="reached"):
    # The receiver enqueues after the sender's commit: run those callbacks as a commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        _publish(user, event_id, outcome)


def _publish(user, event_id, outcome):
    events.publish(events.callback_completed, sender=FakeCallback, callback=FakeCallback(), user=user,
                   outcome=outcome, resolved=True, event_id=event_id)


def test_a_published_event_credits_points_and_awards_the_first_callback_badge(caller, callback_rule, first_callback_badge):
    publish_completed(caller, "callback:1:done")
    assert ledger.balance(caller) == 10
    entry = LedgerEntry.objects.get(user=caller)
    assert (entry.kind, entry.event_type, entry.event_id, entry.rule) == ("award", "callback_completed", "callback:1:done", callback_rule)
    assert BadgeAward.objects.filter(user=caller, badge=first_callback_badge).count() == 1
    assert Notification.objects.filter(user=caller, message__contains="First callback").exists()


def test_the_same_event_delivered_twice_pays_once(caller, callback_rule, first_callback_badge):
    publish_completed(caller, "callback:1:done")
    publish_completed(caller, "callback:1:done")
    assert LedgerEntry.objects.filter(user=caller).count() == 1
    assert Activity.objects.filter(user=caller).count() == 1
    assert BadgeAward.objects.filter(user=caller).count() == 1
    assert ledger.balance(caller) == 10


def test_a_retried_task_pays_once(caller, callback_rule):
    # acks_late redelivery or an autoretry runs the task body again with the same arguments.
    first = process_event.apply(args=("callback_completed", "callback:2:done", caller.pk, "reached"))
    again = process_event.apply(args=("callback_completed", "callback:2:done", caller.pk, "reached"))
    assert first.get() == {"entries": 1, "badges": 0}
    assert again.get() == {"entries": 0, "badges": 0}
    assert ledger.balance(caller) == 10 == ledger.ledger_sum(caller)
    assert process_event.acks_late


def test_the_unique_constraint_is_the_last_word(caller, callback_rule):
    from django.db import IntegrityError, transaction

    ledger.award(callback_rule, caller, "e1")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(user=caller, amount=10, reason="dup", kind="award", rule=callback_rule, event_id="e1")


def test_outcome_filter(caller):
    Rule.objects.create(name="Reached only", event_type="callback_completed", amount=10, outcomes="reached")
    publish_completed(caller, "c1", outcome="no_answer")
    publish_completed(caller, "c2", outcome="reached")
    assert ledger.balance(caller) == 10


def test_daily_cap(caller):
    rule = Rule.objects.create(name="Capped", event_type="callback_completed", amount=10, daily_cap=25)
    now = timezone.now()
    paid = [ledger.award(rule, caller, f"e{n}", now=now) for n in range(4)]
    assert [bool(p) for p in paid] == [True, True, False, False]
    tomorrow = now + datetime.timedelta(days=1)
    assert ledger.award(rule, caller, "e-next-day", now=tomorrow)
    assert ledger.balance(caller) == 30


def test_monthly_cap(caller):
    rule = Rule.objects.create(name="Monthly", event_type="exemplary_call", amount=50, monthly_cap=100)
    local = timezone.localtime().replace(day=2, hour=12)
    days = [local + datetime.timedelta(days=n) for n in range(3)]
    assert ledger.award(rule, caller, "x1", now=days[0])
    assert ledger.award(rule, caller, "x2", now=days[1])
    assert ledger.award(rule, caller, "x3", now=days[2]) is None
    next_month = (local.replace(day=28) + datetime.timedelta(days=5)).replace(day=2)
    assert ledger.award(rule, caller, "x4", now=next_month)


def test_cool_down(caller):
    rule = Rule.objects.create(name="Cool", event_type="comments_read", amount=2, cooldown_minutes=60)
    now = timezone.now()
    assert ledger.award(rule, caller, "r1", now=now)
    assert ledger.award(rule, caller, "r2", now=now + datetime.timedelta(minutes=30)) is None
    assert ledger.award(rule, caller, "r3", now=now + datetime.timedelta(minutes=61))
    assert ledger.balance(caller) == 4


def test_inactive_rules_pay_nothing(caller):
    Rule.objects.create(name="Off", event_type="callback_completed", amount=10, active=False)
    publish_completed(caller, "c1")
    assert ledger.balance(caller) == 0


def test_count_badge_with_threshold_is_awarded_once(caller, callback_rule):
    ten = Badge.objects.create(name="10 callbacks", slug="ten", criterion=Badge.COUNT, event_type="callback_completed", threshold=3)
    for n in range(5):
        publish_completed(caller, f"c{n}")
    assert BadgeAward.objects.filter(user=caller, badge=ten).count() == 1
    assert badges.grant_badge(ten, caller) is None  # the unique constraint refuses a second


def test_streak_badge_needs_each_of_the_last_months(caller):
    streak = Badge.objects.create(name="3-month streak", slug="streak", criterion=Badge.STREAK, event_type="callback_completed", threshold=3)
    today = timezone.localtime()
    this_month = today.replace(day=10, hour=12)
    last_month = (this_month.replace(day=1) - datetime.timedelta(days=5)).replace(day=10)
    two_ago = (last_month.replace(day=1) - datetime.timedelta(days=5)).replace(day=10)
    ledger.record_activity(caller, "callback_completed", "a", two_ago)
    ledger.record_activity(caller, "callback_completed", "b", this_month)
    assert not badges.criterion_met(streak, caller)
    ledger.record_activity(caller, "callback_completed", "c", last_month)
    assert badges.criterion_met(streak, caller)
    badges.evaluate(caller, "callback_completed")
    assert BadgeAward.objects.filter(badge=streak, user=caller).exists()


def test_ambassador_of_the_month(caller, employee):
    badge = Badge.objects.create(name="Ambassador", slug="ambassador", criterion=Badge.AMBASSADOR, tier="gold")
    rule = Rule.objects.create(name="R", event_type="exemplary_call", amount=50)
    last_month = timezone.localtime().replace(day=1) - datetime.timedelta(days=3)
    ledger.award(rule, caller, "a1", now=last_month)
    ledger.award(rule, caller, "a2", now=last_month + datetime.timedelta(hours=1))
    ledger.award(rule, employee, "a3", now=last_month)
    ledger.credit(employee, 500, "This month's grant")  # this month: does not count for last month
    assert award_ambassadors() == {"awards": 1}
    assert award_ambassadors() == {"awards": 0}  # the daily beat run awards once per month
    award = BadgeAward.objects.get(badge=badge)
    assert award.user == caller and award.period == last_month.strftime("%Y-%m")


def test_kudos_received_rule(caller, employee):
    from rewards import services

    Rule.objects.create(name="Kudos", event_type="kudos_received", amount=5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.give_kudos(employee, caller, "Thanks!")
    assert ledger.balance(caller) == 5
    assert ledger.balance(employee) == 0


@pytest.mark.worker
def test_a_real_worker_processes_a_duplicated_event_once(celery_worker_process):
    user = f.user("employee")
    Rule.objects.create(name="Callback", event_type="callback_completed", amount=10)
    _publish(user, "callback:99:done", "reached")  # transactional test: on_commit runs at once
    _publish(user, "callback:99:done", "reached")
    process_event.delay("callback_completed", "callback:99:done", user.pk, "reached")
    # One worker (solo pool) takes the queue in order: once the marker is done, so are the three.
    marker = process_event.delay("callback_completed", "marker", user.pk, "reached")
    marker.get(timeout=60)
    assert LedgerEntry.objects.filter(user=user, event_id="callback:99:done").count() == 1
    assert ledger.balance(user) == 20 == ledger.ledger_sum(user)


def test_rules_and_badges_never_pay_retroactively(caller):
    earlier = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    Rule.objects.create(name="New rule", event_type="callback_completed", amount=10)
    Badge.objects.create(name="First", slug="first", event_type="callback_completed", threshold=1)
    # An event that happened before the rule and badge existed (e.g. a queued demo event).
    assert process_event("callback_completed", "old", caller.pk, "reached", earlier) == {"entries": 0, "badges": 0}
    assert process_event("callback_completed", "new", caller.pk, "reached") == {"entries": 1, "badges": 1}


def test_reading_the_comments_pays_once_a_day(caller, django_capture_on_commit_callbacks):
    """The core publishes comments_read when an employee reads the comment stream; the rule pays it
    once per person and day however often they read."""
    Rule.objects.create(name="Read", event_type="comments_read", amount=2)
    client = f.api(caller)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/api/v1/comments/").status_code == 200
        assert client.get("/api/v1/comments/").status_code == 200
    assert ledger.balance(caller) == 2
    [entry] = LedgerEntry.objects.filter(user=caller)
    assert entry.event_id == f"comments_read.{caller.pk}.{timezone.localdate().isoformat()}"
