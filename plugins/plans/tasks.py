"""Check-in reminders: the owner of an active plan whose check-in is due gets an e-mail (in their
language) and, when PLANS_REMIND_TEAMS is on, a card goes to the Teams channels of the weekly
results. Once per plan and due date (a unique row), whatever the beat's rhythm."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plans.models import Plan, Reminder

logger = logging.getLogger("plans")


def _base_url():
    from npshub.digest import mailing

    return mailing.base_url()


def due_plans(today=None):
    """(plan, due date) of the active plans whose next check-in is due by ``today``."""
    today = today or timezone.localdate()
    for plan in Plan.objects.filter(status=Plan.Status.ACTIVE, starts_on__lte=today).select_related("owner__profile", "team", "department"):
        due = plan.next_check_in_due()
        if due <= today:
            yield plan, due


def remind(plan, due_on):
    from npshub.digest.transactional import send_branded_email

    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(plan=plan, due_on=due_on)
    except IntegrityError:
        return False
    link = _base_url() + reverse("plans:detail", args=[plan.pk]) + "#check-in"
    owner = plan.owner
    language = getattr(getattr(owner, "profile", None), "language", "en") or "en"
    with translation.override(language):
        subject = _("Check-in due: %(plan)s") % {"plan": plan.title}
        message = _("The %(rhythm)s check-in of the action plan “%(plan)s” (%(unit)s) is due. Record the progress "
                    "and a note; the page shows the effect measured since the plan started.") % {
            "rhythm": plan.get_rhythm_display().lower(), "plan": plan.title, "unit": plan.unit_name}
        if owner.email:
            reminder.emailed = send_branded_email(owner.email, subject, "thank_you", {
                "name": owner.get_full_name() or owner.get_username(), "heading": subject, "message": message,
                "button_url": link, "button_label": _("Record the check-in"),
            }, language=language)
            reminder.save(update_fields=["emailed"])
    if settings.PLANS_REMIND_TEAMS:
        from npshub.digest import teams
        from npshub.digest.tasks import post_notice

        who = owner.get_full_name() or owner.get_username()
        post_notice(f"plans.reminder.{plan.pk}.{due_on.isoformat()}", teams.alert_card(
            f"Check-in due: {plan.title}", f"{plan.unit_name}: {who}, the {plan.rhythm} check-in of this action plan is due.",
            link, "Record the check-in"))
    return True


@shared_task(name="plans.remind_check_ins")
def remind_check_ins():
    sent = 0
    for plan, due_on in list(due_plans()):
        sent += remind(plan, due_on)
    return sent
