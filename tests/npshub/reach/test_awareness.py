"""The awareness index from real signals: the baseline quiz, lessons, digest opens with visits."""

import datetime

import pytest
from django.utils import timezone

from npshub.digest.models import Mailing, SendLog
from npshub.pages import education
from npshub.pages.models import LessonProgress
from npshub.reach import awareness
from npshub.reach.models import ActiveDay, AwarenessSettings
from tests import factories as f
from tests.npshub.reach.helpers import lessons

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def people(n, team, **fields):
    return [f.user("employee", team=team, date_joined=days_ago(400), **fields) for _ in range(n)]


def opened_digest(user, when):
    mailing = Mailing.objects.get_or_create(key=f"digest-{when:%Y%m%d}", defaults={"kind": Mailing.DIGEST, "subject": "D"})[0]
    SendLog.objects.create(mailing=mailing, recipient=user, email=user.email, status=SendLog.SENT,
                           sent_at=when, opened_at=when, open_count=1)


def test_each_signal_counts_and_only_in_its_window():
    tree, org = lessons(), f.org()
    quiz, lesson, engaged, half, stale, none = people(6, org.retail_team)
    education.take_quiz(tree["baseline"], quiz, {1: 2})                    # 1. the baseline quiz
    education.complete(tree["other"], lesson)                              # 2. a lesson
    opened_digest(engaged, days_ago(3))                                     # 3. digest + 2 visit days
    ActiveDay.objects.bulk_create([ActiveDay(user=engaged, day=timezone.localdate() - datetime.timedelta(days=d))
                                   for d in (1, 2)])
    opened_digest(half, days_ago(3))                                        # an open without visits: no
    LessonProgress.objects.create(user=stale, lesson=tree["other"], completed_at=days_ago(400))  # too old
    at = awareness._end_of_today()
    assert awareness.aware_ids(at) == {quiz.pk, lesson.pk, engaged.pk}
    assert awareness.index_at(at) == {"index": 50.0, "aware": 3, "employees": 6}
    # A month ago nobody was aware yet.
    assert awareness.summary()["previous"] == 0.0 and awareness.summary()["change"] == 50.0
    # Thresholds are settings: two lessons needed, the old one valid for good, one visit day enough.
    cfg = AwarenessSettings.load()
    cfg.min_lessons, cfg.knowledge_valid_months, cfg.min_visit_days = 2, 0, 1
    cfg.save()
    assert awareness.aware_ids(at) == {quiz.pk, engaged.pk}
    ActiveDay.objects.create(user=half, day=timezone.localdate())  # today counts
    LessonProgress.objects.create(user=stale, lesson=tree["baseline"], completed_at=days_ago(500))
    assert awareness.aware_ids(at) == {quiz.pk, engaged.pk, half.pk, stale.pk}


def test_departments_lowest_first_small_apart_and_never_reached():
    tree = lessons()
    big, low, tiny = f.department("Big"), f.department("Low"), f.department("Tiny")
    big_people = people(5, f.team(department_=big))
    low_people = people(5, f.team(department_=low))
    tiny_people = people(2, f.team(department_=tiny))
    inactive = f.user("employee", team=f.team(department_=big), date_joined=days_ago(400), is_active=False)
    for person in big_people[:4] + low_people[:1] + tiny_people[:1]:
        education.complete(tree["other"], person)
    ActiveDay.objects.create(user=low_people[1], day=timezone.localdate() - datetime.timedelta(days=1))
    result = awareness.by_department()
    assert [(row["name"], row["index"], row["aware"], row["employees"]) for row in result["ranked"]] == [
        ("Low", 20.0, 1, 5), ("Big", 80.0, 4, 5)]
    assert result["small"] == {"departments": 1, "employees": 2, "aware": 1, "index": 50.0}
    never = awareness.never_reached()
    assert never["total"] == 1 + 3 + 1 and never["small"] == 1
    assert [(row["name"], row["count"]) for row in never["ranked"]] == [("Low", 3), ("Big", 1)]
    assert inactive.pk not in awareness.employees(timezone.now())


def test_monthly_trend_counts_people_who_joined_by_then():
    tree, org = lessons(), f.org()
    old = people(2, org.retail_team)
    new = f.user("employee", team=org.retail_team, date_joined=days_ago(20))
    LessonProgress.objects.create(user=old[0], lesson=tree["other"], completed_at=days_ago(100))
    education.complete(tree["other"], new)
    trend = awareness.monthly(6)
    assert len(trend) == 6 and trend[-1]["period_start"] == timezone.localdate().replace(day=1)
    assert trend[-1] == {**trend[-1], "aware": 2, "employees": 3, "index": 66.7}
    assert trend[0]["aware"] == 0 and trend[0]["employees"] == 2 and trend[0]["index"] == 0.0


def test_dashboard_and_home_card_for_cx_admins_only(client):
    tree, org = lessons(), f.org()
    employee = f.user("employee", team=org.retail_team, date_joined=days_ago(40))
    education.take_quiz(tree["baseline"], employee, {1: 2})
    client.force_login(employee)
    assert client.get("/reach/").status_code == 403
    assert "data-home-awareness" not in client.get("/").content.decode()
    admin = f.user("cx_admin", team=org.cx_team, date_joined=days_ago(40), language="ru")
    client.force_login(admin)
    html = client.get("/reach/").content.decode()
    assert 'data-awareness="50.0"' in html and "50,0\u00a0%" in html  # Russian number format
    assert client.get("/reach/?days=abc").status_code == 400
    home = client.get("/").content.decode()
    assert "data-home-awareness" in home and 'data-awareness="50.0"' in home
