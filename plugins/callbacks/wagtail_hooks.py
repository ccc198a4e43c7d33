"""Admin: callbacks, the audit log, consent changes and playbook actions as operational records
(ModelAdmin); playbooks and training collections as snippets. Contact data is never listed here:
phone numbers are shown only to the claimant on the callback page."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView

from callbacks import services
from callbacks.models import AuditLog, Callback, ConsentChange, Playbook, PlaybookAction, TrainingCollection


class CallbackAdmin(ModelAdmin):
    model = Callback
    menu_label = _("Callbacks")
    menu_icon = "mobile-alt"
    list_display = ("id", "score", "category", "status", "department", "priority", "due_at", "claimed_by", "outcome", "resolved", "exemplary")
    list_filter = ("status", "category", "outcome", "resolved", "exemplary", "department")
    search_fields = ("notes", "tags", "response__product")
    list_export = ("id", "score", "category", "status", "department", "priority", "due_at", "outcome", "resolved", "completed_at")
    inspect_view_enabled = True
    inspect_view_fields = ("id", "category", "status", "department", "priority", "due_at", "attempts", "outcome",
                           "notes", "tags", "resolved", "completed_at", "completed_by", "exemplary", "recovered_at")

    def score(self, obj):
        return obj.response.score

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("response", "department", "claimed_by")


class ConsentCreateView(CreateView):
    """Recording a withdrawal / erasure runs the service, which removes the customer from the
    queue (and deletes the personal data on erasure) and writes the audit log."""

    def form_valid(self, form):
        change = form.save(commit=False)
        if change.kind == ConsentChange.Kind.ERASURE:
            services.erase_personal_data(change.response, self.request.user, change.channel)
        else:
            services.withdraw_consent(change.response, self.request.user, change.channel)
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


class TrainingCollectionViewSet(SnippetViewSet):
    model = TrainingCollection
    icon = "media"
    list_display = ["name"]


register_snippet(PlaybookViewSet)
register_snippet(TrainingCollectionViewSet)
