"""Admin: callbacks, the audit log, consent changes and playbook actions as operational records
(ModelAdmin); playbooks and training collections as snippets. Contact data is never listed here:
phone numbers are shown only to the claimant on the callback page."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView, InspectView

from callbacks import access, privacy, queue
from callbacks.models import AuditLog, Callback, ConsentChange, Playbook, PlaybookAction, TrainingCollection
from npshub import formats
from npshub.admin_home import Figure, HubPanel, Item, add_panel
from npshub.people import roles


class CallbackInspectView(InspectView):
    """One call record, as the need-to-know policy allows: out of it, 404; notes as ``access`` says."""

    def dispatch(self, request, *args, **kwargs):
        if not access.call_records(request.user, Callback.objects.filter(pk=self.instance.pk)).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_field_label(self, field_name, field=None):
        if field_name == "visible_notes":
            return _("notes")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field=None):
        if field_name == "visible_notes":
            return access.notes_of(self.request.user, self.instance) or self.model_admin.get_empty_value_display(field_name)
        return super().get_field_display_value(field_name, field)


class CallbackAdmin(ModelAdmin):
    """Callbacks without contact data; only the call records the viewer may see (``access``)."""

    model = Callback
    menu_label = _("Callbacks")
    menu_icon = "mobile-alt"
    list_display = ("id", "score", "category", "status", "department", "priority", "due_at", "claimed_by", "outcome", "resolved", "exemplary")
    list_filter = ("status", "category", "outcome", "resolved", "exemplary", "department")
    search_fields = ("notes_masked", "tags", "response__product")  # masked text only
    list_export = ("id", "score", "category", "status", "department", "priority", "due_at", "outcome", "resolved", "completed_at")
    inspect_view_enabled = True
    inspect_view_class = CallbackInspectView
    inspect_view_fields = ("id", "category", "status", "department", "priority", "due_at", "attempts", "outcome",
                           "visible_notes", "tags", "resolved", "completed_at", "completed_by", "exemplary", "recovered_at")

    def score(self, obj):
        return obj.response.score

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("response", "department", "claimed_by")
        return access.call_records(request.user, queryset)


class ConsentCreateView(CreateView):
    """Recording a withdrawal / erasure runs the service, which removes the customer from the
    queue (and deletes the personal data on erasure) and writes the audit log."""

    def form_valid(self, form):
        change = form.save(commit=False)
        if change.kind == ConsentChange.Kind.ERASURE:
            privacy.erase_personal_data(change.response, self.request.user, change.channel)
        else:
            privacy.withdraw_consent(change.response, self.request.user, change.channel)
        messages.success(self.request, _("Recorded: the customer left the callback queue."))
        return redirect(self.get_success_url())


class ConsentChangeAdmin(ModelAdmin):
    model = ConsentChange
    menu_label = _("Consent changes")
    menu_icon = "lock"
    create_view_class = ConsentCreateView
    list_display = ("response", "kind", "channel", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    panels = [
        FieldPanel("response", widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                   help_text=_("The response id (Responses admin) of the customer.")),
        FieldPanel("kind"), FieldPanel("channel"),
    ]


class AuditLogAdmin(ModelAdmin):
    model = AuditLog
    menu_label = _("Audit log")
    menu_icon = "history"
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor", "object_id")
    list_export = ("at", "actor", "action", "object_type", "object_id", "detail")


class PlaybookActionAdmin(ModelAdmin):
    model = PlaybookAction
    menu_label = _("Playbook actions")
    menu_icon = "mail"
    list_display = ("created_at", "action", "response", "actor", "result", "detail", "done_at")
    list_filter = ("action", "result")


@modeladmin_register
class CallbacksGroup(ModelAdminGroup):
    menu_label = _("Callbacks")
    menu_icon = "mobile-alt"
    menu_order = 250
    items = (CallbackAdmin, ConsentChangeAdmin, PlaybookActionAdmin, AuditLogAdmin)


class PlaybookViewSet(SnippetViewSet):
    model = Playbook
    icon = "clipboard-list"
    list_display = ["name", "category", "action", "active"]


class TrainingCollectionForm(WagtailAdminModelForm):
    """Editors put into a collection only exemplary calls whose record they may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "calls" in self.fields:
            calls = Callback.objects.filter(exemplary=True).select_related("response")
            self.fields["calls"].queryset = access.call_records(self.for_user, calls)


class TrainingCollectionViewSet(SnippetViewSet):
    model = TrainingCollection
    icon = "media"
    list_display = ["name"]
    edit_handler = ObjectList(TrainingCollection.panels, base_form_class=TrainingCollectionForm)


register_snippet(PlaybookViewSet)
register_snippet(TrainingCollectionViewSet)


class OverdueCallbacksPanel(HubPanel):
    """The admin home: overdue callbacks of the person's scope (``access.scoped``: their department and
    sub-departments; company-wide for CX admins and central CX). Counts and department names only:
    no customer, no score, no comment."""

    name = "overdue-callbacks"
    heading = _("Overdue callbacks")
    roles = (roles.CALLER, roles.TEAM_MANAGER, roles.CX_ADMIN)
    order = 50
    shown = 5

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        self.company_wide = access.scope_department_ids(self.user) is None
        mine = access.scoped(Callback.objects.all(), self.user)
        self.late = queue.overdue(mine, now)
        self.counts = {
            "overdue": self.late.count(),
            "open": mine.filter(status__in=queue.ACTIVE).count(),
            "soon": mine.filter(status__in=queue.ACTIVE, due_at__gte=now, due_at__lt=now + timedelta(days=1)).count(),
        }
        return super().get_context_data(parent_context)

    def figures(self):
        department = access.user_department(self.user)
        if self.company_wide:
            scope = _("company-wide")
        elif department is not None:
            scope = _("%(department)s and its sub-departments") % {"department": department.name}
        else:
            scope = _("no department in your profile")
        return [
            Figure(_("Overdue"), formats.number(self.counts["overdue"]), note=scope,
                   tone="bad" if self.counts["overdue"] else ""),
            Figure(_("Due within 24 hours"), formats.number(self.counts["soon"])),
            Figure(_("Open in the queue"), formats.number(self.counts["open"])),
        ]

    def items(self):
        if not self.company_wide or not self.counts["overdue"]:
            return []
        by_department = (self.late.values("department__name").annotate(n=Count("pk"))
                         .order_by("-n", "department__name")[: self.shown])
        return [Item(row["department__name"] or _("No department"), meta=formats.number(row["n"]))
                for row in by_department]

    def items_heading(self):
        return _("Overdue by department") if self.company_wide and self.counts["overdue"] else ""

    def links(self):
        links = []
        if access.is_caller(self.user):
            links.append((_("Callback queue"), reverse("callbacks:queue")))
        if access.has_record_role(self.user):
            links.append((_("Call library"), reverse("callbacks:library")))
        return links


@hooks.register("construct_homepage_panels")
def overdue_callbacks_panel(request, panels):
    add_panel(request, panels, OverdueCallbacksPanel)
