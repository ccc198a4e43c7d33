"""Demo action plans with actions and check-ins, measured on the demo answers (idempotent)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from npshub.feedback.models import Topic
from npshub.people.models import Department, Team
from plans import effect
from plans.models import Action, CheckIn, Plan

PLANS = [  # (team slug or None, department slug or None, owner username, title, goal, target, topic, days ago, days left, rhythm)
    ("store-moscow-tverskaya", None, "manager", "Friendlier, faster tills at Tverskaya", "nps", 45, "", 40, 50, "weekly"),
    (None, "ecommerce", "cxadmin", "Fewer complaints about delivery", "topic", 20, "delivery", 60, 30, "monthly"),
    ("contact-centre", None, "cxadmin", "Call every detractor back in time", "contact_rate", 90, "", 21, 70, "weekly"),
]

ACTIONS = {  # title of the plan → (action, owner username or "", due in days (negative: past), done)
    "Friendlier, faster tills at Tverskaya": [
        ("Open a second till at lunchtime", "manager", -20, True),
        ("Greeting and goodbye training for every shift", "employee", -5, True),
        ("Queue-length check every hour on Saturdays", "employee", 10, False),
    ],
    "Fewer complaints about delivery": [
        ("Courier partner review with the worst-rated slots", "cxadmin", -30, True),
        ("Send the delivery window by SMS the evening before", "", 15, False),
    ],
    "Call every detractor back in time": [
        ("Morning huddle on the overdue queue", "cxadmin", -10, True),
        ("Second caller on Mondays", "caller", 7, False),
    ],
}

NOTES = [
    (20, "Actions agreed with the team; first changes in place."),
    (45, "Half of the actions done; customers mention the queue less."),
    (70, "The new routine holds; watching whether the change is more than the margin."),
]


def load(stdout):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["manager", "cxadmin", "employee", "caller"])}
    if "manager" not in users or "cxadmin" not in users:
        stdout.write("plans: no demo people yet (load the company first)")
        return
    today = timezone.localdate()
    made = 0
    for team_slug, dept_slug, owner, title, goal, target, topic_slug, ago, left, rhythm in PLANS:
        team = Team.objects.filter(slug=team_slug).first() if team_slug else None
        department = Department.objects.filter(slug=dept_slug).first() if dept_slug else None
        topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
        if (team_slug and team is None) or (dept_slug and department is None) or (topic_slug and topic is None):
            continue
        if Plan.objects.filter(title=title).exists():
            continue
        start = today - datetime.timedelta(days=ago)
        plan = Plan.objects.create(
            title=title, team=team, department=department, owner=users[owner], goal=goal, target=target, topic=topic,
            starts_on=start, ends_on=today + datetime.timedelta(days=left), rhythm=rhythm, created_by=users[owner],
            created_at=timezone.now() - datetime.timedelta(days=ago),
        )
        for action_title, who, due, done in ACTIONS[title]:
            Action.objects.create(
                plan=plan, team=team, title=action_title, owner=users.get(who), due_on=today + datetime.timedelta(days=due),
                status=Action.Status.DONE if done else Action.Status.OPEN, created_by=users[owner],
                completed_at=timezone.now() + datetime.timedelta(days=due) if done else None,
                completed_by=users[owner] if done else None,
            )
        step = 7 if rhythm == Plan.Rhythm.WEEKLY else 30
        days = list(range(ago - step, 0, -step))[-len(NOTES):]
        for (progress, note), days_ago in zip(NOTES, days):
            when = today - datetime.timedelta(days=days_ago)
            CheckIn.objects.create(
                plan=plan, author=users[owner], progress=progress, note=note, effect=effect.measure(plan, today=when),
                created_at=timezone.now() - datetime.timedelta(days=days_ago),
            )
        made += 1
    stdout.write(f"plans: {made} new demo action plans ({Plan.objects.count()} in all)")
