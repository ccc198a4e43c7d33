"""Consent withdrawal and erasure of a customer's personal data, and the tombstones that make both hold.

- ``withdraw(response, ...)``: both consents false; a *withdrawn* tombstone keeps them false
  whatever the source sends again.
- ``erase(response, ...)``: the withdrawal, plus the CustomerContact deleted, the stored comment
  masked for good (``mask_pii``), an *erased* tombstone (no contact is ever stored again for this
  (source, external_id)), and the ``customer_erased`` event, whose receivers (plugins) delete what
  they hold in the same transaction: all of it is erased, or nothing.
- ``honour_tombstones`` / ``log_refusals``: ingestion's side (``npshub.feedback.ingest``), on
  every way in: what a tombstone forbids is dropped from the batch and the refusal is logged as a
  ResponseChange (personal data named, never copied).
"""

from django.db import transaction

from npshub import events
from npshub.feedback import journeys
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import ConsentTombstone, CustomerContact, Response, ResponseChange

CONSENTS = ("callback_consent", "data_consent")
NO_CONSENT = {"callback_consent": False, "data_consent": False, "consent_at": None, "consent_version": ""}
Kind = ConsentTombstone.Kind


class ErasureFailed(RuntimeError):
    """A receiver of ``customer_erased`` failed: the erasure was rolled back as a whole."""


def _label(actor, actor_label):
    return actor_label or (actor.get_username() if actor is not None else "system")


def _tombstone(response, kind, channel, label):
    """Record (or upgrade to) ``kind``; an erasure is never downgraded to a withdrawal."""
    tombstone, created = ConsentTombstone.objects.get_or_create(
        source_id=response.source_id, external_id=response.external_id,
        defaults={"kind": kind, "channel": channel[:100], "actor": label[:150]},
    )
    if not created and kind == Kind.ERASED and tombstone.kind != Kind.ERASED:
        tombstone.kind, tombstone.channel, tombstone.actor = kind, channel[:100], label[:150]
        tombstone.save(update_fields=["kind", "channel", "actor"])
    return tombstone


def withdraw(response, actor=None, channel="", actor_label=""):
    """The customer withdrew consent: both consents false now and on every re-send."""
    with transaction.atomic():
        current = Response.objects.select_for_update().get(pk=response.pk)
        changes = {name: [True, False] for name in CONSENTS if getattr(current, name)}
        Response.objects.filter(pk=current.pk).update(**NO_CONSENT)
        _tombstone(current, Kind.WITHDRAWN, channel, _label(actor, actor_label))
        if changes:
            ResponseChange.objects.create(response=current, via="withdrawal", changes=changes)
    for name, value in NO_CONSENT.items():
        setattr(response, name, value)
    return response


def erase(response, actor=None, channel="", actor_label=""):
    """Erase the customer's personal data behind ``response``; the anonymous score stays."""
    label = _label(actor, actor_label)
    with transaction.atomic():
        current = Response.objects.select_for_update().get(pk=response.pk)
        changes = {name: [True, False] for name in CONSENTS if getattr(current, name)}
        if CustomerContact.objects.filter(response=current).delete()[0]:
            changes["customer_contact"] = ["(erased)", None]
        masked = mask_pii(current.comment)
        if masked != current.comment:
            changes["comment"] = ["(personal data)", "(masked)"]
        current.customer_key = journeys.erased_key(current.customer_key)
        Response.objects.filter(pk=current.pk).update(comment=masked, customer_key=current.customer_key, **NO_CONSENT)
        current.comment = current.comment_masked = masked
        for name, value in NO_CONSENT.items():
            setattr(current, name, value)
        _tombstone(current, Kind.ERASED, channel, label)
        ResponseChange.objects.create(response=current, via="erasure", changes=changes)
        results = events.publish(
            events.customer_erased, sender=Response, response=current, actor=actor, actor_label=label,
            channel=channel, event_id=f"feedback.erased.{current.pk}",
        )
        failed = [result for _receiver, result in results if isinstance(result, Exception)]
        if failed:
            raise ErasureFailed(f"Erasure of response {current.pk} rolled back: {failed[0]}") from failed[0]
    response.__dict__.update({name: getattr(current, name) for name in ("comment", "comment_masked", *NO_CONSENT)})
    return response


def honour_tombstones(source, pending):
    """Apply ``source``'s tombstones to an ingestion batch, in place.

    ``pending`` maps external_id -> (position, values, contact) as ``Ingestor`` holds it. Returns
    {external_id: changes} for the records from which something was refused (one query)."""
    kinds = dict(
        ConsentTombstone.objects.filter(source=source, external_id__in=list(pending)).values_list("external_id", "kind")
    )
    refused = {}
    for external_id, kind in kinds.items():
        position, values, contact = pending[external_id]
        changes = {name: [True, False] for name in CONSENTS if values[name]}
        values.update(NO_CONSENT)
        if kind == Kind.ERASED:
            if contact:
                changes["customer_contact"] = ["(sent)", "(refused: erased)"]
                contact = None
            masked = mask_pii(values["comment"])
            if masked != values["comment"]:
                changes["comment"] = ["(sent)", "(masked: erased)"]
                values["comment"] = masked
        pending[external_id] = (position, values, contact)
        if changes:
            refused[external_id] = changes
    return refused


def log_refusals(source, refused, via):
    """One ResponseChange per re-sent record a tombstone refused something from."""
    if not refused:
        return
    ids = dict(Response.objects.filter(source=source, external_id__in=list(refused)).values_list("external_id", "pk"))
    ResponseChange.objects.bulk_create([
        ResponseChange(response_id=ids[external_id], via=via, changes=changes)
        for external_id, changes in refused.items() if external_id in ids
    ])
