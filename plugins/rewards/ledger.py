"""Every change of points goes through here: one ledger entry and the wallet, in one transaction.

The wallet row is changed with F() expressions under a row lock (``select_for_update``), and a debit
is a conditional UPDATE (``balance >= amount``), so concurrent writers never lose an update and
a balance never goes below zero.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from rewards.models import Activity, LedgerEntry, Rule, Wallet

logger = logging.getLogger("rewards")


class InsufficientPoints(Exception):
    pass


def balance(user):
    wallet = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    return wallet or 0


def ledger_sum(user):
    return LedgerEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0


def lock_wallet(user):
    """The user's wallet, created if new, locked until the transaction ends."""
    Wallet.objects.get_or_create(user=user)
    return Wallet.objects.select_for_update().get(user=user)


def _apply(user, amount):
    """Change the wallet by ``amount``; a debit only when the balance covers it."""
    wallets = Wallet.objects.filter(user=user)
    if amount < 0:
        wallets = wallets.filter(balance__gte=-amount)
    if wallets.update(balance=F("balance") + amount) != 1:
        raise InsufficientPoints(f"{user} does not have {-amount} points.")


@transaction.atomic
def post(user, amount, reason, *, kind=LedgerEntry.GRANT, event_type="", event_id="", rule=None,
         approved_by=None, reverses=None):
    """Write one entry and move the wallet with it. Raises InsufficientPoints for an uncovered debit."""
    if not amount:
        raise ValueError("A ledger entry needs a non-zero amount.")
    Wallet.objects.get_or_create(user=user)
    _apply(user, amount)  # first: the conditional UPDATE takes the row lock
    return LedgerEntry.objects.create(
        user=user, amount=amount, reason=reason[:255], kind=kind, event_type=event_type, event_id=event_id,
        rule=rule, approved_by=approved_by, reverses=reverses,
    )


def _four_eyes(user, approved_by):
    if approved_by is not None and approved_by.pk == user.pk:
        raise ValueError("Nobody approves a change of their own points: another person has to.")


def credit(user, amount, reason, approved_by=None):
    """A manual credit (negative: debit), as ``grant_points`` writes it."""
    _four_eyes(user, approved_by)
    return post(user, amount, reason, kind=LedgerEntry.GRANT, approved_by=approved_by)


@transaction.atomic
def reverse(entry, approved_by, reason=""):
    """Cancel an entry with an opposite one; an entry is reversed at most once."""
    _four_eyes(entry.user, approved_by)
    if entry.kind == LedgerEntry.REVERSAL:
        raise ValueError("A reversal is not itself reversed: post a new entry instead.")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValueError(f"Entry {entry.pk} is already reversed.")
    return post(
        entry.user, -entry.amount, reason or f"Reversal of entry {entry.pk}: {entry.reason}",
        kind=LedgerEntry.REVERSAL, event_type=entry.event_type, event_id=entry.event_id,
        approved_by=approved_by, reverses=entry,
    )


def _local_day_start(moment):
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def cap_refusal(rule, user, now):
    """Why ``rule`` may not pay ``user`` now (a cap or the cool-down), or None."""
    entries = LedgerEntry.objects.filter(rule=rule, user=user)
    if rule.cooldown_minutes:
        since = now - datetime.timedelta(minutes=rule.cooldown_minutes)
        if entries.filter(created_at__gt=since).exists():
            return "cool-down"
    day_start = _local_day_start(now)
    if rule.daily_cap is not None:
        today = entries.filter(created_at__gte=day_start).aggregate(total=Sum("amount"))["total"] or 0
        if today + rule.amount > rule.daily_cap:
            return "daily cap"
    if rule.monthly_cap is not None:
        month_start = day_start.replace(day=1)
        month = entries.filter(created_at__gte=month_start).aggregate(total=Sum("amount"))["total"] or 0
        if month + rule.amount > rule.monthly_cap:
            return "monthly cap"
    return None


@transaction.atomic
def award(rule, user, event_id, reason=None, now=None):
    """Pay ``rule`` to ``user`` for ``event_id`` at most once. Returns the entry, or None when
    it was already paid or a cap / the cool-down refuses it."""
    now = now or timezone.now()
    lock_wallet(user)  # serialises this user's awards, so caps are checked race-free
    if LedgerEntry.objects.filter(rule=rule, event_id=event_id, user=user).exists():
        return None
    refusal = cap_refusal(rule, user, now)
    if refusal:
        logger.info("rewards: %s not paid to %s for %s: %s", rule, user, event_id, refusal)
        return None
    try:
        with transaction.atomic():  # the unique constraint is the last word on duplicates
            entry = LedgerEntry.objects.create(
                user=user, amount=rule.amount, reason=(reason or rule.name)[:255], kind=LedgerEntry.AWARD,
                event_type=rule.event_type, event_id=event_id, rule=rule, created_at=now,
            )
    except IntegrityError:
        return None
    _apply(user, rule.amount)
    return entry


def record_activity(user, event_type, event_id, occurred_at=None):
    """Record that ``user`` took part in the event; False when it was already recorded."""
    try:
        with transaction.atomic():
            Activity.objects.create(user=user, event_type=event_type, event_id=event_id,
                                    occurred_at=occurred_at or timezone.now())
    except IntegrityError:
        return False
    return True


def rules_for(event_type, occurred_at=None):
    """The active rules for ``event_type`` that existed when the event happened."""
    rules = Rule.objects.filter(event_type=event_type, active=True)
    if occurred_at is not None:
        rules = rules.filter(created_at__lte=occurred_at)
    return list(rules)
