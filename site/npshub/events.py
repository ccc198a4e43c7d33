"""Domain events published by the core and the plugins.

Plugins subscribe in their ``signal_handlers.py`` with ``@receiver(event, dispatch_uid=...)`` and
never import each other: a plugin that publishes an event and one that reacts to it meet here. Publish with ``publish(event, sender=..., **kwargs)``: a failing receiver is
logged and does not stop the others or the caller.

Every event carries ``event_id``: a string unique to that occurrence, so that receivers can
process it exactly once even when it is delivered twice.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger("npshub.events")

responses_received = Signal()
"""Customer responses were stored or changed, by any way in (CLI import, API, webhook), once per
batch so that a 100,000-row import costs handlers one call per batch, not per row.
kwargs: ``response_ids`` (list of feedback.Response pks, created or changed), ``created_ids``
(the subset that is new), ``event_id``."""

callback_completed = Signal()
"""An employee finished a callback call with an outcome.
kwargs: ``callback``, ``user`` (the caller), ``outcome`` (str), ``resolved`` (bool), ``follow_ups``
(list of ``{"id": int, "team": team slug, "description": str}``: actions the caller asked a team to
take; may be empty), ``event_id``."""

customer_recovered = Signal()
"""A called-back customer later answered as a promoter or passive.
kwargs: ``callback``, ``user`` (the caller credited), ``event_id``."""

exemplary_call = Signal()
"""An editor marked a call as exemplary. kwargs: ``callback``, ``user`` (the caller), ``event_id``."""

article_published = Signal()
"""An employee's article was published. kwargs: ``page``, ``user`` (the author), ``event_id``."""

lesson_completed = Signal()
"""An employee finished an education lesson. kwargs: ``lesson`` (page), ``user``, ``event_id``."""

quiz_passed = Signal()
"""An employee passed a lesson quiz. kwargs: ``lesson``, ``user``, ``score`` (0..1), ``event_id``."""

comments_read = Signal()
"""An employee read the day's customer comments. kwargs: ``user``, ``day`` (date), ``event_id``."""

kudos_given = Signal()
"""An employee thanked a colleague. kwargs: ``kudos``, ``user`` (the receiver), ``giver``, ``event_id``."""

plan_action_completed = Signal()
"""An action of a team's action plan was marked done.
kwargs: ``action`` (the action object), ``user`` (the action's owner, credited; may be None),
``by`` (who marked it done), ``follow_up_id`` (the id a ``callback_completed`` follow-up carried when
the action came from a call, else None), ``event_id`` (``"<publisher>.action_done.<action pk>"``)."""

digest_sent = Signal()
"""A digest issue finished sending. kwargs: ``issue``, ``sent``, ``skipped``, ``failed``, ``event_id``."""

customer_erased = Signal()
"""A customer's personal data was erased (``npshub.feedback.erasure.erase``); receivers delete
what they hold about that customer (recordings, notes...), in the same database transaction.

Sender: ``feedback.Response``. kwargs: ``response`` (the Response, its contact already deleted,
its comment masked), ``actor`` (the User who recorded the erasure, or None), ``actor_label``
(str: a username, ``"source:<slug>"``...), ``channel`` (str: how the customer asked),
``event_id`` (``"feedback.erased.<response pk>"``). Return value: ignored. A receiver that raises
makes the whole erasure fail and roll back, so that nothing is half-erased."""

contact_retention_holds = Signal()
"""The core is about to purge customer contacts past ``FEEDBACK_CONTACT_RETENTION_DAYS``
(``npshub.feedback.retention.purge_contacts``); receivers name the responses whose contact they
still need (e.g. a callback in progress).

Sender: ``feedback.CustomerContact``. kwargs: ``cutoff`` (aware datetime: contacts of responses
submitted before it are due), ``event_id``. Return value: a QuerySet or iterable of
``feedback.Response`` pks to keep this time. A receiver that raises stops the run (nothing is
purged when a plugin cannot say what it needs)."""

employee_deactivated = Signal()
"""An employee left (the directory's SCIM client, ``import_employees --deactivate-missing`` or an
admin deactivated the account). The account stays (points, articles, audit entries keep their
owner); whatever the employee held for others must be let go now (e.g. open callback claims).
kwargs: ``user``, ``via`` (scim, import, admin), ``event_id``."""


def publish(event, sender, **kwargs):
    """Send ``event`` to every receiver; log, never raise, a receiver's failure."""
    results = event.send_robust(sender=sender, **kwargs)
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "Receiver %r of %s failed: %s", receiver, sender, result, exc_info=result
            )
    return results
