"""Background work of the feedback app (Celery)."""

from celery import shared_task
from django.db import transaction

from npshub.feedback.models import Response, Topic
from npshub.feedback.topics import compile_rule, match

RETAG_CHUNK = 5000


def retag(topic, chunk=RETAG_CHUNK):
    """Make ``topic``'s links match its current rules over every comment, chunk by chunk.

    Idempotent: each chunk replaces the topic's links of the responses in that chunk, so a run
    interrupted half-way and started again ends in the same state. Returns the number of links."""
    through = Response.topics.through
    rule = compile_rule(topic) if topic.active else None
    last_pk, linked = 0, 0
    while True:
        rows = list(
            Response.objects.filter(pk__gt=last_pk).exclude(comment="")
            .order_by("pk").values_list("pk", "comment")[:chunk]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        matched = [pk for pk, comment in rows if rule and topic.pk in match(comment, [rule])]
        with transaction.atomic():
            through.objects.filter(topic_id=topic.pk, response_id__gte=rows[0][0], response_id__lte=last_pk).delete()
            through.objects.bulk_create([through(response_id=pk, topic_id=topic.pk) for pk in matched], batch_size=5000)
        linked += len(matched)
    return linked


@shared_task(name="feedback.retag_topic", acks_late=True)
def retag_topic(topic_id):
    """Retag every comment for one topic after its rules changed (queued on the snippet's save)."""
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return {"topic": topic_id, "linked": 0, "deleted": True}
    return {"topic": topic.slug, "linked": retag(topic)}


@shared_task(name="feedback.retag_all")
def retag_all():
    """Retag every comment for every topic (e.g. after a stemmer upgrade)."""
    return {topic.slug: retag(topic) for topic in Topic.objects.all()}


@shared_task(name="feedback.purge_contacts")
def purge_contacts():
    """Delete customer contacts past their retention (beat: daily); returns how many."""
    from npshub.feedback.retention import purge_contacts as purge

    return purge().purged


@shared_task(name="feedback.run_due_pulls")
def run_due_pulls():
    """Beat, every PULL_BEAT_SECONDS: queue one task per pull whose time has come."""
    from npshub.feedback.pulls import runner

    ids = list(runner.due().values_list("pk", flat=True))
    for pull_id in ids:
        pull_source.delay(pull_id, "schedule")
    return ids


@shared_task(name="feedback.pull_source", acks_late=True)
def pull_source(pull_id, trigger="schedule"):
    """Run one pull (idempotent: ingestion stores each response once; the lock refuses a second
    concurrent run). A scheduled run whose pull is no longer due was queued twice: skipped."""
    from npshub.feedback.pulls import runner

    if trigger == "schedule" and not runner.due().filter(pk=pull_id).exists():
        return None
    record = runner.run(pull_id, trigger)
    return None if record is None else {"run": record.pk, "status": record.status, "created": record.created}
