"""FilterSets of the callback queue and the call library, shared by the pages and the API (so that
the OpenAPI schema lists their parameters). Filters only narrow: the caller's scope and the
need-to-know policy (``access``) are applied to the queryset before any filter."""

import django_filters
from django_filters import rest_framework as drf_filters
from django.db.models import Q
from django.utils import timezone

from callbacks.access import FULL
from callbacks.models import Callback, Interview, Outcome
from npshub.people.models import Department


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """A comma-separated list of values."""


def department_ids(slugs):
    """Ids of the departments ``slugs`` and of their sub-departments."""
    return [pk for department in Department.objects.filter(slug__in=slugs) for pk in department.descendant_ids()]


def departments_below(queryset, name, slugs):
    """Callbacks of the departments ``slugs`` and their sub-departments."""
    return queryset.filter(department_id__in=department_ids(slugs))


def rename(filterset, **names):
    """Query parameters that are Python keywords (``from``): declared under another name, renamed."""
    for new, old in names.items():
        filterset.base_filters[new] = filterset.base_filters.pop(old)
    return filterset


class QueueFilter(drf_filters.FilterSet):
    """The queue: active callbacks (open and claimed, retries not before their time) by default."""

    department = CharInFilter(method=departments_below, help_text="Department slug(s), comma-separated (with sub-departments).")
    product = CharInFilter(field_name="response__product", help_text="Product(s), comma-separated.")
    region = CharInFilter(field_name="response__region", help_text="Region(s), comma-separated.")
    segment = CharInFilter(field_name="response__segment", help_text="Segment(s), comma-separated.")
    topic = CharInFilter(field_name="response__topics__slug", distinct=True, help_text="Topic slug(s), comma-separated.")
    status = django_filters.ChoiceFilter(
        method="filter_status", empty_label=None,
        choices=[("active", "Active"), *Callback.Status.choices, ("all", "All")],
        help_text="active (default: open and claimed, due now), open, claimed, done, withdrawn, all.",
    )
    mine = drf_filters.BooleanFilter(method="filter_mine", help_text="Only the callbacks I hold.")

    class Meta:
        model = Callback
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None, now=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)
        self.now = now

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = self.filter_status(queryset, "status", "active")
        return queryset.order_by("-priority", "due_at", "pk")

    def filter_status(self, queryset, name, value):
        if value == "active":
            # Due "now" to the minute: a retry shows at most a minute late, and the query stays the same
            # for a minute, so a long queue's count is taken from the cache (npshub.paging).
            now = (self.now or timezone.now()).replace(second=0, microsecond=0)
            return queryset.filter(status__in=(Callback.Status.OPEN, Callback.Status.CLAIMED)).filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now) | Q(claimed_by__isnull=False)
            )
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(claimed_by=self.user) if value else queryset


class LibraryFilter(drf_filters.FilterSet):
    """The call library. ``q`` searches only masked text: notes_masked, the tags and the masked comment."""

    q = django_filters.CharFilter(method="search", max_length=100, help_text="Words in the (masked) notes, tags or comment.")
    product = CharInFilter(field_name="response__product", help_text="Product(s), comma-separated.")
    topic = CharInFilter(field_name="response__topics__slug", distinct=True, help_text="Topic slug(s), comma-separated.")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    department = CharInFilter(method=departments_below, help_text="Department slug(s), comma-separated (with sub-departments).")
    date_from = django_filters.DateFilter(field_name="completed_at", lookup_expr="date__gte", help_text="Completed on or after (YYYY-MM-DD).")
    date_to = django_filters.DateFilter(field_name="completed_at", lookup_expr="date__lte", help_text="Completed on or before (YYYY-MM-DD).")
    exemplary = drf_filters.BooleanFilter(method="only_exemplary", help_text="Only exemplary calls.")

    class Meta:
        model = Callback
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(notes_masked__icontains=value) | Q(tags__icontains=value) | Q(response__comment_masked__icontains=value)
        )

    def only_exemplary(self, queryset, name, value):
        return queryset.filter(exemplary=True) if value else queryset


rename(LibraryFilter, **{"from": "date_from", "to": "date_to"})


class InterviewFilter(drf_filters.FilterSet):
    """Research interviews by topic, product and text. ``q`` looks in the title and the masked
    summary, and in the summary as written and the transcript only where the person may read them."""

    q = django_filters.CharFilter(method="search", max_length=100, help_text="Words in the title, summary or (where I may read it) transcript.")
    topic = CharInFilter(field_name="topics__slug", distinct=True, help_text="Topic slug(s), comma-separated.")
    product = CharInFilter(field_name="product", help_text="Product(s), comma-separated.")
    kind = django_filters.ChoiceFilter(choices=Interview.Kind.choices)
    department = CharInFilter(method=departments_below, help_text="Department slug(s), comma-separated (with sub-departments).")

    class Meta:
        model = Interview
        fields = []

    def search(self, queryset, name, value):
        readable = Q(record_access=FULL) & (Q(summary__icontains=value) | Q(transcript__icontains=value))
        return queryset.filter(Q(title__icontains=value) | Q(summary_masked__icontains=value) | readable)
