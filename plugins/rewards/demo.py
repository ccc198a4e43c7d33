"""Demo data: rules, badges with generated images, store items, a challenge per team, some
ledger history and kudos. Idempotent: what exists is left alone."""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from npshub import metrics
from npshub.people.models import Team
from rewards import badges, demo_ru, ledger
from rewards.models import Badge, Challenge, Kudos, LedgerEntry, RewardItem, Rule

RULES = [  # name, event type, points, daily cap, monthly cap, cool-down minutes, outcomes
    ("Callback completed (customer reached)", "callback_completed", 10, 100, None, 0, "reached"),
    ("Customer recovered", "customer_recovered", 25, None, None, 0, ""),
    ("Exemplary call", "exemplary_call", 50, None, 200, 0, ""),
    ("Read the day's customer comments", "comments_read", 2, 2, 40, 0, ""),
    ("Education lesson completed", "lesson_completed", 15, 45, None, 0, ""),
    ("Quiz passed", "quiz_passed", 10, 30, None, 0, ""),
    ("Article published in the digest", "article_published", 30, None, 60, 0, ""),
    ("Kudos received", "kudos_received", 5, 15, None, 0, ""),
    ("Team challenge reached", "team_goal_reached", 100, None, None, 0, ""),
]

BADGES = [  # slug, name, tier, criterion, event type, N, window days, colour, description
    ("first-callback", "First callback", "bronze", Badge.COUNT, "callback_completed", 1, None, "#B0703A",
     "Called a customer back for the first time."),
    ("ten-callbacks", "10 callbacks", "silver", Badge.COUNT, "callback_completed", 10, None, "#8C96A8",
     "Ten customers called back."),
    ("five-recoveries", "5 recoveries", "gold", Badge.COUNT, "customer_recovered", 5, None, "#FFB400",
     "Five unhappy customers turned around."),
    ("three-month-streak", "3-month streak", "silver", Badge.STREAK, "callback_completed", 3, None, "#12805C",
     "Called customers back in each of the last three months."),
    ("nps-ambassador", "NPS ambassador of the month", "gold", Badge.AMBASSADOR, "", 1, None, "#0B5FFF",
     "Earned the most points in a month."),
    ("first-lesson", "Curious mind", "bronze", Badge.COUNT, "lesson_completed", 1, None, "#7A4FD6",
     "Finished a first NPS lesson."),
    ("kudos-magnet", "Kudos magnet", "silver", Badge.COUNT, "kudos_received", 5, 90, "#C8321E",
     "Five kudos from colleagues within 90 days."),
]

ITEMS = [  # name, description, price, stock, per person, needs approval
    ("Coffee voucher", "A coffee on us at the office café.", 50, 200, 5, False),
    ("Branded mug", "The NPS Hub mug: 9 and 10 only.", 150, 40, 2, False),
    ("Charity donation", "We donate 1,000 roubles to the charity of the month.", 300, 100, None, False),
    ("Hoodie", "A warm hoodie with the brand logo.", 400, 15, 1, False),
    ("Extra day off", "One extra paid day off, agreed with your manager.", 1500, 10, 1, True),
]


def badge_png(colour, label):
    """A round badge image, made with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    size = 192
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=colour, outline="#0A2A66", width=8)
    draw.ellipse((28, 28, size - 28, size - 28), outline="white", width=4)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 56)
    except OSError:
        font = ImageFont.load_default()
    box = draw.textbbox((0, 0), label, font=font)
    draw.text(((size - (box[2] - box[0])) / 2 - box[0], (size - (box[3] - box[1])) / 2 - box[1]), label, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _initials(name):
    words = [w for w in name.replace("-", " ").split() if w[0].isalnum()]
    return "".join(w[0] for w in words[:2]).upper()


def _image(title, colour, label):
    from wagtail.images import get_image_model

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    data = badge_png(colour, label)
    image = Image(title=title)
    image.file.save(f"rewards-{label.lower()}-{abs(hash(title)) % 10000}.png", ImageFile(io.BytesIO(data), name="badge.png"), save=False)
    image.save()
    return image


def _quarter(today):
    start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def load(stdout):
    for name, event_type, amount, daily, monthly, cooldown, outcomes in RULES:
        Rule.objects.get_or_create(name=name, defaults=dict(
            event_type=event_type, amount=amount, daily_cap=daily, monthly_cap=monthly,
            cooldown_minutes=cooldown, outcomes=outcomes))
    for slug, name, tier, criterion, event_type, n, window, colour, description in BADGES:
        if not Badge.objects.filter(slug=slug).exists():
            Badge.objects.create(
                slug=slug, name=name, tier=tier, criterion=criterion, event_type=event_type, threshold=n,
                window_days=window, description=description,
                image=_image(f"Badge: {name}", colour, _initials(name) if not name[0].isdigit() else name.split()[0]))
    for name, description, price, stock, limit, approval in ITEMS:
        RewardItem.objects.get_or_create(name=name, defaults=dict(
            description=description, price=price, stock=stock, per_person_limit=limit, needs_approval=approval))

    today = timezone.localdate()
    q_start, q_end = _quarter(today)
    m_start = today.replace(day=1)
    m_end = (m_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    goals = [
        (Challenge.NPS_RAISE, 5, "Raise our NPS by 5 points this quarter", q_start, q_end),
        (Challenge.CONTACT_RATE, 95, "Contact 95% of detractors within {} hours".format(
            metrics.call("outreach.target_hours", default=48)), m_start, m_end),
        (Challenge.CALLBACKS, 20, "20 callbacks this month", m_start, m_end),
    ]
    for index, team in enumerate(Team.objects.order_by("slug")):
        goal, target, title, start, end = goals[index % len(goals)]
        if not Challenge.objects.filter(team=team, starts_on=start, goal=goal).exists():
            Challenge.objects.create(team=team, goal=goal, target=target, title=title, starts_on=start, ends_on=end)
    _russian()

    if LedgerEntry.objects.filter(event_id__startswith="demo:").exists():
        stdout.write("rewards: demo rules, badges, store and challenges present")
        return
    _history(stdout)


def _russian():
    """The Russian texts beside the English ones (filled where still empty, so editors' work stays)."""
    for rule in Rule.objects.filter(name__in=demo_ru.RULES, name_ru=""):
        rule.name_ru = demo_ru.RULES[rule.name]
        rule.save(update_fields=["name_ru"])
    for badge in Badge.objects.filter(slug__in=demo_ru.BADGES, name_ru=""):
        badge.name_ru, badge.description_ru = demo_ru.BADGES[badge.slug]
        badge.save(update_fields=["name_ru", "description_ru"])
    for item in RewardItem.objects.filter(name__in=demo_ru.ITEMS, name_ru=""):
        item.name_ru, item.description_ru = demo_ru.ITEMS[item.name]
        item.save(update_fields=["name_ru", "description_ru"])
    for title, russian in demo_ru.CHALLENGES.items():
        Challenge.objects.filter(title=title, title_ru="").update(title_ru=russian)


def _reads_russian(user):
    return getattr(getattr(user, "profile", None), "language", "") == "ru"


def _lesson_history(users):
    """{user pk: [(moment, "lesson_completed" | "quiz_passed", event id)]} from the recorded lesson progress."""
    from npshub.pages.models import LessonProgress

    history = {}
    for row in LessonProgress.objects.filter(user__in=users).exclude(completed_at=None).values(
            "user_id", "lesson_id", "completed_at", "passed_at"):
        done = history.setdefault(row["user_id"], [])
        done.append((row["completed_at"], "lesson_completed", f"lesson_completed:{row['lesson_id']}:{row['user_id']}"))
        if row["passed_at"]:
            done.append((row["passed_at"], "quiz_passed", f"quiz_passed:{row['lesson_id']}:{row['user_id']}"))
    return history


def _history(stdout):
    """Points earned over the last two months, so that leaderboards and profiles have content.
    The demo caller has no callback history: their first callback earns the first-callback badge."""
    rng = random.Random(6)
    users = list(get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk"))
    rules = {rule.event_type: rule for rule in Rule.objects.all()}
    now = timezone.now()
    lessons = _lesson_history(users)
    for user in users:
        events = ["comments_read"]
        if user.username not in ("caller", "employee", "manager", "editor", "cxadmin"):
            events += ["callback_completed", "customer_recovered", "exemplary_call"]
        kinds = set()
        moments = sorted(now - datetime.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
                         for _n in range(rng.randint(2, 12)))
        history = [(moment, rng.choice(events), f"demo:{user.pk}:{n}") for n, moment in enumerate(moments)]
        # Lessons and quizzes pay for what the person really did (their lesson progress), under the
        # event ids the live events use: /me/'s "Lessons completed" and the coaching table agree with the points.
        history += lessons.get(user.pk, [])
        for moment, event_type, event_id in sorted(history):  # in time order, so that caps see the past only
            kinds.add(event_type)
            ledger.record_activity(user, event_type, event_id, moment)
            ledger.award(rules[event_type], user, event_id, now=moment)
        for event_type in kinds:  # only what this history added: the demo caller's first callback is still ahead
            badges.evaluate(user, event_type)
    welcome = {"employee": 400, "manager": 250, "caller": 120}
    for user in users:
        if user.username in welcome:
            # Stored in English, shown in the reader's language (the catalogue has it).
            ledger.post(user, welcome[user.username], gettext_noop("Welcome bonus: NPS Hub launch"), kind=LedgerEntry.GRANT,
                        event_type="demo", event_id=f"demo:welcome:{user.pk}")
    messages = ["Thanks for calling back that customer so quickly!", "Your lesson notes helped the whole team.",
                "Great save with the delivery complaint today.", "You turned a 3 into a 9. Brilliant.",
                "Thank you for covering my shift's callbacks."]
    kudos_rule = rules["kudos_received"]
    for n in range(16):
        giver, receiver = rng.sample(users, 2)
        moment = now - datetime.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        index = rng.randrange(len(messages))  # colleagues write in their own language
        message = demo_ru.KUDOS[index] if _reads_russian(giver) else messages[index]
        kudos = Kudos.objects.create(giver=giver, receiver=receiver, message=message, created_at=moment)
        ledger.record_activity(receiver, "kudos_received", f"kudos:{kudos.pk}", moment)
        ledger.award(kudos_rule, receiver, f"kudos:{kudos.pk}", now=moment)
    previous_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    badges.award_ambassadors(previous_month)
    stdout.write(f"rewards: demo rules, badges, store, challenges, ledger history for {len(users)} people, kudos")
