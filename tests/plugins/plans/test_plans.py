"""Action plans: who may make and change them, the effect measured from real answers, follow-ups
from calls, the completed-action event, check-in reminders (e-mail + Teams), pages and the API."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from npshub import events
from npshub.digest.models import TeamsChannel, TeamsPost
from npshub.feedback.models import Topic
from plans import effect, services
from plans.models import Action, CheckIn, Plan, Reminder
from plans.tasks import remind_check_ins
from tests import factories as f
from tests.npshub.digest.test_teams_weekly import Webhook

pytestmark = pytest.mark.django_db


def make_plan(team, owner, days_ago=14, **fields):
    today = timezone.localdate()
    fields.setdefault("goal", Plan.Goal.NPS)
    fields.setdefault("target", 30)
    return Plan.objects.create(title="Friendlier tills", team=team, owner=owner, created_by=owner,
                               starts_on=today - datetime.timedelta(days=days_ago),
                               ends_on=today + datetime.timedelta(days=60), **fields)


@pytest.fixture
def world():
    org = f.org()
    manager = f.user("manager", team=org.retail_team)
    return org, manager


def test_effect_compares_the_plan_days_with_as_many_before(world):
    org, manager = world
    plan = make_plan(org.retail_team, manager, days_ago=27)  # 28 days so far
    today = timezone.localdate()
    before_day, after_day = plan.starts_on - datetime.timedelta(days=3), today - datetime.timedelta(days=1)
    f.responses("survey", before_day, promoters=10, passives=10, detractors=20, team=org.retail_team.slug)
    f.responses("survey", after_day, promoters=30, passives=5, detractors=5, team=org.retail_team.slug)
    f.responses("survey", after_day, detractors=50, team=org.ecommerce_team.slug)  # another team: not counted
    measured = effect.measure(plan)
    assert measured["baseline"] == {"from": (plan.starts_on - datetime.timedelta(days=28)).isoformat(),
                                    "to": (plan.starts_on - datetime.timedelta(days=1)).isoformat()}
    assert measured["nps"]["before"]["nps"] == -25.0 and measured["nps"]["before"]["responses"] == 40
    assert measured["nps"]["after"]["nps"] == 62.5 and measured["nps"]["after"]["responses"] == 40
    assert measured["nps"]["change"] == 87.5
    assert measured["nps"]["significant"] is True
    assert measured["goal"] == {"current": 62.5, "target": 30, "met": True}


def test_topic_goal_counts_detractor_mentions(world):
    org, manager = world
    topic = Topic.objects.create(name="Queues", slug="queues-plan", keywords_en="queue")
    plan = make_plan(org.retail_team, manager, goal=Plan.Goal.TOPIC, target=1, topic=topic)
    for score, days in ((2, 20), (3, 18), (1, 2), (9, 2)):
        f.ingest([score], days_ago=days, team=org.retail_team.slug, comment="The queue was long")
    measured = effect.measure(plan)
    assert measured["topic"]["before"] == {"mentions": 2, "detractor_mentions": 2}
    assert measured["topic"]["after"] == {"mentions": 2, "detractor_mentions": 1}
    assert measured["goal"] == {"current": 1, "target": 1, "met": True}


def test_only_managers_of_the_unit_create_and_change_plans(world):
    org, manager = world
    employee = f.user("employee", team=org.retail_team)
    other_manager = f.user("manager", team=org.ecommerce_team)
    fields = dict(title="Plan", team=org.retail_team, goal="nps", target=20, starts_on=timezone.localdate(),
                  ends_on=timezone.localdate() + datetime.timedelta(days=30), rhythm="weekly")
    with pytest.raises(services.Refused):
        services.create_plan(employee, owner=employee, **fields)
    with pytest.raises(services.Refused):
        services.create_plan(other_manager, owner=other_manager, **fields)
    plan = services.create_plan(manager, owner=manager, **fields)
    assert services.can_manage(manager, plan) and not services.can_manage(other_manager, plan)
    assert services.can_manage(f.user("cx_admin"), plan)
    with pytest.raises(services.Refused):
        services.add_action(employee, plan, "Fix it")


def test_completed_action_publishes_one_event(world, django_capture_on_commit_callbacks):
    org, manager = world
    plan = make_plan(org.retail_team, manager)
    doer = f.user("employee", team=org.retail_team)
    action = services.add_action(manager, plan, "Second till at lunch", owner=doer)
    received = []

    def on_done(sender, **kwargs):
        received.append(kwargs)

    events.plan_action_completed.connect(on_done, dispatch_uid="test.plans.done")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.set_action_status(manager, action, "done")
        with django_capture_on_commit_callbacks(execute=True):
            services.set_action_status(manager, action, "open")
            services.set_action_status(manager, action, "done")
    finally:
        events.plan_action_completed.disconnect(dispatch_uid="test.plans.done")
    assert len(received) == 1
    assert received[0]["user"] == doer and received[0]["by"] == manager
    assert received[0]["event_id"] == f"plans.action_done.{action.pk}"


def test_call_follow_ups_land_in_the_team_open_actions_once(world):
    org, manager = world
    plan = make_plan(org.retail_team, manager)
    follow_ups = [{"id": 9001, "team": org.retail_team.slug, "description": "Call Anna at +7 916 123-45-67 about the kettle"},
                  {"id": 9002, "team": org.ecommerce_team.slug, "description": "Fix the checkout page"}]
    caller = f.user("caller", team=org.cx_team)
    for _ in range(2):  # delivered twice
        events.publish(events.callback_completed, sender=None, callback=None, user=caller, outcome="reached",
                       resolved=True, follow_ups=follow_ups, event_id="callbacks.completed.1")
    retail = list(services.open_actions(org.retail_team))
    assert [(a.plan_id, a.follow_up_id, a.owner_id) for a in retail] == [(plan.pk, 9001, None)]
    assert "123-45-67" not in retail[0].title
    webshop = list(services.open_actions(org.ecommerce_team))
    assert [(a.plan_id, a.title) for a in webshop] == [(None, "Fix the checkout page")]


def test_check_in_stores_the_effect_and_refuses_bad_progress(world):
    org, manager = world
    plan = make_plan(org.retail_team, manager)
    f.responses("survey", timezone.localdate() - datetime.timedelta(days=1), promoters=3, detractors=1,
                team=org.retail_team.slug)
    with pytest.raises(services.Refused) as refused:
        services.check_in(manager, plan, 101)
    assert refused.value.status == 400
    check = services.check_in(manager, plan, 40, "Second till works")
    assert check.effect["nps"]["after"]["responses"] == 4 and check.effect["nps"]["after"]["nps"] == 50.0


def test_reminder_once_by_email_and_teams(world, settings):
    org, manager = world
    plan = make_plan(org.retail_team, manager, days_ago=8)
    make_plan(org.retail_team, manager, days_ago=3)  # not due yet
    hook = Webhook()
    try:
        TeamsChannel.objects.create(name="Retail", webhook_url=hook.url, post_weekly=True)
        assert remind_check_ins() == 1
        assert remind_check_ins() == 0
    finally:
        hook.close()
    assert list(Reminder.objects.values_list("plan_id", "due_on", "emailed")) == [
        (plan.pk, plan.starts_on + datetime.timedelta(days=7), True)]
    mails = list(Path(settings.EMAIL_FILE_PATH).glob("*.eml"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert manager.email in text and "Check-in due" in text
    assert TeamsPost.objects.filter(ok=True).count() == 1
    assert "Friendlier tills" in str(hook.cards[0])
    services.check_in(manager, plan, 10)
    assert remind_check_ins() == 0  # the check-in moved the next due date a week on


def test_pages_and_sections(world, client):
    org, manager = world
    plan = make_plan(org.retail_team, manager)
    services.add_action(manager, plan, "Second till at lunch")
    f.response(4, team=org.retail_team.slug, comment="Rude, call me on +7 916 555-44-33",
               submitted_at=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(manager)
    page = client.get(reverse("plans:meeting", args=[org.retail_team.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Friendlier tills" in html and "Second till at lunch" in html and "Record a check-in" in html
    assert "555-44-33" not in html and "Rude" in html
    assert client.get(reverse("rewards:team", args=[org.retail_team.slug])).content.decode().count('data-testid="plans-team-section"') == 1
    assert client.get(reverse("plans:overview")).status_code == 200
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    employee = f.user("employee", team=org.retail_team)
    client.force_login(employee)
    assert client.get(reverse("plans:new")).status_code == 403
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Record a check-in" not in detail
    assert client.post(reverse("plans:check_in", args=[plan.pk]), {"progress": 5}).status_code == 403
    assert client.get(reverse("plans:meeting", args=["no-such-team"])).status_code == 404


def test_api(world):
    org, manager = world
    api = f.api(manager)
    today = timezone.localdate()
    created = api.post("/api/v1/plans/", {"title": "Queues down", "team": org.retail_team.slug, "goal": "nps",
                                          "target": 25, "starts_on": today.isoformat(),
                                          "ends_on": (today + datetime.timedelta(days=30)).isoformat(), "rhythm": "weekly"},
                       format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert created.json()["effect"]["goal"] == {"current": None, "target": 25.0, "met": None}
    bad = api.post("/api/v1/plans/", {"title": "X", "goal": "nps", "target": 25, "starts_on": today.isoformat(),
                                      "ends_on": today.isoformat()}, format="json")
    assert bad.status_code == 400
    refused = api.post("/api/v1/plans/", {"title": "X", "team": org.ecommerce_team.slug, "goal": "nps", "target": 5,
                                          "starts_on": today.isoformat(), "ends_on": today.isoformat()}, format="json")
    assert refused.status_code == 403
    action = api.post(f"/api/v1/plans/{plan_id}/actions/", {"title": "Open a second till"}, format="json")
    assert action.status_code == 201
    assert api.post(f"/api/v1/plans/{plan_id}/check-ins/", {"progress": 120}, format="json").status_code == 400
    assert api.post(f"/api/v1/plans/{plan_id}/check-ins/", {"progress": 20, "note": "ok"}, format="json").status_code == 201
    employee_api = f.api(f.user("employee", team=org.retail_team))
    listed = employee_api.get("/api/v1/plans/").json()
    assert [p["id"] for p in listed["results"]] == [plan_id]
    assert employee_api.post(f"/api/v1/plans/{plan_id}/check-ins/", {"progress": 5}, format="json").status_code == 403
    action_id = action.json()["id"]
    assert employee_api.post(f"/api/v1/plans/actions/{action_id}/status/", {"status": "done"}, format="json").status_code == 403
    done = api.post(f"/api/v1/plans/actions/{action_id}/status/", {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api.post(f"/api/v1/plans/actions/{action_id}/status/", {"status": "nope"}, format="json").status_code == 400
    assert f.api().get("/api/v1/plans/").status_code == 401
    for odd in ({"starts_on": "0001-01-01"}, {"target": "NaN"}, {"ends_on": "9999-12-31"}):
        fields = {"title": "Odd", "team": org.retail_team.slug, "goal": "nps", "target": 5,
                  "starts_on": today.isoformat(), "ends_on": today.isoformat(), **odd}
        assert api.post("/api/v1/plans/", fields, format="json").status_code == 400, odd
    assert api.get("/api/v1/plans/abc/").status_code == 404
    assert api.post("/api/v1/plans/actions/abc/status/", {"status": "done"}, format="json").status_code == 404
    assert CheckIn.objects.filter(plan_id=plan_id).count() == 1
    assert Action.objects.get(pk=action_id).completed_by == manager


def test_meeting_peer_teams_ranked_fairly_with_small_teams_apart(world, client):
    """The peer benchmark uses the core's fair rule: the lower end of the margin; a team under the
    minimum (NPSHUB_RANKING_MIN_RESPONSES) is listed under "Too few answers", without a rank."""
    org, manager = world
    f.team("store-2", org.retail, "Store Two")
    f.team("store-3", org.retail, "Store Three")
    day = timezone.localdate() - datetime.timedelta(days=3)
    f.responses("survey", day, promoters=26, passives=8, detractors=6, team="store-2")  # NPS 50 on 40
    f.responses("survey", day, promoters=220, passives=140, detractors=40, team=org.retail_team.slug)  # 45 on 400
    f.responses("survey", day, promoters=3, passives=2, detractors=2, team="store-3")  # 7 answers
    client.force_login(manager)
    html = client.get(reverse("plans:meeting", args=[org.retail_team.slug])).content.decode()
    ranked, _sep, apart = html.partition("Too few answers")
    table = ranked[ranked.index("data-peers-ranked"):]
    assert table.index("Store 1") < table.index("Store Two")  # 45 on 400 beats 50 on 40
    assert "<td>1</td><td>Store 1</td>" in table and "<td>2</td><td>Store Two</td>" in table
    assert "Store Three" not in table and "Store Three" in apart and "7 answers" in apart
    client.cookies["django_language"] = "ru"
    try:
        html = client.get(reverse("plans:meeting", args=[org.retail_team.slug])).content.decode()
    finally:
        translation.deactivate()  # the request left Russian active: not for the next test
    assert "Слишком мало ответов" in html
