"""Follow-up actions written from a call's outcome become the team's open actions."""

from django.dispatch import receiver

from npshub import events
from plans import services


@receiver(events.callback_completed, dispatch_uid="plans.follow_ups")
def on_callback_completed(sender, follow_ups=(), user=None, **kwargs):
    services.take_follow_ups(follow_ups, caller=user)
