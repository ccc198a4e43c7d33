"""Team challenges from real data, team points paid once; kudos; leaderboards with opt-out;
the coaching view; the figures rewards provides to other apps."""

import datetime

import pytest
from django.utils import timezone

from npshub import metrics
from npshub.feedback.models import Response, Source
from rewards import challenges, ledger, services
from rewards.models import Badge, BadgeAward, Challenge, Kudos, LedgerEntry, Preference, Rule
from rewards.tasks import settle_challenges
from tests import factories as f


def _responses(team_slug, day, scores):
    source, _ = Source.objects.get_or_create(slug="survey", defaults={"name": "Survey"})
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for n, score in enumerate(scores):  # one by one: the rollups follow single saves
        Response.objects.create(source=source, external_id=f"{team_slug}-{day}-{n}", submitted_at=moment, score=score, team=team_slug)


@pytest.fixture
def provider():
    """Stand in for the callbacks plugin's metrics (rewards must not depend on its code)."""
    figures = {"completed": 0, "due": 0, "contacted": 0}
    rate = lambda slug, start, end: {  # noqa: E731
        "due": figures["due"], "contacted_in_target": figures["contacted"],
        "rate": figures["contacted"] / figures["due"] if figures["due"] else None}
    with metrics.swap("outreach.team_completed", lambda slug, start, end: figures["completed"]), \
            metrics.swap("outreach.team_contact_rate", rate), metrics.swap("outreach.target_hours", lambda: 24):
        yield figures


def test_nps_raise_progress_from_real_responses(team):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=9)
    challenge = Challenge.objects.create(title="Raise NPS", team=team, goal=Challenge.NPS_RAISE, target=5,
                                         starts_on=start, ends_on=start + datetime.timedelta(days=29))
    _responses(team.slug, start - datetime.timedelta(days=5), [10, 10, 0, 0])  # baseline NPS 0
    _responses("other-team", start + datetime.timedelta(days=1), [0, 0, 0])    # not this team
    _responses(team.slug, start + datetime.timedelta(days=1), [10, 10, 10, 0])  # NPS 50
    result = challenges.progress(challenge)
    assert result.available and result.current == 50.0 and result.reached and result.percent == 100


def test_nps_progress_says_when_there_is_too_little_data(team):
    today = timezone.localdate()
    challenge = Challenge.objects.create(title="Raise NPS", team=team, goal=Challenge.NPS_RAISE, target=5,
                                         starts_on=today, ends_on=today + datetime.timedelta(days=30))
    result = challenges.progress(challenge)
    assert result.current is None and not result.reached and "Not enough responses" in result.detail


def test_callback_goals_degrade_clearly_without_the_callbacks_metrics(team):
    today = timezone.localdate()
    challenge = Challenge.objects.create(title="20 callbacks", team=team, goal=Challenge.CALLBACKS, target=20,
                                         starts_on=today, ends_on=today)
    with metrics.swap("outreach.team_completed", None):  # as when the plugin is off; back afterwards
        result = challenges.progress(challenge)
    assert not result.available and "unavailable" in result.detail


def test_reached_goal_pays_every_member_exactly_once(team, employee, caller, provider):
    Rule.objects.create(name="Team goal", event_type="team_goal_reached", amount=100)
    badge = Badge.objects.create(name="Team player", slug="team-player", event_type="team_goal_reached", threshold=1)
    today = timezone.localdate()
    challenge = Challenge.objects.create(title="20 callbacks", team=team, goal=Challenge.CALLBACKS, target=20,
                                         starts_on=today.replace(day=1), ends_on=today + datetime.timedelta(days=3))
    provider["completed"] = 12
    assert settle_challenges() == {"entries": 0}
    assert challenges.progress(challenge).percent == 60
    provider["completed"] = 21
    assert settle_challenges() == {"entries": 2}
    assert challenges.settle(challenge) == 0  # again: nothing more
    assert ledger.balance(employee) == ledger.balance(caller) == 100
    assert LedgerEntry.objects.filter(event_id=f"challenge:{challenge.pk}").count() == 2
    challenge.refresh_from_db()
    assert challenge.reached_at is not None
    assert BadgeAward.objects.filter(badge=badge).count() == 2


def test_contact_rate_goal(team, provider):
    today = timezone.localdate()
    challenge = Challenge.objects.create(title="95%", team=team, goal=Challenge.CONTACT_RATE, target=95,
                                         starts_on=today, ends_on=today)
    assert challenges.progress(challenge).detail == "No detractors to call back yet."
    provider.update(due=20, contacted=19)
    result = challenges.progress(challenge)
    assert result.current == 95.0 and result.reached
    assert result.detail == "19 of 20 detractors contacted within 24 hours"  # the callbacks plugin's target
    with metrics.swap("outreach.target_hours", None):
        assert challenges.progress(challenge).detail == "19 of 20 detractors contacted within the target time"


def test_challenges_api(employee, team, provider):
    today = timezone.localdate()
    Challenge.objects.create(title="20 callbacks", team=team, goal=Challenge.CALLBACKS, target=20, starts_on=today, ends_on=today)
    provider["completed"] = 5
    data = f.api(employee).get("/api/v1/rewards/challenges/").json()["challenges"]
    assert data[0]["percent"] == 25 and data[0]["team"] == team.slug
    assert f.api(employee).get("/api/v1/rewards/challenges/?team=nope").status_code == 404


def test_kudos_are_sanitised_plain_text_and_limited_per_day(employee, caller, settings):
    settings.REWARDS_KUDOS_PER_DAY = 2
    client = f.api(employee)
    response = client.post("/api/v1/rewards/kudos/", {"to": caller.pk, "message": "<script>alert(1)</script><b>Great</b>   call!"}, format="json")
    assert response.status_code == 201
    assert Kudos.objects.get().message == "alert(1)Great call!"
    assert client.post("/api/v1/rewards/kudos/", {"to": caller.pk, "message": "Again"}, format="json").status_code == 201
    limited = client.post("/api/v1/rewards/kudos/", {"to": caller.pk, "message": "Third"}, format="json")
    assert limited.status_code == 409 and "limit" in limited.json()["detail"]
    assert client.post("/api/v1/rewards/kudos/", {"to": employee.pk, "message": "Me"}, format="json").status_code in (400, 409)
    assert f.api(caller).post("/api/v1/rewards/kudos/", {"to": employee.pk, "message": "<i></i>"}, format="json").status_code == 400
    received = f.api(employee).get(f"/api/v1/rewards/kudos/?user={caller.pk}").json()["results"]
    assert [k["message"] for k in received] == ["Again", "alert(1)Great call!"]


def test_kudos_publish_the_event(employee, caller):
    from npshub import events

    seen = []

    def listener(sender, **kwargs):
        seen.append(kwargs)

    events.kudos_given.connect(listener, dispatch_uid="test-listener")
    try:
        kudos = services.give_kudos(employee, caller, "Thanks")
    finally:
        events.kudos_given.disconnect(dispatch_uid="test-listener")
    assert seen[0]["user"] == caller and seen[0]["giver"] == employee and seen[0]["event_id"] == f"kudos:{kudos.pk}"


def test_leaderboards_per_period_department_and_opt_out(team, department):
    from npshub.people.models import Department, Team

    other_dept = Department.objects.create(name="Retail", slug="retail")
    store = Team.objects.create(name="Store", slug="store", department=other_dept)
    alice, bob = f.user("employee", team=team, first_name="Alice"), f.user("employee", team=team, first_name="Bob")
    carol = f.user("employee", team=store, first_name="Carol")
    rule = Rule.objects.create(name="R", event_type="lesson_completed", amount=10)
    old = timezone.now() - datetime.timedelta(days=200)
    ledger.award(rule, alice, "old", now=old)
    ledger.award(rule, alice, "old2", now=old + datetime.timedelta(minutes=1))
    ledger.award(rule, alice, "old3", now=old + datetime.timedelta(minutes=2))
    ledger.award(rule, bob, "b1")
    ledger.award(rule, bob, "b2")
    ledger.award(rule, carol, "c1")
    Preference.objects.create(user=bob, hide_from_leaderboards=True)

    rows = f.api(alice).get("/api/v1/rewards/leaderboard/?period=month").json()["rows"]
    assert [(r["name"], r["points"], r["user_id"]) for r in rows] == [("A colleague", 20, None), ("Carol", 10, carol.pk)]
    mine = f.api(bob).get("/api/v1/rewards/leaderboard/?period=month").json()["rows"]
    assert mine[0]["name"] == "Bob" and mine[0]["is_viewer"]  # you always see yourself
    all_time = f.api(alice).get("/api/v1/rewards/leaderboard/?period=all").json()["rows"]
    assert all_time[0]["name"] == "Alice" and all_time[0]["points"] == 30
    dept = f.api(alice).get("/api/v1/rewards/leaderboard/?period=all&department=retail").json()["rows"]
    assert [r["name"] for r in dept] == ["Carol"]
    teams = f.api(alice).get("/api/v1/rewards/leaderboard/?kind=team&period=all").json()["rows"]
    assert [(r["team"], r["points"]) for r in teams] == [(team.slug, 50), ("store", 10)]
    assert f.api(alice).get("/api/v1/rewards/leaderboard/?period=decade").status_code == 400
    # Redemptions are spending, not earning: they do not lower a leaderboard place.
    item = __import__("rewards.models", fromlist=["RewardItem"]).RewardItem.objects.create(name="M", price=5, stock=1)
    services.redeem(alice, item.pk)
    assert f.api(alice).get("/api/v1/rewards/leaderboard/?period=all").json()["rows"][0]["points"] == 30


def test_metrics_provided_to_other_apps(team, employee, caller, first_callback_badge, callback_rule):
    from rewards.tasks import process_event

    process_event("callback_completed", "c1", caller.pk, "reached")
    assert metrics.call("recognition.user_summary", caller) == {"balance": 10, "new_badges": [{"slug": "first-callback", "name": "First callback"}]}
    # The bulk form answers the same for each user, and for a user with no wallet yet.
    assert metrics.call("recognition.user_summaries", [caller, employee]) == {
        caller.pk: metrics.call("recognition.user_summary", caller), employee.pk: {"balance": 0, "new_badges": []}}
    assert metrics.call("recognition.top_teams", None, None, 5) == [{"team": team.slug, "name": "Contact centre", "points": 10}]
    assert metrics.call("recognition.new_badges", None, None) == [{"user": caller.first_name, "badge": "First callback"}]
    Preference.objects.create(user=caller, hide_from_leaderboards=True)
    assert metrics.call("recognition.new_badges", None, None) == [{"user": "A colleague", "badge": "First callback"}]


def test_notifications_api(caller, first_callback_badge):
    from rewards.tasks import process_event

    process_event("callback_completed", "c1", caller.pk, "reached")
    client = f.api(caller)
    data = client.get("/api/v1/rewards/notifications/").json()
    assert data["unread"] == 1 and "First callback" in data["items"][0]["message"]
    assert client.post("/api/v1/rewards/notifications/").status_code == 204
    assert client.get("/api/v1/rewards/notifications/").json()["unread"] == 0
