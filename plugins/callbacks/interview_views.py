"""Pages of the research interviews, part of the call library: the list (every signed-in employee
sees what ``access.interview_records`` lets them), the upload form (CX researchers: the
``callbacks.add_interview`` permission), one interview, its audio and its erasure."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from callbacks import access, interviews, recordings
from callbacks.filters import InterviewFilter
from callbacks.models import Interview
from callbacks.views import _forbidden
from callbacks.workflow import WorkflowError
from npshub.feedback import reference
from npshub.feedback.models import Topic
from npshub.people.models import Department

AUDIO_TYPES = "audio/mpeg,audio/mp4,audio/x-m4a,audio/wav,audio/ogg"


class TopicChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.tr.name


class InterviewForm(forms.ModelForm):
    file = forms.FileField(label=gettext_lazy("Recording (MP3, M4A, WAV or OGG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": AUDIO_TYPES}))
    product = forms.ChoiceField(label=gettext_lazy("Product"), required=False)
    topics = TopicChoices(label=gettext_lazy("Topics"), queryset=Topic.objects.none(), required=False,
                          to_field_name="slug", widget=forms.CheckboxSelectMultiple)

    field_order = ["file", "title", "kind", "language", "department", "product", "topics", "summary", "transcript"]

    class Meta:
        model = Interview
        fields = ["title", "kind", "language", "department", "product", "topics", "summary", "transcript",
                  "interviewee_name", "interviewee_contact", "consent_given_by", "consent_given_at", "consent_use"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
            "transcript": forms.Textarea(attrs={"rows": 6, "maxlength": 100000}),
            "consent_given_at": forms.DateInput(attrs={"type": "date"}),
            "consent_use": forms.RadioSelect,
        }
        help_texts = {
            "summary": gettext_lazy("What was said and learnt. Shown to the training audience with personal data masked."),
            "transcript": gettext_lazy("Optional. Personal data: only CX admins and the department read it."),
            "consent_given_by": gettext_lazy("The name of the person who consented (the interviewee or their representative)."),
            "consent_use": gettext_lazy("Only interviews whose consent covers training are shown to every employee as training material."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        products = sorted(reference.labels("product").items(), key=lambda item: item[1].lower())
        self.fields["product"].choices = [("", "—"), *products]
        self.fields["topics"].queryset = Topic.objects.filter(active=True)
        ids = access.scope_department_ids(user)
        departments = Department.objects.all() if ids is None else Department.objects.filter(pk__in=ids)
        self.fields["department"].queryset = departments.order_by("name")
        self.fields["consent_use"].choices = Interview.Use.choices
        for name, limit in (("summary", 5000), ("transcript", 100000)):
            self.fields[name].validators.append(MaxLengthValidator(limit))
        self.upload_status = 400

    def clean_consent_given_at(self):
        day = self.cleaned_data["consent_given_at"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return day

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        try:
            recordings.check(upload)
        except WorkflowError as error:
            self.upload_status = error.status
            raise forms.ValidationError(error.detail) from None
        return upload


def _library_context(request):
    items = interviews.library(request.user)
    filters = InterviewFilter(request.GET, queryset=items, request=request)
    page = Paginator(filters.qs, 20).get_page(request.GET.get("page"))
    page.object_list = interviews.present(request.user, page.object_list)
    seen = items.order_by().values_list("product", flat=True).distinct()
    return {
        "page_obj": page, "params": request.GET, "kinds": Interview.Kind.choices,
        "products": sorted(reference.labels("product", [p for p in seen if p]).items(), key=lambda item: item[1].lower()),
        "topics": sorted(((t.slug, t.tr.name) for t in Topic.objects.filter(interviews__in=items.values("pk")).distinct()),
                         key=lambda choice: choice[1].lower()),
        "can_add": access.can_add_interview(request.user),
        "show_tabs": access.is_caller(request.user), "show_library": access.has_record_role(request.user),
    }


@login_required
def library(request):
    if not access.SearchThrottle().allow_request(request, None):
        return _forbidden(request, _("You have searched the call library very often in a short time. "
                                     "Please wait a minute before searching again."),
                          status=429, heading=_("Too many searches"))
    return render(request, "callbacks/interviews.html", _library_context(request))


@login_required
def new(request):
    if not access.can_add_interview(request.user):
        return _forbidden(request, _("Research interviews are uploaded by CX researchers (CX admins)."))
    initial = {"language": (request.LANGUAGE_CODE or "en")[:2], "consent_given_at": timezone.localdate()}
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = InterviewForm(*bound, user=request.user, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            if "file" in form.errors:
                access.audit(request.user, "interview_rejected", reason=" ".join(form.errors["file"]))
            return render(request, "callbacks/interview_form.html", {"form": form}, status=form.upload_status if "file" in form.errors else 400)
        data = dict(form.cleaned_data)
        upload, topics = data.pop("file"), data.pop("topics")
        try:
            interview = interviews.add_interview(request.user, upload, topics=topics, **data)
        except WorkflowError as error:  # checked by the form; kept for a file changed in between
            form.add_error("file", error.detail)
            return render(request, "callbacks/interview_form.html", {"form": form}, status=error.status)
        messages.success(request, _("Interview saved in the library."))
        return redirect("callbacks:interview", pk=interview.pk)
    return render(request, "callbacks/interview_form.html", {"form": form})


def _visible_or_refuse(request, pk):
    interview = interviews.visible(request.user, pk)
    if interview is None:
        access.audit(request.user, "interview_refused", interview=pk)
    return interview


@login_required
def detail(request, pk):
    interview = _visible_or_refuse(request, pk)
    if interview is None:
        return _forbidden(request, _("This interview is not available to you."), status=404)
    interview = interviews.present(request.user, [interview])[0]
    if interview.full:
        interviews.open_personal_data(request.user, interview)
    return render(request, "callbacks/interview_detail.html", {
        "interview": interview, "can_erase": interview.full and access.can_erase_interview(request.user),
    })


@login_required
def audio(request, pk):
    """Stream the interview to those who may see it; every listen (once per session) and refusal audited."""
    interview = _visible_or_refuse(request, pk)
    if interview is None:
        return _forbidden(request, _("This interview is not available to you."), status=404)
    access.audit_interview_listen(request.user, interview)
    return recordings.stream(request, interview)


@login_required
@require_POST
def erase(request, pk):
    interview = interviews.visible(request.user, pk)
    if interview is None or interview.record_access != access.FULL or not access.can_erase_interview(request.user):
        access.audit(request.user, "interview_refused", interview=pk, step="erase")
        return _forbidden(request, _("Only CX admins erase research interviews."))
    interviews.erase_interview(request.user, interview, channel=request.POST.get("channel", ""))
    messages.success(request, _("The interview, its recording and its consent record are erased."))
    return redirect("callbacks:interviews")
