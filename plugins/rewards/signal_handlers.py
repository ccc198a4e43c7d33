"""Events from the core and other plugins become points and badges, in a Celery task.

Receivers read the event's kwargs by name only (duck typing: they never import the plugin that
sent it) and hand the task ids and strings, after the sender's transaction commits."""

from django.dispatch import receiver
from django.utils import timezone

from npshub import events

from rewards.tasks import process_event


def _enqueue(event_type, user, event_id, outcome=None):
    if user is None or not event_id or not getattr(user, "pk", None):
        return
    # When it happened travels with the task: rules created later never pay for it.
    process_event.delay_on_commit(event_type, str(event_id), user.pk, outcome, timezone.now().isoformat())


@receiver(events.callback_completed, dispatch_uid="rewards.callback_completed")
def on_callback_completed(sender, user=None, event_id=None, outcome=None, **kwargs):
    _enqueue("callback_completed", user, event_id, outcome)


@receiver(events.customer_recovered, dispatch_uid="rewards.customer_recovered")
def on_customer_recovered(sender, user=None, event_id=None, **kwargs):
    _enqueue("customer_recovered", user, event_id)


@receiver(events.exemplary_call, dispatch_uid="rewards.exemplary_call")
def on_exemplary_call(sender, user=None, event_id=None, **kwargs):
    _enqueue("exemplary_call", user, event_id)


@receiver(events.comments_read, dispatch_uid="rewards.comments_read")
def on_comments_read(sender, user=None, event_id=None, **kwargs):
    _enqueue("comments_read", user, event_id)


@receiver(events.lesson_completed, dispatch_uid="rewards.lesson_completed")
def on_lesson_completed(sender, user=None, event_id=None, **kwargs):
    _enqueue("lesson_completed", user, event_id)


@receiver(events.quiz_passed, dispatch_uid="rewards.quiz_passed")
def on_quiz_passed(sender, user=None, event_id=None, **kwargs):
    _enqueue("quiz_passed", user, event_id)


@receiver(events.article_published, dispatch_uid="rewards.article_published")
def on_article_published(sender, user=None, event_id=None, **kwargs):
    _enqueue("article_published", user, event_id)


@receiver(events.kudos_given, dispatch_uid="rewards.kudos_received")
def on_kudos_given(sender, user=None, event_id=None, **kwargs):
    _enqueue("kudos_received", user, event_id)


@receiver(events.plan_action_completed, dispatch_uid="rewards.plan_action_completed")
def on_plan_action_completed(sender, user=None, event_id=None, **kwargs):
    _enqueue("plan_action_completed", user, event_id)
