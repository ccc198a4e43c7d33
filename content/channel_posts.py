"""Demo Teams channels and channel posts: one post already sent to both channels, one scheduled
for next week. The channels' webhook addresses are placeholders (example.com): point them at a
real Teams Workflows webhook to see the cards in Teams."""

import datetime

from django.utils import timezone

from npshub.digest.models import ChannelPost, ChannelPostDelivery, TeamsChannel

CHANNELS = [
    ("CX team", "en", "https://teams-webhook.example.com/workflows/cx-team"),
    ("Сервис и продажи", "ru", "https://teams-webhook.example.com/workflows/service-sales"),
]

POSTS = [
    {
        "section": ChannelPost.Section.WINS,
        "title_en": "The Kazan store reached NPS 62",
        "body_en": "Six months ago the **Kazan** store was at 31. The team called back every detractor within a day "
                   "and fixed the three things customers named most:\n\n- the queue at the till\n- "
                   "out-of-stock sizes\n- the returns desk hours\n\nThank you, Kazan!",
        "title_ru": "Магазин в Казани вышел на NPS 62",
        "body_ru": "Полгода назад у магазина в **Казани** было 31. Команда перезванивала каждому критику в течение "
                   "дня и исправила три вещи, о которых клиенты писали чаще всего:\n\n- очередь на кассе\n"
                   "- нет нужных размеров\n- часы работы стойки возвратов\n\nСпасибо, Казань!",
        "status": ChannelPost.Status.SENT, "days": -3,
    },
    {
        "section": ChannelPost.Section.TIPS,
        "title_en": "Call back within 48 hours",
        "body_en": "Customers we call back within two days come back _twice as often_ as those we call later. "
                   "Claim a callback from the [queue](https://nps-hub.example.com/callbacks/) today.",
        "title_ru": "Перезванивайте в течение 48 часов",
        "body_ru": "Клиенты, которым мы перезвонили за два дня, возвращаются _вдвое чаще_. Возьмите звонок из "
                   "[очереди](https://nps-hub.example.com/callbacks/) сегодня.",
        "status": ChannelPost.Status.SCHEDULED, "days": 7,
    },
]


def load_channel_posts(stdout):
    channels = []
    for name, language, url in CHANNELS:
        channel, _created = TeamsChannel.objects.get_or_create(
            name=name, defaults={"webhook_url": url, "language": language, "post_digest": False, "post_weekly": False})
        channels.append(channel)
    created = 0
    now = timezone.now()
    for spec in POSTS:
        spec = dict(spec)
        days = spec.pop("days")
        if ChannelPost.objects.filter(title_en=spec["title_en"]).exists():
            continue
        when = (now + datetime.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        post = ChannelPost.objects.create(scheduled_at=when, **spec)
        post.channels.set(channels)
        if post.status == ChannelPost.Status.SENT:
            ChannelPost.objects.filter(pk=post.pk).update(started_at=when, finished_at=when)
            ChannelPostDelivery.objects.bulk_create([
                ChannelPostDelivery(post=post, channel=c, language=c.language, status=ChannelPostDelivery.SENT,
                                    attempts=1, sent_at=when, status_code=202) for c in channels])
        created += 1
    stdout.write(f"channel posts: {created} new")
