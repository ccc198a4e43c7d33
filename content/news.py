"""Demo news: CX initiatives and big wins for the home page and the meeting-room screen."""

import datetime

from django.utils import timezone

from npshub.pages.models import NewsPage, SectionPage

NEWS = [  # (slug, kind, days ago, title, summary, body)
    ("callback-within-24-hours", NewsPage.INITIATIVE, 2, "Every detractor called back within 24 hours",
     "From Monday, every customer who scores us 0-6 and agrees to a call hears from us within a day.",
     "<p>Callers in every region now share one queue. Claim a callback in the hub, call, and record the "
     "outcome: the customer's next score tells us whether we fixed it.</p>"),
    ("st-petersburg-queues-halved", NewsPage.WIN, 5, "Saint Petersburg: queue complaints halved",
     "A later delivery slot and a returns desk at the Nevsky store cut detractor comments about queues by half.",
     "<p>The St Petersburg Nevsky store moved the evening delivery slot and opened a returns desk at the entrance. "
     "Detractor comments about queues halved.</p>"),
    ("nps-lessons-for-everyone", NewsPage.INITIATIVE, 9, "Five short NPS lessons for everyone",
     "Ten minutes each, with a quiz: learn what moves our score and earn your first badge.",
     "<p>Open <b>Learn NPS</b> in the menu. Each lesson ends with a three-question quiz.</p>"),
    ("kettle-customer-returns", NewsPage.WIN, 14, "A detractor became our loudest promoter",
     "A customer whose kettle broke on day one now recommends us to her whole building.",
     "<p>A store manager called, listened, and replaced the kettle the same afternoon. Her new score: 10.</p>"),
]


def load_news(home, stdout):
    section = home.get_children().filter(slug="news").first()
    created = 0
    if section is None:
        section = home.add_child(instance=SectionPage(
            title="News", slug="news", show_in_menus=True,
            intro="<p>CX initiatives and big wins from across the company.</p>",
        ))
        created += 1
    today = timezone.localdate()
    for slug, kind, days_ago, title, summary, body in NEWS:
        if section.get_children().filter(slug=slug).exists():
            continue
        section.add_child(instance=NewsPage(
            title=title, slug=slug, kind=kind, intro=summary, date=today - datetime.timedelta(days=days_ago),
            body=[{"type": "paragraph", "value": body}],
        ))
        created += 1
    stdout.write(f"news: {created} new")
    return section
