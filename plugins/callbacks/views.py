"""Pages for callers: the queue, a callback with click-to-call and the outcome form, the call
library, the caller guide acknowledgement and the permission-checked recording stream."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callbacks import recordings, services
from callbacks.models import Callback, Outcome, Recording, TrainingCollection, TrainingPage
from npshub.pages.i18n import in_reader_locale
from npshub.people.models import Department, Team


def _forbidden(request, message):
    return render(request, "callbacks/forbidden.html", {"message": message}, status=403)


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


caller_page = role_page(services.is_caller, gettext_lazy(
    "The callback queue is for employees with the caller role. Ask your manager or the CX team if you would like to call customers back."))
library_page = role_page(services.can_see_library, gettext_lazy(
    "The call library is open to callers, editors and CX admins."))


def post_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)
    return wrapper


def _filters(request):
    return {name: request.GET.get(name, "").strip() for name in ("department", "product", "topic", "region", "status", "mine")}


def _choices():
    from npshub.feedback.models import Response

    products = Callback.objects.values_list("response__product", flat=True).distinct().order_by("response__product")
    regions = Callback.objects.values_list("response__region", flat=True).distinct().order_by("response__region")
    topics = []
    if services._has_topics():
        topic_model = Response._meta.get_field("topics").related_model
        topics = list(topic_model.objects.values_list("slug", "name").order_by("name"))
    return {
        "departments": Department.objects.values_list("slug", "name"),
        "products": [p for p in products if p], "regions": [r for r in regions if r], "topics": topics,
    }


@caller_page
def queue(request):
    params = _filters(request)
    queryset = services.queue_for(request.user, params)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "callbacks/queue.html", {
        "page_obj": page, "params": params, "choices": _choices(),
        "acknowledged": services.has_acknowledged(request.user), "guide": services.caller_guide(),
        "scope_all": services.scope_department_ids(request.user) is None,
        "my_department": services.user_department(request.user),
        "training": in_reader_locale(TrainingPage.objects.live().order_by("path"))[:6],
        "query": request.GET.urlencode(),
    })


@caller_page
def guide(request):
    page = services.caller_guide()
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm you have read the guide."))
        else:
            services.acknowledge_guide(request.user)
            messages.success(request, _("Thank you: you can now claim callbacks."))
            return redirect(request.POST.get("next") or reverse("callbacks:queue"))
    return render(request, "callbacks/guide.html", {
        "guide": page, "acknowledged": services.has_acknowledged(request.user), "next": request.GET.get("next", ""),
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
        callback = services.get_visible(request.user, pk)
    except services.WorkflowError as error:
        return render(request, "callbacks/forbidden.html", {"message": error.detail}, status=404)
    return _detail(request, callback)


def _detail(request, callback, outcome_form=None, recording_form=None, status=200):
    from django.conf import settings

    contact = services.contact_for(request.user, callback, channel="page")
    response = callback.response
    return render(request, "callbacks/detail.html", {
        "callback": callback, "response": response, "comment": services.masked_comment(response),
        "topics": services.topics_of(response), "contact": contact,
        "dial_uri": services.dial_uri(contact["phone"]) if contact else None,
        "pbx_dial": bool(settings.CALLBACKS_PBX_DIAL_URL),
        "mine": callback.claim_active_for(request.user),
        "can_upload": callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk,
        "outcome_form": outcome_form or OutcomeForm(), "recording_form": recording_form or RecordingForm(),
        "recordings": callback.recordings.all(), "attempts": callback.call_attempts.select_related("user"),
        "acknowledged": services.has_acknowledged(request.user), "guide": services.caller_guide(),
        "training": in_reader_locale(TrainingPage.objects.live().order_by("path"))[:6],
        "can_listen": services.can_listen(request.user),
    }, status=status)


def _refused(request, pk, error):
    messages.error(request, error.detail)
    if error.link:
        return redirect(f"{reverse('callbacks:guide')}?next={reverse('callbacks:detail', args=[pk])}")
    if error.status == 404:
        return redirect("callbacks:queue")
    return redirect("callbacks:detail", pk=pk)


@caller_page
@post_only
def claim(request, pk):
    try:
        services.claim(request.user, pk)
    except services.WorkflowError as error:
        return _refused(request, pk, error)
    return redirect("callbacks:detail", pk=pk)


@caller_page
@post_only
def release(request, pk):
    try:
        services.release(request.user, pk)
        messages.success(request, _("Released: the callback is back in the queue."))
    except services.WorkflowError as error:
        return _refused(request, pk, error)
    return redirect("callbacks:queue")


@caller_page
@post_only
def outcome(request, pk):
    form = OutcomeForm(request.POST)
    try:
        callback = services.get_visible(request.user, pk)
    except services.WorkflowError as error:
        return _refused(request, pk, error)
    if not form.is_valid():
        return _detail(request, callback, outcome_form=form, status=400)
    data = form.cleaned_data
    follow_ups = [{"team": data["follow_up_team"].slug, "description": data["follow_up"]}] if data.get("follow_up") else []
    try:
        callback, _attempt = services.record_outcome(
            request.user, pk, data["outcome"], data["notes"], data["resolved"], data["tags"], follow_ups
        )
    except services.WorkflowError as error:
        return _refused(request, pk, error)
    if callback.status == Callback.Status.OPEN:
        messages.success(request, _("Saved. A new attempt is scheduled for %(time)s.") % {
            "time": timezone.localtime(callback.next_attempt_at).strftime("%d %b %H:%M")})
    else:
        messages.success(request, _("Saved. Thank you for closing the loop with this customer."))
    return redirect("callbacks:detail", pk=pk)


@caller_page
@post_only
def upload(request, pk):
    try:
        callback = services.get_visible(request.user, pk)
    except services.WorkflowError as error:
        return _refused(request, pk, error)
    form = RecordingForm(request.POST, request.FILES)
    if not (callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk):
        services.audit(request.user, "recording_refused", callback, reason="not the caller")
        messages.error(request, _("Only the caller of this callback can attach its recording."))
        return redirect("callbacks:detail", pk=pk)
    if not form.is_valid():
        return _detail(request, callback, recording_form=form, status=400)
    try:
        recordings.attach(callback, form.cleaned_data["file"], request.user)
    except services.WorkflowError as error:
        form.add_error("file", error.detail)
        return _detail(request, callback, recording_form=form, status=error.status)
    messages.success(request, _("Recording attached."))
    return redirect("callbacks:detail", pk=pk)


@caller_page
@post_only
def dial(request, pk):
    from django.conf import settings

    from callbacks.tasks import click_to_dial

    callback = get_object_or_404(Callback, pk=pk)
    if not settings.CALLBACKS_PBX_DIAL_URL or not callback.claim_active_for(request.user):
        messages.error(request, _("Claim this callback first."))
    else:
        click_to_dial.delay(callback.pk, request.user.pk)
        messages.success(request, _("Your phone will ring shortly; pick it up to be connected."))
    return redirect("callbacks:detail", pk=pk)


@library_page
def library(request):
    queryset = (
        Callback.objects.filter(status=Callback.Status.DONE, recordings__isnull=False)
        .select_related("response", "completed_by", "department").prefetch_related("recordings", "training_collections")
        .distinct().order_by("-completed_at")
    )
    params = {name: request.GET.get(name, "").strip() for name in ("q", "product", "topic", "outcome", "department", "from", "to", "exemplary")}
    if params["q"]:
        queryset = queryset.filter(Q(notes__icontains=params["q"]) | Q(response__comment__icontains=params["q"]) | Q(tags__icontains=params["q"]))
    if params["product"]:
        queryset = queryset.filter(response__product=params["product"])
    if params["topic"] and services._has_topics():
        queryset = queryset.filter(response__topics__slug=params["topic"])
    if params["outcome"]:
        queryset = queryset.filter(outcome=params["outcome"])
    if params["department"]:
        department = Department.objects.filter(slug=params["department"]).first()
        queryset = queryset.filter(department_id__in=department.descendant_ids() if department else [])
    for name, lookup in (("from", "completed_at__date__gte"), ("to", "completed_at__date__lte")):
        day = parse_date(params[name]) if params[name] else None
        if day:
            queryset = queryset.filter(**{lookup: day})
    if params["exemplary"]:
        queryset = queryset.filter(exemplary=True)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    for callback in page.object_list:
        callback.masked = services.masked_comment(callback.response)
    return render(request, "callbacks/library.html", {
        "page_obj": page, "params": params, "choices": _choices(), "outcomes": Outcome.choices,
        "can_curate": services.can_curate(request.user), "collections": TrainingCollection.objects.all(),
    })


@role_page(services.can_curate, gettext_lazy("Only editors and CX admins curate the call library."))
@post_only
def curate(request, pk):
    callback = get_object_or_404(Callback, pk=pk, status=Callback.Status.DONE)
    if request.POST.get("exemplary"):
        services.mark_exemplary(request.user, callback)
    collection = TrainingCollection.objects.filter(pk=request.POST.get("collection") or 0).first()
    if collection is not None:
        if not callback.exemplary:
            services.mark_exemplary(request.user, callback)
        collection.calls.add(callback)
        services.audit(request.user, "added_to_collection", callback, collection=collection.pk)
    messages.success(request, _("Library updated."))
    return redirect(request.POST.get("next") or reverse("callbacks:library"))


@login_required
def recording(request, pk):
    """Stream a recording to authorised roles only; every listen (and refusal) is audited."""
    item = get_object_or_404(Recording.objects.select_related("callback"), pk=pk)
    if not services.can_listen(request.user):
        services.audit(request.user, "listen_refused", item.callback, recording=item.pk)
        return _forbidden(request, _("Call recordings are available to callers, editors and CX admins only."))
    range_header = request.headers.get("Range", "")
    if not range_header or range_header.startswith("bytes=0-"):
        services.audit(request.user, "listen", item.callback, recording=item.pk)
    return recordings.stream(request, item)
