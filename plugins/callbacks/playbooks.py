"""Segment playbooks: promoters thanked by a branded e-mail, passives followed up, detractors
queued. Each action is a PlaybookAction row (who, when, result), sent by a Celery task."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from callbacks.models import Playbook, PlaybookAction
from npshub.feedback import nps
from npshub.feedback.models import Response


def detractors_queued():
    """Detractors enter the queue unless an active detractor playbook says otherwise."""
    playbook = Playbook.objects.filter(category=Playbook.Category.DETRACTOR, active=True).first()
    return playbook is None or playbook.action == Playbook.Action.QUEUE


def schedule(response_ids):
    """Create the pending e-mail actions for new consenting promoters / passives; idempotent."""
    playbooks = {
        p.category: p for p in Playbook.objects.filter(
            active=True, action__in=(Playbook.Action.THANK_YOU_EMAIL, Playbook.Action.FOLLOW_UP_EMAIL)
        )
    }
    if not playbooks:
        return []
    since = timezone.now() - timedelta(days=settings.CALLBACKS_PLAYBOOK_MAX_AGE_DAYS)
    responses = Response.objects.filter(
        pk__in=response_ids, data_consent=True, contact__email__gt="", submitted_at__gte=since
    ).only("pk", "score")
    created = []
    for response in responses:
        category = nps.category(response.score)
        playbook = playbooks.get(category)
        if playbook is None:
            continue
        action, new = PlaybookAction.objects.get_or_create(
            response=response, action=playbook.action, defaults={"playbook": playbook}
        )
        if new:
            created.append(action.pk)
    if created:
        from callbacks.tasks import run_playbook_action

        for pk in created:
            transaction.on_commit(lambda pk=pk: run_playbook_action.delay(pk))
    return created
