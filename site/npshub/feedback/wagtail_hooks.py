"""Feedback in the Wagtail admin: sources and responses (wagtail-modeladmin, operational records)
and topics (a snippet CX admins and editors edit). Customer contact data is shown only to CX
admins, on a response's inspect page, and every such view is logged (Wagtail's history)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import InspectView

from npshub.admin_records import RecordAdmin
from npshub.feedback import journeys
from npshub.feedback.models import CustomerContact, DimensionValue, PurgeRun, Response, Source, Topic
from npshub.feedback.pulls.admin import PullRunAdmin, SourcePullAdmin, admin_urls
from npshub.people import roles

CONTACT_VIEWED = "feedback.view_contact"


@hooks.register("register_log_actions")
def register_feedback_log_actions(actions):
    actions.register_action(CONTACT_VIEWED, _("View customer contact"), _("Viewed the customer's contact data"))


class SourceAdmin(ModelAdmin):
    model = Source
    menu_icon = "download"
    list_display = ("name", "slug", "kind", "active", "webhook_path")
    list_filter = ("kind", "active")
    search_fields = ("name", "slug")
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("active")],
                        heading=_("Source")),
        MultiFieldPanel([FieldPanel("ingest_token"), FieldPanel("webhook_secret")], heading=_("Credentials"),
                        help_text=_("API: header 'Authorization: Source <ingest token>'. Webhooks: signed with the "
                                    "webhook secret (see README, Feedback ingestion).")),
        FieldPanel("field_mapping"),
    ]

    @staticmethod
    def webhook_path(source):
        return f"/api/v1/sources/{source.slug}/webhook/"

    webhook_path.short_description = _("webhook URL")


class ResponseInspectView(InspectView):
    """The inspect page: masked comment; the customer's contact only for CX admins, logged."""

    def get_field_label(self, field_name, field=None):
        if field_name == "masked_comment":
            return _("Comment (personal data masked)")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field=None):
        if field_name == "masked_comment":
            return self.instance.comment_masked or self.model_admin.get_empty_value_display(field_name)
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact"] = None
        answers = journeys.journey(self.instance)
        context["journey"] = answers if len(answers) > 1 else []
        if roles.has_role(self.request.user, roles.CX_ADMIN):
            contact = CustomerContact.objects.filter(response=self.instance).first()
            if contact is not None:
                context["contact"] = contact
                log(self.instance, CONTACT_VIEWED, user=self.request.user)
        return context


class ResponseAdmin(ModelAdmin):
    """Responses without their customer's contact data, which lives apart (CustomerContact)."""

    model = Response
    menu_icon = "doc-full"
    list_display = ("external_id", "source", "submitted_at", "score", "masked_comment", "product", "region", "team")
    list_filter = ("source", "score", "topics", "segment", "channel", "region")
    search_fields = ("external_id", "comment_masked", "product", "team")
    list_export = ("source", "external_id", "submitted_at", "score", "segment", "product", "channel", "region", "team",
                   "masked_comment")
    inspect_view_enabled = True
    inspect_view_class = ResponseInspectView
    inspect_template_name = "feedback/admin/response_inspect.html"
    inspect_view_fields = ("source", "external_id", "submitted_at", "score", "csat", "ces", "masked_comment",
                           "topics", "segment", "product", "channel", "region", "team", "language",
                           "callback_consent", "data_consent", "consent_at", "consent_version", "comment_changed_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    @staticmethod
    def masked_comment(response):
        """The comment as employees see it: personal data masked; escaped by the templates."""
        return response.comment_masked

    masked_comment.short_description = _("comment")


class PurgeRunAdmin(RecordAdmin):
    """What each retention run purged (contacts here; plugins record theirs the same way)."""

    model = PurgeRun
    menu_label = _("Purge runs")
    menu_icon = "bin"
    list_display = ("started_at", "what", "retention_days", "cutoff", "purged", "finished_at", "error")
    list_filter = ("what",)


@modeladmin_register
class FeedbackGroup(ModelAdminGroup):
    menu_label = _("Feedback")
    menu_icon = "pick"
    menu_order = 200
    items = (ResponseAdmin, SourceAdmin, SourcePullAdmin, PullRunAdmin, PurgeRunAdmin)


hooks.register("register_admin_urls", admin_urls)


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ("name", "slug", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name", "slug", "keywords_en", "keywords_ru")


register_snippet(TopicViewSet)


class DimensionValueViewSet(SnippetViewSet):
    """Reference data: CX admins name products, regions, segments, channels, teams and sources per
    language (new slugs arrive from ingestion labelled with themselves)."""

    model = DimensionValue
    icon = "list-ul"
    menu_label = _("Dimension values")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ("label", "slug", "dimension", "locale")
    list_filter = ("dimension",)
    search_fields = ("label", "slug")


register_snippet(DimensionValueViewSet)
