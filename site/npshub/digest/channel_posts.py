"""Channel posts go to Teams exactly once per channel.

1. start: a due scheduled post becomes ``sending`` and gets one delivery row per chosen channel, in
   one transaction (the unique (post, channel) row is the only way to post to a channel).
2. claim: before each HTTP call its row goes ``pending/retry -> sending`` in one conditional UPDATE
   tagged with a fresh token, committed; a row someone else claimed is skipped.
3. post, then record: ``sent`` with the HTTP status, or, when Teams answered "no" (4xx/5xx) or the
   connection never opened, ``waiting to retry`` (408, 429, 5xx, no connection) or ``failed``.

A worker killed between the claim and the record leaves the row in ``sending``: the request may
have reached Teams, so it is never posted again. After TEAMS_CLAIM_TIMEOUT such a row becomes ``not
confirmed``, with a note for the editor to check the channel. The same goes for a connection lost
after the request went out (a read timeout): at most once there, and the admin says so.
"""

import datetime
import logging
import secrets
import urllib.error

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from npshub.digest import card_html, teams
from npshub.digest.models import ChannelPost, ChannelPostDelivery as Delivery

logger = logging.getLogger("npshub.digest")
RETRY_CODES = {408, 429}


def due_posts(now=None):
    now = now or timezone.now()
    return ChannelPost.objects.filter(status=ChannelPost.Status.SCHEDULED).filter(
        Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now))


def _image_url(post):
    if not post.image_id:
        return None
    url = post.image.get_rendition("max-1200x800").url
    return url if url.startswith(("http://", "https://")) else settings.NPSHUB_BASE_URL.rstrip("/") + url


def card(post, language):
    """The message posted to a channel reading ``language`` (the other language's text when this one's
    is blank); the section's name and the button in the channel's language."""
    with translation.override(language):
        _used, title, body = post.text_in(language)
        return teams.post_card(str(post.get_section_display()), title, body, image_url=_image_url(post),
                               link_url=post.link_url or None)


def preview(post, language):
    """For the admin: the card as HTML, and whether it falls back to the other language's text."""
    used = post.text_in(language)[0]
    return {"language": language, "language_name": _language_name(language),
            "html": card_html.render(card(post, language)), "fallback": used != language,
            "used_name": _language_name(used)}


def _language_name(code):
    """In the reader's language (English, Russian / английский, русский)."""
    return translation.get_language_info(code)["name_translated"]


def start(post_id):
    """A due scheduled post -> ``sending``, with its delivery rows; False when it is not due or
    someone else started it."""
    now = timezone.now()
    with transaction.atomic():
        if not due_posts(now).filter(pk=post_id).update(status=ChannelPost.Status.SENDING, started_at=now):
            return False
        post = ChannelPost.objects.get(pk=post_id)
        rows = [Delivery(post=post, channel=channel, language=channel.language) for channel in post.channels.all()]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return True


def _claim(delivery_id, now):
    token = secrets.token_hex(16)
    claimed = Delivery.objects.filter(pk=delivery_id).filter(
        Q(status=Delivery.PENDING) | Q(status=Delivery.RETRY, next_attempt_at__lte=now)
    ).update(status=Delivery.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    return token if claimed else None


def _record(delivery, token, status, **fields):
    Delivery.objects.filter(pk=delivery.pk, claim=token).update(status=status, **fields)


def _refused(delivery, token, error, code=None, retry=True):
    """Teams did not take the post (it said so, or no connection was made): retry later, or give up."""
    error = str(error)[:2000]
    if retry and delivery.attempts < settings.TEAMS_POST_MAX_ATTEMPTS:
        wait = datetime.timedelta(seconds=settings.TEAMS_RETRY_BACKOFF * 2 ** max(0, delivery.attempts - 1))
        _record(delivery, token, Delivery.RETRY, status_code=code, error=error, next_attempt_at=timezone.now() + wait)
    else:
        _record(delivery, token, Delivery.FAILED, status_code=code, error=error)
    logger.warning("Channel post %s to %s not accepted (attempt %s): %s", delivery.post_id, delivery.channel,
                   delivery.attempts, error)


def _post_one(delivery, token, payload):
    if not delivery.channel.active:
        _record(delivery, token, Delivery.FAILED, error=_("The channel is switched off."))
        return
    try:
        code = teams.post(delivery.channel.webhook_url, payload)
    except urllib.error.HTTPError as exc:  # Teams answered, and not with 2xx: nothing was posted
        _refused(delivery, token, f"HTTP {exc.code}: {exc.reason}", code=exc.code,
                 retry=exc.code in RETRY_CODES or exc.code >= 500)
    except urllib.error.URLError as exc:  # no connection was made (refused, unknown host, connect timeout)
        _refused(delivery, token, exc.reason)
    except ValueError as exc:  # an address urllib cannot use
        _refused(delivery, token, exc, retry=False)
    except OSError as exc:  # the request went out and the answer was lost (read timeout, reset)
        _record(delivery, token, Delivery.UNCONFIRMED, error=_unconfirmed_note(exc))
    else:
        _record(delivery, token, Delivery.SENT, status_code=code, sent_at=timezone.now(), error="")


def _unconfirmed_note(detail):
    return _("Teams may have received this post, but did not confirm it (%(detail)s). Check the channel; "
             "it is not sent again automatically.") % {"detail": detail or _("the worker stopped")}


def deliver(post_id):
    """Post the post's due deliveries, each claimed (and committed) before its HTTP call."""
    post = ChannelPost.objects.get(pk=post_id)
    cards = {}
    due = Delivery.objects.filter(post_id=post_id).filter(
        Q(status=Delivery.PENDING) | Q(status=Delivery.RETRY, next_attempt_at__lte=timezone.now()))
    for delivery_id in due.order_by("pk").values_list("pk", flat=True):
        token = _claim(delivery_id, timezone.now())
        if token is None:
            continue  # another run claimed it first
        delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
        if delivery.language not in cards:
            cards[delivery.language] = card(post, delivery.language)
        _post_one(delivery, token, cards[delivery.language])
    return finish(post_id)


def finish(post_id):
    """Every channel handled: the post is ``sent`` (all channels took it) or ``failed``."""
    rows = Delivery.objects.filter(post_id=post_id)
    if rows.exclude(status__in=Delivery.TERMINAL).exists():
        return False
    status = ChannelPost.Status.SENT if rows.exists() and not rows.exclude(status=Delivery.SENT).exists() \
        else ChannelPost.Status.FAILED
    return bool(ChannelPost.objects.filter(pk=post_id, status=ChannelPost.Status.SENDING).update(
        status=status, finished_at=timezone.now()))


def resend(post_id):
    """An editor's decision: the channels that failed or did not confirm get the post once more
    (a `not confirmed` channel may then show it twice). Returns how many channels are queued."""
    with transaction.atomic():
        post = ChannelPost.objects.select_for_update().get(pk=post_id)
        if post.status != ChannelPost.Status.FAILED:
            return 0
        count = post.deliveries.filter(status__in=(Delivery.FAILED, Delivery.UNCONFIRMED)).update(
            status=Delivery.PENDING, claim="", next_attempt_at=None)
        if count:
            ChannelPost.objects.filter(pk=post_id).update(status=ChannelPost.Status.SENDING, finished_at=None)
    return count


def release_stale():
    """Rows a dead worker left in ``sending``: not posted again, marked ``not confirmed``."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.TEAMS_CLAIM_TIMEOUT)
    stale = Delivery.objects.filter(status=Delivery.SENDING, claimed_at__lt=cutoff)
    posts = set(stale.values_list("post_id", flat=True))
    stale.update(status=Delivery.UNCONFIRMED, error=_unconfirmed_note(None))
    return posts


def publish_due():
    """Beat, every minute (and right after an editor schedules a post that is due): start due posts,
    post what is due, settle what dead workers left. Safe to run any number of times at once."""
    release_stale()
    started = sum(start(pk) for pk in due_posts().values_list("pk", flat=True))
    delivered = 0
    for pk in ChannelPost.objects.filter(status=ChannelPost.Status.SENDING).values_list("pk", flat=True):
        delivered += 1
        deliver(pk)
    return {"started": started, "sending": delivered}
