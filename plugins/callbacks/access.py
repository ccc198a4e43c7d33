"""Who sees what in the callbacks plugin: the audit trail, roles, department scope and the one
need-to-know policy for call records (README "Who sees what").

- **Scope**: CX admins and members of CALLBACKS_CENTRAL_DEPARTMENTS (sub-departments included)
  see every department; anyone else sees their own department (profile department, else their
  team's) and its sub-departments. A response's department is its team's (``Callback.department``).
- **Queue** (open callbacks, claims, contact data): callers and CX admins, within their scope.
- **Call records** (audio, notes, outcome): ``call_records(user, queryset)`` is the only way views,
  the API and the admin read them. Callers, team managers and editors see the records of their
  scope, CX admins (and central CX departments) every record: access ``"full"``. Calls an editor
  marked exemplary or put in a training collection are training material for every signed-in
  employee: access ``"training"``. Editors curate only what they may see.
- **Notes** are shown as written only to the caller who wrote them and to CX admins; everyone
  else reads them masked (``notes_masked``, stored when written). Comments are always masked.
- **Research interviews** (``interview_records``) follow the same rule: personal data and the
  transcript for the department scope and CX admins, masked training material for every employee
  only when the consent covers training; ``callbacks.add_interview`` makes a CX researcher.
- **Listening** is audited once per user, recording and CALLBACKS_LISTEN_SESSION_MINUTES.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from rest_framework.throttling import UserRateThrottle

from callbacks.models import AuditLog, Callback, Interview, TrainingCollection
from npshub.people import roles

FULL, TRAINING = "full", "training"
RECORD_ROLES = (roles.CALLER, roles.TEAM_MANAGER, roles.EDITOR, roles.CX_ADMIN)


def audit(user, action, obj=None, actor=None, **detail):
    signed_in = getattr(user, "is_authenticated", False)
    return AuditLog.objects.create(
        user=user if signed_in else None,
        actor=actor or (user.get_username() if signed_in else "anonymous"),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )


def is_caller(user):
    return roles.has_any_role(user, (roles.CALLER, roles.CX_ADMIN))


def can_curate(user):
    return roles.has_any_role(user, (roles.EDITOR, roles.CX_ADMIN))


def has_record_role(user):
    """May open the call library (records of their scope plus training material)."""
    return roles.has_any_role(user, RECORD_ROLES)


def user_department(user):
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if profile is None:
        return None
    if profile.department_id:
        return profile.department
    return profile.team.department if profile.team_id else None


def scope_department_ids(user):
    """None: every department; otherwise the ids of the departments ``user``'s scope covers."""
    if roles.has_role(user, roles.CX_ADMIN):
        return None
    department = user_department(user)
    if department is None:
        return set()
    central = set(settings.CALLBACKS_CENTRAL_DEPARTMENTS)
    if department.slug in central or any(node.slug in central for node in department.ancestors()):
        return None
    return set(department.descendant_ids())


def scoped(queryset, user):
    """Callbacks of ``user``'s scope (the queue's rule; callers check the role first)."""
    ids = scope_department_ids(user)
    return queryset if ids is None else queryset.filter(department_id__in=ids)


def training_q():
    """Training material: marked exemplary, or in a training collection."""
    in_collection = TrainingCollection.calls.through.objects.filter(callback_id=OuterRef("pk"))
    return Q(exemplary=True) | Q(Exists(in_collection))


def call_records(user, queryset=None):
    """THE need-to-know policy: the callbacks of ``queryset`` whose call record ``user`` may see,
    each annotated with ``record_access`` (``FULL`` or ``TRAINING``)."""
    queryset = Callback.objects.all() if queryset is None else queryset
    return _need_to_know(user, queryset, training_q())


def interview_records(user, queryset=None):
    """The same policy for research interviews: ``FULL`` (personal data, transcript) for the
    record roles of the interview's department scope and CX admins; ``TRAINING`` (masked) for
    every employee when the consent covers training use, and never otherwise."""
    queryset = Interview.objects.all() if queryset is None else queryset
    return _need_to_know(user, queryset, Q(consent_use=Interview.Use.TRAINING))


def _need_to_know(user, queryset, training):
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if has_record_role(user):
        ids = scope_department_ids(user)
        if ids is None:
            return queryset.annotate(record_access=Value(FULL))
        in_scope = Q(department_id__in=ids)
        return queryset.filter(in_scope | training).annotate(
            record_access=Case(When(in_scope, then=Value(FULL)), default=Value(TRAINING))
        )
    return queryset.filter(training).annotate(record_access=Value(TRAINING))


def notes_for(user, text, masked, author_id):
    """Notes as ``user`` may read them: as written for their author and CX admins, else masked."""
    if (author_id is not None and author_id == getattr(user, "pk", None)) or roles.has_role(user, roles.CX_ADMIN):
        return text
    return masked


def attempt_notes(user, callback):
    """[(attempt, notes as ``user`` may read them)] of ``callback`` (attempts prefetched or not)."""
    return [(attempt, notes_for(user, attempt.notes, attempt.notes_masked, attempt.user_id))
            for attempt in callback.call_attempts.all()]


def notes_of(user, callback):
    """All of a callback's notes, one paragraph per call, as ``user`` may read them."""
    return "\n\n".join(notes for _attempt, notes in attempt_notes(user, callback) if notes)


def audit_listen(user, recording, now=None):
    """Log a listen unless ``user`` listened to ``recording`` within the listening session
    (CALLBACKS_LISTEN_SESSION_MINUTES), whatever byte range each request asks for."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.CALLBACKS_LISTEN_SESSION_MINUTES)
    if AuditLog.objects.filter(user=user, action="listen", at__gte=since, detail__recording=recording.pk).exists():
        return None
    return audit(user, "listen", recording.callback, recording=recording.pk)


def audit_interview_listen(user, interview, now=None):
    """``audit_listen`` for a research interview: once per user, interview and listening session."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.CALLBACKS_LISTEN_SESSION_MINUTES)
    if AuditLog.objects.filter(user=user, action="listen", at__gte=since, object_type="interview",
                               object_id=str(interview.pk)).exists():
        return None
    return audit(user, "listen", interview)


def can_add_interview(user):
    """The CX researcher: whoever holds ``callbacks.add_interview`` (granted to CX admins)."""
    return getattr(user, "is_authenticated", False) and user.has_perm("callbacks.add_interview")


def can_erase_interview(user):
    return getattr(user, "is_authenticated", False) and user.has_perm("callbacks.delete_interview")


def masked_comment(response):
    """The customer's comment as every employee reads it: personal data masked (stored once)."""
    return response.comment_masked


class SearchThrottle(UserRateThrottle):
    """Library searches per person at the site's search rate (DRF scope ``search``,
    NPSHUB_SEARCH_RATE, 30/min), one budget with comment search; browsing is not counted.
    Works on DRF requests and on plain Django requests (the library page)."""

    scope = "search"

    def allow_request(self, request, view):
        params = getattr(request, "query_params", None) or request.GET
        if not params.get("q"):
            return True
        return super().allow_request(request, view)
