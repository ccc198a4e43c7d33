"""Celery tasks. Each takes ids and strings only and is idempotent, so ``acks_late`` redelivery
and retries never pay twice (the ledger's unique (rule, event_id, user) constraint decides)."""

import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from rewards import badges, challenges, ledger
from rewards.models import BalanceDrift, Challenge, LedgerEntry, Wallet

logger = logging.getLogger("rewards")


@shared_task(name="rewards.process_event", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5)
def process_event(event_type, event_id, user_id, outcome=None, occurred_at=None):
    """Record the activity, pay the matching rules and award the badges it completes.

    Rules and badges created after the event happened (``occurred_at``, ISO) do not apply to it.
    Everything happens in one transaction, so a redelivered or duplicated event finds its
    activity recorded and its entries written, and pays nothing more."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"entries": 0, "badges": 0}
    moment = (parse_datetime(occurred_at) if occurred_at else None) or timezone.now()
    with transaction.atomic():
        ledger.record_activity(user, event_type, event_id, moment)
        entries = [
            entry for rule in ledger.rules_for(event_type, moment) if rule.matches(outcome)
            for entry in [ledger.award(rule, user, event_id)] if entry
        ]
        awards = badges.evaluate(user, event_type, occurred_at=moment)
    return {"entries": len(entries), "badges": len(awards)}


@shared_task(name="rewards.check_balances")
def check_balances():
    """Compare every wallet with the sum of its entries; log and record any drift."""
    sums = dict(LedgerEntry.objects.values("user").annotate(total=Sum("amount")).values_list("user", "total"))
    wallets = dict(Wallet.objects.values_list("user", "balance"))
    drifts = []
    for user_id in set(sums) | set(wallets):
        expected, actual = sums.get(user_id) or 0, wallets.get(user_id, 0)
        if expected != actual:
            drifts.append(BalanceDrift(user_id=user_id, wallet_balance=actual, ledger_sum=expected))
            logger.error("rewards: balance drift for user %s: wallet %s, ledger %s", user_id, actual, expected)
    BalanceDrift.objects.bulk_create(drifts)
    return {"checked": len(set(sums) | set(wallets)), "drifts": len(drifts)}


@shared_task(name="rewards.settle_challenges")
def settle_challenges():
    """Pay the teams whose running (or just ended) challenges reached their goal."""
    today = timezone.localdate()
    paid = 0
    for challenge in Challenge.objects.filter(
        reached_at__isnull=True, starts_on__lte=today, ends_on__gte=today - datetime.timedelta(days=2)
    ).select_related("team"):
        paid += challenges.settle(challenge, today)
    return {"entries": paid}


@shared_task(name="rewards.award_ambassadors")
def award_ambassadors(month=None):
    """NPS ambassador of the month, for the month before ``month`` (ISO date; default: today)."""
    day = datetime.date.fromisoformat(month) if month else timezone.localdate()
    previous = day.replace(day=1) - datetime.timedelta(days=1)
    return {"awards": len(badges.award_ambassadors(previous))}
