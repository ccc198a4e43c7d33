"""Demo reach history: a year of lessons, quizzes, digest opens and visits that takes the awareness
index from about a sixth of the staff to about three quarters (the seed's "76 % became aware"),
with usage aggregated as the visit recorder writes it. Deterministic; loaded once."""

import datetime
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale

from npshub.digest.models import Mailing, SendLog
from npshub.pages.models import LessonPage, LessonProgress
from npshub.reach import awareness
from npshub.reach.models import ActiveDay, UsageDay

SECTIONS = [("home", 5), ("learn", 3), ("news", 2), ("articles", 2), ("guide-book", 1), ("digest", 1)]
QUIZ_SHARE = 0.60        # passed the baseline quiz by now
ENGAGED_NOW = 0.42       # of those who never took the quiz: open the digest and visit in a month (0.10 a year ago)


def _department(user):
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    return profile.department_id or (profile.team.department_id if profile.team_id else None)


def _moment(rng, day):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 18), rng.randint(0, 59)), tzinfo=tz)


def load_awareness(stdout):
    if ActiveDay.objects.exists():
        stdout.write("reach history: already loaded")
        return
    default = Locale.get_default()
    lessons = list(LessonPage.objects.filter(locale=default).order_by("path"))
    baseline = awareness.baseline_lesson(awareness.config())
    if baseline is None or not lessons:
        stdout.write("reach history: no lessons, skipped")
        return
    rng = random.Random(76)
    users = list(get_user_model().objects.filter(is_active=True).select_related("profile", "profile__team").order_by("username"))
    now = timezone.now()
    today = timezone.localdate()
    # Everyone joined over a year ago, except a few newcomers.
    for n, user in enumerate(users):
        user.date_joined = now - datetime.timedelta(days=rng.randint(100, 160) if n % 12 == 5 else rng.randint(400, 900))
    get_user_model().objects.bulk_update(users, ["date_joined"])
    order = users[:]
    rng.shuffle(order)

    progress = []
    passers = order[: round(QUIZ_SHARE * len(order))]
    for i, user in enumerate(passers):
        # Early adopters first, then a steady stream: more passes in recent months.
        days_ago = int(340 * (1 - ((i + 1) / len(passers)) ** 1.1)) + rng.randint(0, 6)
        joined_days = (now - user.date_joined).days - 1
        when = _moment(rng, today - datetime.timedelta(days=min(days_ago, joined_days)))
        progress.append(LessonProgress(user=user, lesson=baseline, completed_at=when, passed_at=when,
                                       quiz_attempts=rng.choice([1, 1, 2]), best_score=1.0))
        for lesson in lessons[1: 1 + rng.randint(0, 3)]:
            later = when + datetime.timedelta(days=rng.randint(1, 40))
            if later < now:
                progress.append(LessonProgress(user=user, lesson=lesson, completed_at=later))
    LessonProgress.objects.bulk_create(progress, ignore_conflicts=True)

    active, visits, logs = {}, Counter(), []
    never = set(u.pk for u in order[-max(2, len(order) // 20):])  # a few nobody reached yet
    passer_ids = {u.pk for u in passers}
    tomorrow = today + datetime.timedelta(days=1)
    for back in range(12, -1, -1):
        # Month-long windows back from today, so they never overlap: the index now reads exactly the
        # last one, whatever the day of the month (on the 1st too).
        month_end = awareness.add_months(tomorrow, -back)
        share = ENGAGED_NOW - (ENGAGED_NOW - 0.10) * back / 12
        mailing = Mailing.objects.get_or_create(
            key=f"history-digest-{month_end - datetime.timedelta(days=1):%Y-%m}",
            defaults={"kind": Mailing.DIGEST, "subject": f"NPS digest {month_end - datetime.timedelta(days=1):%B %Y}"})[0]
        eligible = [u for u in users if u.pk not in never and (now - u.date_joined).days >= 30 * back + 1]
        others = [u for u in eligible if u.pk not in passer_ids]
        engaged_ids = {u.pk for u in rng.sample(others, round(share * len(others)))}
        engaged_ids |= {u.pk for u in eligible if u.pk in passer_ids and rng.random() < 0.5}
        for user in eligible:
            engaged = user.pk in engaged_ids
            sent = _moment(rng, month_end - datetime.timedelta(days=27))
            opened = engaged or rng.random() < 0.2
            logs.append(SendLog(mailing=mailing, recipient=user, email=user.email or f"{user.username}@example.com",
                                department_id=_department(user), status=SendLog.SENT, sent_at=sent,
                                opened_at=sent + datetime.timedelta(hours=rng.randint(1, 48)) if opened else None,
                                open_count=1 if opened else 0,
                                clicked_at=sent + datetime.timedelta(hours=50) if opened and rng.random() < 0.4 else None,
                                click_count=0))
            days = rng.randint(2, 6) if engaged else (rng.randint(0, 1) if rng.random() < 0.6 else 0)
            for day in rng.sample(range(1, 28), days):
                on = month_end - datetime.timedelta(days=day)
                if (on, user.pk) in active:
                    continue
                active[(on, user.pk)] = _department(user)
                for _ in range(rng.randint(1, 5)):
                    section = rng.choices([s for s, _w in SECTIONS], weights=[w for _s, w in SECTIONS])[0]
                    visits[(on, _department(user), section)] += 1
    SendLog.objects.bulk_create(logs, ignore_conflicts=True)
    ActiveDay.objects.bulk_create([ActiveDay(day=d, user_id=u, department_id=dept) for (d, u), dept in active.items()],
                                  ignore_conflicts=True)
    UsageDay.objects.bulk_create([UsageDay(day=d, department_id=dept, section=s, visits=n)
                                  for (d, dept, s), n in visits.items()], ignore_conflicts=True)
    now_index = awareness.summary()
    stdout.write(f"reach history: {len(progress)} lesson records, {len(logs)} digest deliveries, "
                 f"{len(active)} active days; awareness index now {now_index['index']} %")
