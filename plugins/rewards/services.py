"""The store, kudos, leaderboards and the figures other apps read through the metrics registry."""

import datetime
import uuid

import bleach
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from npshub import events
from npshub.feedback import reference
from npshub.people import roles
from rewards import badges, ledger
from rewards.models import BadgeAward, Kudos, LedgerEntry, MonthlyPoints, Preference, Redemption, RewardItem, Wallet


class StoreConflict(Exception):
    """The redemption cannot happen: out of stock, over the limit, not enough points, unavailable."""


# ---------------------------------------------------------------- store

def redeem(user, item_id):
    """Buy one ``item_id`` for ``user``, atomically. Lock order: the buyer's wallet, then the item.

    The wallet debit is a conditional UPDATE (balance >= price) and the stock a conditional UPDATE
    (stock > 0), both in one transaction: concurrent redemptions can never take a balance or a
    stock below zero, and the buyer's wallet lock serialises their own per-person limit check.
    """
    with transaction.atomic():
        item = RewardItem.objects.filter(pk=item_id).first()
        if item is None:
            raise RewardItem.DoesNotExist
        if not item.is_available() or item.price < 1:  # a free item (made before prices had a minimum)
            raise StoreConflict(_("This reward is not available now."))
        try:
            debit = ledger.post(
                user, -item.price, _("Store: %(name)s") % {"name": item.tr.name}, kind=LedgerEntry.REDEMPTION,
                event_type="redemption", event_id=f"redemption:{uuid.uuid4().hex}",
            )
        except ledger.InsufficientPoints:
            raise StoreConflict(_("Not enough points: %(name)s costs %(price)s.") % {"name": item.name, "price": item.price}) from None
        if item.per_person_limit is not None:
            taken = Redemption.objects.filter(user=user, item=item).exclude(status=Redemption.REJECTED).count()
            if taken >= item.per_person_limit:
                raise StoreConflict(_("You have reached the limit of %(n)s for this reward.") % {"n": item.per_person_limit})
        if RewardItem.objects.filter(pk=item.pk, stock__gt=0).update(stock=F("stock") - 1) != 1:
            raise StoreConflict(_("Out of stock."))
        status = Redemption.PENDING if item.needs_approval else Redemption.APPROVED
        redemption = Redemption.objects.create(user=user, item=item, price=item.price, status=status, debit=debit)
    return redemption


class DecisionRefused(Exception):
    """This person may not decide this redemption (the page, API and admin answer 403)."""


def decision_refusal(manager, redemption):
    """Why ``manager`` may not approve or reject ``redemption``, or None. Four eyes: nobody
    decides on their own request, CX admins included; otherwise the requester's team manager
    or a CX admin decides."""
    if manager.pk == redemption.user_id:
        return _("Nobody decides on their own request: another manager or CX admin has to.")
    if roles.has_role(manager, roles.CX_ADMIN):
        return None
    team = getattr(getattr(redemption.user, "profile", None), "team", None)
    if roles.has_role(manager, roles.TEAM_MANAGER) and team is not None and team.manager_id == manager.pk:
        return None
    return _("Only the employee's team manager or a CX admin may decide this.")


def can_decide(manager, redemption):
    return decision_refusal(manager, redemption) is None


def pending_for(manager):
    """The redemptions waiting for ``manager``'s decision (the approvals page, the admin home), oldest
    first; none for someone who is neither a team manager nor a CX admin."""
    if not roles.has_any_role(manager, [roles.TEAM_MANAGER, roles.CX_ADMIN]):
        return []
    pending = Redemption.objects.filter(status=Redemption.PENDING).select_related("item", "user__profile__team")
    if not roles.has_role(manager, roles.CX_ADMIN):
        pending = pending.filter(user__profile__team__manager=manager)
    return [r for r in pending.order_by("created_at", "pk") if can_decide(manager, r)]


def decide(redemption_id, manager, approve):
    """Approve or reject a pending redemption; a rejection refunds the points and the stock.
    Raises DecisionRefused when ``manager`` may not decide it (decision_refusal)."""
    with transaction.atomic():
        redemption = (Redemption.objects.select_for_update(of=("self",))
                      .select_related("item", "user__profile__team").get(pk=redemption_id))
        refusal = decision_refusal(manager, redemption)
        if refusal:
            raise DecisionRefused(refusal)
        if redemption.status != Redemption.PENDING:
            raise StoreConflict(_("This redemption was already decided."))
        if approve:
            redemption.decided_by, redemption.decided_at = manager, timezone.now()
            redemption.status = Redemption.APPROVED
            redemption.save()
        else:
            _refund(redemption, manager, Redemption.REJECTED, _("Refund: %(name)s (not approved)"), approved_by=manager)
    badges.notify(
        redemption.user,
        (_("Your %(name)s was approved.") if approve else _("Your %(name)s was not approved; the points are back."))
        % {"name": redemption.item.tr.name},
    )
    return redemption


def _refund(redemption, by, status, reason, approved_by=None):
    """End a pending redemption (locked by the caller) with ``status``: the points back through a
    refund entry that reverses the debit, the item back in stock. ``approved_by``: the manager who
    rejected it; none when the buyer cancels (nobody approves a change of their own points)."""
    redemption.decided_by, redemption.decided_at, redemption.status = by, timezone.now(), status
    redemption.refund = ledger.post(
        redemption.user, redemption.price, reason % {"name": redemption.item.tr.name},
        kind=LedgerEntry.REFUND, event_type="redemption", event_id=redemption.debit.event_id,
        approved_by=approved_by, reverses=redemption.debit,
    )
    RewardItem.objects.filter(pk=redemption.item_id).update(stock=F("stock") + 1)
    redemption.save()


def cancel(redemption_id, user):
    """The buyer takes back a redemption still waiting for approval: points and stock return.
    Raises Redemption.DoesNotExist for anyone else's (as if it did not exist), StoreConflict once decided."""
    with transaction.atomic():
        redemption = (Redemption.objects.select_for_update(of=("self",)).select_related("item", "debit")
                      .get(pk=redemption_id, user=user))
        if redemption.status != Redemption.PENDING:
            raise StoreConflict(_("This redemption was already decided."))
        _refund(redemption, user, Redemption.CANCELLED, _("Refund: %(name)s (cancelled)"))
    return redemption


# ---------------------------------------------------------------- kudos

def clean_message(text):
    """Plain text only: every tag stripped, whitespace collapsed."""
    text = bleach.clean(text or "", tags=[], attributes={}, strip=True, strip_comments=True)
    # bleach escapes &, < and >; the template escapes again, so keep the plain characters here.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


class KudosRefused(Exception):
    """Bad kudos: empty, too long, to oneself, to someone who left (the API answers 400)."""


class KudosLimit(KudosRefused):
    """The giver's daily limit is used up (the API answers 409)."""


def give_kudos(giver, receiver, message):
    message = clean_message(message)
    if not message:
        raise KudosRefused(_("Write a short message."))
    if len(message) > 280:
        raise KudosRefused(_("Keep it under 280 characters."))
    if receiver.pk == giver.pk:
        raise KudosRefused(_("Kudos are for colleagues, not yourself."))
    if not receiver.is_active:
        raise KudosRefused(_("This colleague is no longer here."))
    limit = settings.REWARDS_KUDOS_PER_DAY
    with transaction.atomic():
        ledger.lock_wallet(giver)  # serialises one giver's kudos so the daily limit holds
        day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        if Kudos.objects.filter(giver=giver, created_at__gte=day_start).count() >= limit:
            raise KudosLimit(_("You have given %(n)s kudos today, the daily limit. Thank you!") % {"n": limit})
        kudos = Kudos.objects.create(giver=giver, receiver=receiver, message=message)
        badges.notify(receiver, _("%(name)s sent you kudos") % {"name": display_name(giver)})
    events.publish(events.kudos_given, sender=Kudos, kudos=kudos, user=receiver, giver=giver, event_id=f"kudos:{kudos.pk}")
    return kudos


# ---------------------------------------------------------------- leaderboards

PERIODS = ("week", "month", "quarter", "all")


def period_start(period, today=None):
    today = today or timezone.localdate()
    if period == "week":
        day = today - datetime.timedelta(days=today.weekday())
    elif period == "month":
        day = today.replace(day=1)
    elif period == "quarter":
        day = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    else:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def display_name(user):
    return user.get_full_name() or user.get_username()


def _earned(start=None, end=None):
    entries = LedgerEntry.objects.filter(kind__in=LedgerEntry.EARNED_KINDS)
    if start:
        entries = entries.filter(created_at__gte=start)
    if end:
        entries = entries.filter(created_at__lt=end)
    return entries


BOARD_CACHE_SECONDS = 60  # boards are aggregates over the whole ledger: shared by every viewer for a minute


def _cached(key, compute):
    from django.core.cache import cache

    rows = cache.get(key)
    if rows is None:
        rows = compute()
        cache.set(key, rows, BOARD_CACHE_SECONDS)
    return rows


def _board_key(kind, period, department, limit, start=None, end=None):
    # The newest entry's id versions the key: a new entry means new totals (one index lookup).
    from django.db.models import Max

    version = LedgerEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    day = timezone.localdate().isoformat()
    bounds = ":".join(moment.isoformat() if moment else "-" for moment in (start, end))  # no spaces: any cache takes it
    return f"rewards:board:{kind}:{period}:{department.pk if department else '-'}:{limit}:{bounds}:{day}:{version}"


def individual_board(period="month", department=None, viewer=None, limit=20):
    """Rows {rank, user_id, name, team, points, hidden, is_viewer}. Opted-out colleagues keep their
    rank but are shown as "A colleague" with no link, except to themselves. The point totals are
    cached for a minute; names and opt-outs are applied fresh for each viewer."""
    def compute():
        start = period_start(period)
        # All time: the per-person monthly totals the ledger's trigger keeps (a few rows a person).
        entries = MonthlyPoints.objects.all() if start is None else _earned(start)
        points = "points" if start is None else "amount"
        if department is not None:
            entries = entries.filter(user__profile__department_id__in=department.descendant_ids())
        return list(
            entries.values("user").annotate(points=Sum(points)).filter(points__gt=0).order_by("-points", "user")[:limit]
        )

    rows = _cached(_board_key("people", period, department, limit), compute)
    users = get_user_model().objects.in_bulk([row["user"] for row in rows])
    hidden = set(Preference.objects.filter(user__in=users, hide_from_leaderboards=True).values_list("user_id", flat=True))
    team_of = dict(get_user_model().objects.filter(pk__in=users).values_list("pk", "profile__team__slug"))
    names = reference.labels("team", {slug for slug in team_of.values() if slug})  # in the reader's language
    teams = {pk: names.get(slug) for pk, slug in team_of.items() if slug}
    board = []
    rank = 0
    for row in rows:
        user = users.get(row["user"])
        if user is None:
            continue
        rank += 1
        is_viewer = viewer is not None and viewer.pk == user.pk
        anonymous = user.pk in hidden and not is_viewer
        board.append({
            "rank": rank, "user_id": None if anonymous else user.pk,
            "name": _("A colleague") if anonymous else display_name(user),
            "team": None if anonymous else teams.get(user.pk), "points": row["points"],
            "hidden": anonymous, "is_viewer": is_viewer,
        })
    return board


def team_board(period="month", department=None, limit=20, start=None, end=None):
    def compute():
        since = start or period_start(period)
        whole = since is None and end is None  # all time: from the monthly totals, as individual_board
        entries = MonthlyPoints.objects.all() if whole else _earned(since, end)
        entries = entries.filter(user__profile__team__isnull=False)
        if department is not None:
            entries = entries.filter(user__profile__team__department_id__in=department.descendant_ids())
        return list(
            entries.values("user__profile__team__slug", "user__profile__team__name")
            .annotate(points=Sum("points" if whole else "amount"), members=Count("user", distinct=True))
            .filter(points__gt=0)
            .order_by("-points", "user__profile__team__name")[:limit]
        )

    rows = _cached(_board_key("teams", period, department, limit, start, end), compute)
    names = reference.labels("team", [row["user__profile__team__slug"] for row in rows])  # in the reader's language
    return [
        {"rank": rank, "team": row["user__profile__team__slug"],
         "name": names.get(row["user__profile__team__slug"]) or row["user__profile__team__name"],
         "points": row["points"], "members": row["members"]}
        for rank, row in enumerate(rows, start=1)
    ]


# ---------------------------------------------------------------- metrics provided to other apps

def user_summary(user, since=None):
    awards = BadgeAward.objects.filter(user=user).select_related("badge")
    if since:
        awards = awards.filter(awarded_at__gte=since)
    return {"balance": ledger.balance(user), "new_badges": [{"slug": a.badge.slug, "name": a.badge.tr.name} for a in awards]}


def user_summaries(users, since=None):
    """``user_summary`` for many users in two queries: {user pk: summary} (the digest's batches)."""
    pks = [user.pk for user in users]
    balances = dict(Wallet.objects.filter(user_id__in=pks).values_list("user_id", "balance"))
    awards = BadgeAward.objects.filter(user_id__in=pks).select_related("badge").order_by("awarded_at")
    if since:
        awards = awards.filter(awarded_at__gte=since)
    badges = {}
    for award in awards:
        badges.setdefault(award.user_id, []).append({"slug": award.badge.slug, "name": award.badge.tr.name})
    return {pk: {"balance": balances.get(pk) or 0, "new_badges": badges.get(pk, [])} for pk in pks}


def top_teams(start, end, limit=5):
    return [{"team": row["team"], "name": row["name"], "points": row["points"]}
            for row in team_board(limit=limit, start=start, end=end)]


def new_badges(start, end):
    awards = BadgeAward.objects.select_related("badge", "user")
    if start:
        awards = awards.filter(awarded_at__gte=start)
    if end:
        awards = awards.filter(awarded_at__lt=end)
    hidden = set(Preference.objects.filter(hide_from_leaderboards=True).values_list("user_id", flat=True))
    return [{"user": _("A colleague") if a.user_id in hidden else display_name(a.user), "badge": a.badge.tr.name}
            for a in awards.order_by("awarded_at")]


def engagement(members):
    """Per member: callbacks (metrics), lessons (metrics), badges, points earned this month."""
    from npshub import metrics

    month = period_start("month")
    badge_counts = dict(BadgeAward.objects.filter(user__in=members).values("user").annotate(n=Count("pk")).values_list("user", "n"))
    points = dict(_earned(month).filter(user__in=members).values("user").annotate(n=Sum("amount")).values_list("user", "n"))
    kudos = dict(Kudos.objects.filter(receiver__in=members).values("receiver").annotate(n=Count("pk")).values_list("receiver", "n"))
    has_calls, has_lessons = metrics.get("outreach.user_counts") is not None, metrics.get("education.user_progress") is not None
    rows = []
    for member in members:
        calls = metrics.call("outreach.user_counts", member) if has_calls else None
        lessons = metrics.call("education.user_progress", member) if has_lessons else None
        rows.append({
            "user": member, "name": display_name(member),
            "callbacks": (calls or {}).get("completed") if has_calls else None,
            "recovered": (calls or {}).get("recovered") if has_calls else None,
            "lessons": (lessons or {}).get("lessons_completed") if has_lessons else None,
            "badges": badge_counts.get(member.pk, 0), "points_month": points.get(member.pk, 0),
            "kudos": kudos.get(member.pk, 0),
        })
    return rows


def team_kudos(team, limit=20):
    return (Kudos.objects.filter(Q(receiver__profile__team=team) | Q(giver__profile__team=team))
            .select_related("giver__profile", "receiver").distinct()[:limit])
