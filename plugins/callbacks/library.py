"""The call library and the training material, read through the need-to-know policy (``access``)."""

from django.db.models import Exists, OuterRef, Prefetch

from callbacks import access
from callbacks.models import Callback, Recording, TrainingCollection

RELATED = ("recordings", "training_collections", "call_attempts", "response__topics")


def _records(user, queryset):
    queryset = queryset.select_related("response", "completed_by__profile", "department").prefetch_related(*RELATED)
    return access.call_records(user, queryset)


def library_queryset(user):
    """Completed, recorded calls whose record ``user`` may see, newest first."""
    recorded = Exists(Recording.objects.filter(callback_id=OuterRef("pk")))
    return _records(user, Callback.objects.filter(recorded, status=Callback.Status.DONE)).order_by("-completed_at", "-pk")


def training_material(user):
    """(collections, each with ``.visible_calls``; exemplary calls in no collection): every
    signed-in employee's training material, masked as ``access`` says."""
    calls = _records(user, Callback.objects.filter(access.training_q())).order_by("-completed_at", "-pk")
    collections = list(TrainingCollection.objects.prefetch_related(Prefetch("calls", queryset=calls, to_attr="visible_calls")))
    in_collections = {call.pk for collection in collections for call in collection.visible_calls}
    loose = [call for call in calls if call.pk not in in_collections]
    present(user, [call for collection in collections for call in collection.visible_calls] + loose)
    return collections, loose


def present(user, callbacks):
    """Give each callback what its page shows to ``user``: ``masked`` comment and ``visible_notes``."""
    for callback in callbacks:
        callback.masked = access.masked_comment(callback.response)
        callback.visible_notes = access.notes_of(user, callback)
    return callbacks
