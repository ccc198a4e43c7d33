"""Pages for callers: the queue, a callback with click-to-call and the outcome form, the call
library, the training material, the caller guide acknowledgement and the recording stream.
What each page shows of a call record comes from ``access`` (README "Who sees what"); no GET
changes anything but the audit trail."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from callbacks import access, journey, recordings, workflow
from callbacks.filters import LibraryFilter, QueueFilter
from callbacks.library import library_queryset, present, training_material
from callbacks.models import Callback, Outcome, Recording, TrainingCollection, TrainingPage
from callbacks.queue import visible
from npshub.feedback import reference
from npshub.feedback.models import Topic
from npshub.paging import LargeCountPaginator, query_key
from npshub.pages.i18n import in_reader_locale
from npshub.people.models import Department, Team
from npshub.redirects import safe_next_url


def _forbidden(request, message, status=403, heading=None):
    return render(request, "callbacks/forbidden.html", {"message": message, "heading": heading}, status=status)


def role_page(check, message):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                return _forbidden(request, message)
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


caller_page = role_page(access.is_caller, gettext_lazy(
    "The callback queue is for employees with the caller role. Ask your manager or the CX team if you would like to call customers back."))
library_page = role_page(access.has_record_role, gettext_lazy(
    "The call library is open to callers, team managers, editors and CX admins. Every employee can listen to the training calls."))
curator_page = role_page(access.can_curate, gettext_lazy("Only editors and CX admins curate the call library."))


CHOICES_CACHE_SECONDS = 300


def _choices(callbacks):
    """Filter choices from the callbacks the person sees (no other department's products). The products
    and regions scan every callback of the scope (hundreds of thousands at company scale): cached for
    a few minutes per scope (the query itself is the key), so a new product may take that long to show."""
    callbacks = callbacks.order_by()
    products = callbacks.values_list("response__product", flat=True).distinct().order_by("response__product")
    regions = callbacks.values_list("response__region", flat=True).distinct().order_by("response__region")
    key = query_key("callbacks:choices", products)
    seen = cache.get(key)
    if seen is None:
        seen = {"products": [p for p in products if p], "regions": [r for r in regions if r]}
        cache.set(key, seen, CHOICES_CACHE_SECONDS)
    return {
        "departments": Department.objects.values_list("slug", "name"),
        **seen,  # slugs: _label_rows names them
        "topics": sorted(((t.slug, t.tr.name) for t in Topic.objects.all()), key=lambda choice: choice[1].lower()),
    }


def _label_rows(page, choices):
    """People read labels, not slugs: the page's rows get ``labels`` and the product and region
    choices become (slug, label) pairs; one query per dimension."""
    rows = list(page.object_list)
    wanted = {
        "product": {*choices["products"], *(c.response.product for c in rows)},
        "region": {*choices["regions"], *(c.response.region for c in rows)},
        "segment": {c.response.segment for c in rows},
    }
    named = {dimension: reference.labels(dimension, slugs) for dimension, slugs in wanted.items()}
    for callback in rows:
        callback.labels = {dimension: named[dimension].get(getattr(callback.response, dimension), "") for dimension in named}
    choices["products"] = [(slug, named["product"][slug]) for slug in choices["products"]]
    choices["regions"] = [(slug, named["region"][slug]) for slug in choices["regions"]]
    page.object_list = rows


def _training_pages():
    return in_reader_locale(TrainingPage.objects.live().order_by("path"))[:6]


PRIORITY_LEVELS = ((60, "high", gettext_lazy("High")), (35, "medium", gettext_lazy("Medium")), (0, "low", gettext_lazy("Low")))


def priority_words(priority):
    """The queue's 0..100 priority in words: (level, label), high from 60, medium from 35."""
    for floor, level, label in PRIORITY_LEVELS:
        if (priority or 0) >= floor:
            return level, label
    return "low", PRIORITY_LEVELS[-1][2]


@caller_page
def queue(request):
    callbacks = visible(request.user)
    filters = QueueFilter(request.GET, queryset=callbacks, request=request)
    page = LargeCountPaginator(filters.qs.prefetch_related("response__topics"), 25).get_page(request.GET.get("page"))
    choices = _choices(callbacks)
    _label_rows(page, choices)
    for callback in page.object_list:
        callback.priority_level, callback.priority_words = priority_words(callback.priority)
    return render(request, "callbacks/queue.html", {
        "sla_hours": settings.CALLBACKS_SLA_HOURS,
        "page_obj": page, "params": request.GET, "choices": choices,
        "acknowledged": workflow.has_acknowledged(request.user), "guide": workflow.caller_guide(),
        "scope_all": access.scope_department_ids(request.user) is None,
        "my_department": access.user_department(request.user),
        "training": _training_pages(), "query": request.GET.urlencode(),
    })


@caller_page
def guide(request):
    page = workflow.caller_guide()
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm you have read the guide."))
        else:
            workflow.acknowledge_guide(request.user)
            messages.success(request, _("Thank you: you can now claim callbacks."))
            return redirect(safe_next_url(request, "callbacks:queue"))
    return render(request, "callbacks/guide.html", {
        "guide": page, "acknowledged": workflow.has_acknowledged(request.user),
        "next": safe_next_url(request, "callbacks:queue"),
    })


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=200, help_text=gettext_lazy("Comma-separated, e.g. delivery, refund"))
    resolved = forms.BooleanField(label=gettext_lazy("The customer's issue is resolved"), required=False)
    follow_up_team = forms.ModelChoiceField(label=gettext_lazy("Follow-up by team"), queryset=Team.objects.all(), required=False, to_field_name="slug")
    follow_up = forms.CharField(label=gettext_lazy("Follow-up action"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("follow_up") and not data.get("follow_up_team"):
            self.add_error("follow_up_team", _("Choose the team that should act."))
        return data


class RecordingForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Call recording (MP3, M4A, WAV or OGG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": "audio/mpeg,audio/mp4,audio/x-m4a,audio/wav,audio/ogg"}))


@caller_page
def detail(request, pk):
    try:
        callback = workflow.get_visible(request.user, pk)
    except workflow.WorkflowError as error:
        return _forbidden(request, error.detail, status=404)
    return _detail(request, callback)


def _detail(request, callback, outcome_form=None, recording_form=None, status=200):
    contact = workflow.contact_for(request.user, callback, channel="page")
    response = callback.response
    return render(request, "callbacks/detail.html", {
        "callback": callback, "response": response, "comment": access.masked_comment(response),
        "topics": [topic.tr.name for topic in response.topics.all()], "contact": contact,
        "dial_uri": workflow.dial_uri(contact["phone"]) if contact else None,
        "pbx_dial": bool(settings.CALLBACKS_PBX_DIAL_URL),
        "mine": callback.claim_active_for(request.user),
        "can_upload": callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk,
        "outcome_form": outcome_form or OutcomeForm(), "recording_form": recording_form or RecordingForm(),
        "recordings": callback.recordings.all(),
        "attempts": access.attempt_notes(request.user, callback),
        "acknowledged": workflow.has_acknowledged(request.user), "guide": workflow.caller_guide(),
        "training": _training_pages(), "journey": journey.for_caller(request.user, response),
    }, status=status)


def _refused(request, pk, error):
    messages.error(request, error.detail)
    if error.link:
        return redirect(f"{reverse('callbacks:guide')}?next={reverse('callbacks:detail', args=[pk])}")
    if error.status == 404:
        return redirect("callbacks:queue")
    return redirect("callbacks:detail", pk=pk)


@caller_page
@require_POST
def claim(request, pk):
    try:
        workflow.claim(request.user, pk)
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    return redirect("callbacks:detail", pk=pk)


@caller_page
@require_POST
def release(request, pk):
    try:
        workflow.release(request.user, pk)
        messages.success(request, _("Released: the callback is back in the queue."))
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    return redirect("callbacks:queue")


@caller_page
@require_POST
def outcome(request, pk):
    form = OutcomeForm(request.POST)
    try:
        callback = workflow.get_visible(request.user, pk)
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    if not form.is_valid():
        return _detail(request, callback, outcome_form=form, status=400)
    data = form.cleaned_data
    follow_ups = [{"team": data["follow_up_team"].slug, "description": data["follow_up"]}] if data.get("follow_up") else []
    try:
        callback, _attempt = workflow.record_outcome(
            request.user, pk, data["outcome"], data["notes"], data["resolved"], data["tags"], follow_ups
        )
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    if callback.status == Callback.Status.OPEN:
        messages.success(request, _("Saved. A new attempt is scheduled for %(time)s.") % {
            "time": timezone.localtime(callback.next_attempt_at).strftime("%d %b %H:%M")})
    else:
        messages.success(request, _("Saved. Thank you for closing the loop with this customer."))
    return redirect("callbacks:detail", pk=pk)


@caller_page
@require_POST
def upload(request, pk):
    try:
        callback = workflow.get_visible(request.user, pk)
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    form = RecordingForm(request.POST, request.FILES)
    if not (callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk):
        access.audit(request.user, "recording_refused", callback, reason="not the caller")
        messages.error(request, _("Only the caller of this callback can attach its recording."))
        return redirect("callbacks:detail", pk=pk)
    if not form.is_valid():
        return _detail(request, callback, recording_form=form, status=400)
    try:
        recordings.attach(callback, form.cleaned_data["file"], request.user)
    except workflow.WorkflowError as error:
        form.add_error("file", error.detail)
        return _detail(request, callback, recording_form=form, status=error.status)
    messages.success(request, _("Recording attached."))
    return redirect("callbacks:detail", pk=pk)


@caller_page
@require_POST
def dial(request, pk):
    from callbacks.tasks import click_to_dial

    try:
        callback = workflow.get_visible(request.user, pk)
    except workflow.WorkflowError as error:
        return _refused(request, pk, error)
    if not settings.CALLBACKS_PBX_DIAL_URL or not callback.claim_active_for(request.user):
        messages.error(request, _("Claim this callback first."))
    else:
        click_to_dial.delay(callback.pk, request.user.pk)
        messages.success(request, _("Your phone will ring shortly; pick it up to be connected."))
    return redirect("callbacks:detail", pk=pk)


@library_page
def library(request):
    if not access.SearchThrottle().allow_request(request, None):
        return _forbidden(request, _("You have searched the call library very often in a short time. "
                                     "Please wait a minute before searching again."),
                          status=429, heading=_("Too many searches"))
    calls = library_queryset(request.user)
    filters = LibraryFilter(request.GET, queryset=calls, request=request)
    page = Paginator(filters.qs, 20).get_page(request.GET.get("page"))
    present(request.user, page.object_list)
    choices = _choices(calls)
    _label_rows(page, choices)
    return render(request, "callbacks/library.html", {
        "page_obj": page, "params": request.GET, "choices": choices, "outcomes": Outcome.choices,
        "can_curate": access.can_curate(request.user), "collections": TrainingCollection.objects.all(),
    })


@login_required
def training(request):
    collections, loose = training_material(request.user)
    return render(request, "callbacks/training.html", {
        "collections": collections, "calls": loose, "show_tabs": access.is_caller(request.user),
        "show_library": access.has_record_role(request.user),
    })


@curator_page
@require_POST
def curate(request, pk):
    try:
        callback = workflow.curatable(request.user, pk)
    except workflow.WorkflowError as error:
        return _forbidden(request, error.detail, status=error.status)
    if request.POST.get("exemplary"):
        workflow.mark_exemplary(request.user, callback)
    collection = TrainingCollection.objects.filter(pk=request.POST.get("collection") or 0).first()
    if collection is not None:
        workflow.add_to_collection(request.user, callback, collection)
    messages.success(request, _("Library updated."))
    return redirect(safe_next_url(request, "callbacks:library"))


@login_required
def recording(request, pk):
    """Stream a recording to those who may see its call record; every listen (once per listening
    session, whatever the byte range) and every refusal is audited."""
    item = get_object_or_404(Recording.objects.select_related("callback"), pk=pk)
    if not access.call_records(request.user, Callback.objects.filter(pk=item.callback_id)).exists():
        access.audit(request.user, "listen_refused", item.callback, recording=item.pk)
        return _forbidden(request, _("This call recording is not available to you."))
    access.audit_listen(request.user, item)
    return recordings.stream(request, item)
