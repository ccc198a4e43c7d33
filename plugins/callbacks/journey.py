"""Customer journeys on the call page, and promoters who slip.

The core matches a customer's answers by a keyed hash (npshub.feedback.journeys). Here: the
journey as a caller sees it (every answer's score and masked comment, and the callbacks of their
scope with status and outcome), and the alert when a promoter's next answer falls to a lower
category: a detractor enters the queue (unless the detractor playbook says otherwise), a passive
gets a callback too unless the passive playbook follows passives up by e-mail. Those callbacks
carry the tag "slipped promoter"."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from callbacks import access, playbooks
from callbacks.models import Callback, Playbook
from npshub.feedback import journeys, nps
from npshub.feedback.models import Response
from npshub.people.models import Team

SLIPPED = "slipped promoter"


def for_caller(user, response):
    answers = journeys.journey(response)
    calls = {c.response_id: c for c in access.scoped(Callback.objects.filter(response__in=answers), user)}
    return [{"response": answer, "comment": access.masked_comment(answer), "category": nps.category(answer.score),
             "callback": calls.get(answer.pk), "current": answer.pk == response.pk} for answer in answers]


def _passives_emailed():
    return Playbook.objects.filter(category=Playbook.Category.PASSIVE, active=True,
                                   action=Playbook.Action.FOLLOW_UP_EMAIL).exists()


def queue_slipped(response_ids, now=None):
    """Callbacks for the new answers among ``response_ids`` of promoters who slipped; returns them."""
    from callbacks.queue import new_callback

    now = now or timezone.now()
    answers = (Response.objects.filter(pk__in=response_ids, callback_consent=True, data_consent=True, score__isnull=False,
                                       submitted_at__gte=now - timedelta(days=settings.CALLBACKS_MAX_AGE_DAYS))
               .exclude(customer_key="").exclude(customer_key__startswith=journeys.ERASED))
    made = []
    for answer in answers:
        before = journeys.previous(answer)
        category = nps.category(answer.score)
        if before is None or nps.category(before.score) != nps.PROMOTER or category == nps.PROMOTER:
            continue
        if category == nps.DETRACTOR and not playbooks.detractors_queued():
            continue
        if category == nps.PASSIVE and _passives_emailed():
            continue
        callback = Callback.objects.filter(response=answer).first()
        if callback is None:
            department = Team.objects.filter(slug=answer.team).values_list("department_id", flat=True).first()
            callback = new_callback(answer, category, department, now, tags=SLIPPED)
            callback.save()
        elif SLIPPED not in callback.tag_list:
            callback.tags = ", ".join([*callback.tag_list, SLIPPED])[:300]
            callback.save(update_fields=["tags"])
        made.append(callback)
    return made
