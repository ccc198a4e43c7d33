"""Announcement mailings: a one-off branded e-mail to an audience by department, role and language,
through the digest pipeline (one Mailing keyed ``announcement-<id>``, a SendLog row per recipient,
the same batches, retries and exactly-once rule, tracking, one-click unsubscribe of the
"announcement" category and the per-issue report)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from npshub.digest.models import Announcement, Mailing


def audience(announcement):
    """Active employees with an e-mail address in every chosen criterion: any of the departments
    (with sub-departments), any of the roles, the language."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    departments = list(announcement.departments.all())
    if departments:
        ids = {pk for department in departments for pk in department.descendant_ids()}
        users = users.filter(Q(profile__department_id__in=ids) | Q(profile__team__department_id__in=ids))
    if announcement.roles:
        users = users.filter(Q(groups__name__in=announcement.roles) | Q(is_superuser=True))
    if announcement.language:
        users = users.filter(profile__language=announcement.language)
    return users.distinct()


def key(announcement):
    return f"announcement-{announcement.pk}"


def source(mailing):
    return Announcement.objects.filter(pk=int(mailing.key.removeprefix("announcement-"))).first()


def context(announcement):
    paragraphs = [part.strip() for part in announcement.message.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return {"heading": announcement.heading or announcement.subject, "paragraphs": paragraphs,
            "button_label": announcement.button_label, "button_url": announcement.button_url}


def mailing_for(announcement):
    from npshub.digest import mailing as mailing_lib

    mailing, _created = Mailing.objects.get_or_create(
        key=key(announcement), defaults={"kind": Mailing.ANNOUNCEMENT, "subject": announcement.subject[:200]})
    mailing_lib.ensure_rendered(mailing, announcement)
    return mailing


def start(announcement):
    """Create (or find) the mailing and its send log; re-running adds only new recipients."""
    from npshub.digest import mailing as mailing_lib

    mailing = mailing_for(announcement)
    mailing_lib.populate(mailing, audience(announcement))
    Announcement.objects.filter(pk=announcement.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return mailing
