from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from npshub.digest import admin_views, post_admin
from npshub.digest.models import Announcement, ChannelPost, Mailing, SendLog, TeamsChannel, TeamsPost
from npshub.people.roles import CX_ADMIN, EDITOR, has_any_role


@hooks.register("register_admin_urls")
def digest_admin_urls():
    return [
        path("digest/", admin_views.desk, name="digest_desk"),
        path("digest/preview/<int:page_id>/", admin_views.preview, name="digest_preview"),
        path("digest/preview/<int:page_id>/html/", admin_views.preview_html, name="digest_preview_html"),
        path("digest/preview/<int:page_id>/test-send/", admin_views.test_send, name="digest_test_send"),
        path("digest/send/<int:page_id>/", admin_views.send_now, name="digest_send"),
        path("digest/report/<int:mailing_id>/", admin_views.report, name="digest_report"),
        path("digest/announcements/<int:announcement_id>/send/", admin_views.announcement_send, name="digest_announcement_send"),
        path("digest/channel-posts/<int:post_id>/", post_admin.post_page, name="digest_channel_post"),
        path("digest/channel-posts/<int:post_id>/resend/", post_admin.resend, name="digest_channel_post_resend"),
        path("digest/outbox/", admin_views.outbox, name="digest_outbox"),
        path("digest/outbox/<str:name>/", admin_views.outbox_message, name="digest_outbox_message"),
        path("digest/outbox/<str:name>/html/", admin_views.outbox_html, name="digest_outbox_html"),
    ]


@hooks.register("register_log_actions")
def register_digest_log_actions(actions):
    actions.register_action(admin_views.PREVIEWED_AS, _("Preview as someone else"),
                            _("Previewed the digest as another employee"))


class CxAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return has_any_role(request.user, (CX_ADMIN,))


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return has_any_role(request.user, (EDITOR, CX_ADMIN))


@hooks.register("register_admin_menu_item")
def digest_menu_item():
    return EditorMenuItem(_("Digest desk"), reverse("digest_desk"), icon_name="mail", order=250)


@hooks.register("register_admin_menu_item")
def outbox_menu_item():
    return CxAdminMenuItem(_("Outbox"), reverse("digest_outbox"), icon_name="doc-full-inverse", order=251)


class MailingAdmin(ModelAdmin):
    model = Mailing
    menu_label = _("Mailings")
    menu_icon = "mail"
    list_display = ("subject", "kind", "created_at", "finished_at")
    list_filter = ("kind",)
    search_fields = ("subject", "key")
    inspect_view_enabled = True


class SendLogAdmin(ModelAdmin):
    model = SendLog
    menu_label = _("Send log")
    menu_icon = "list-ul"
    list_display = ("email", "mailing", "status", "attempts", "sent_at", "opened_at", "clicked_at", "error")
    list_filter = ("status", "mailing")
    search_fields = ("email",)
    list_export = ("email", "mailing", "status", "attempts", "sent_at", "opened_at", "clicked_at", "smtp_response", "error")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mailing")


class TeamsPostAdmin(ModelAdmin):
    model = TeamsPost
    menu_label = _("Teams posts")
    menu_icon = "doc-full"
    list_display = ("channel", "reason", "created_at", "attempts", "ok", "status_code", "error")
    list_filter = ("ok", "channel")


class EmailGroup(ModelAdminGroup):
    menu_label = _("Email")
    menu_icon = "mail"
    menu_order = 252
    items = (MailingAdmin, SendLogAdmin, TeamsPostAdmin)


modeladmin_register(EmailGroup)


class TeamsChannelViewSet(SnippetViewSet):
    model = TeamsChannel
    icon = "group"
    menu_label = _("Teams channels")
    list_display = ("name", "active", "post_digest", "post_weekly", "post_alerts")


register_snippet(TeamsChannelViewSet)


class AnnouncementViewSet(SnippetViewSet):
    model = Announcement
    icon = "mail"
    menu_label = _("Announcements")
    list_display = ("subject", "language", "created_at", "sent_at")
    search_fields = ("subject",)

    @property
    def edit_handler(self):
        from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList

        from npshub.digest.forms import AnnouncementForm

        return ObjectList([
            FieldPanel("subject"), FieldPanel("heading"), FieldPanel("message"),
            MultiFieldPanel([FieldPanel("button_label"), FieldPanel("button_url")], heading=_("Button")),
            MultiFieldPanel([FieldPanel("departments"), FieldPanel("roles"), FieldPanel("language")], heading=_("Audience")),
        ], base_form_class=AnnouncementForm)


register_snippet(AnnouncementViewSet)


@hooks.register("register_snippet_listing_buttons")
def announcement_send_button(snippet, user, next_url=None):
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, Announcement) and has_any_role(user, (EDITOR, CX_ADMIN)):
        yield ListingButton(_("Send…"), reverse("digest_announcement_send", args=[snippet.pk]), priority=10)


register_snippet(post_admin.ChannelPostViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def channel_post_saved(request, instance):
    """A post scheduled for now (or a past time) goes out at once, not at the next beat."""
    if not isinstance(instance, ChannelPost):
        return
    if instance.created_by_id is None:
        ChannelPost.objects.filter(pk=instance.pk, created_by__isnull=True).update(created_by=request.user)
    from npshub.digest import channel_posts, tasks

    if channel_posts.due_posts().filter(pk=instance.pk).exists():
        tasks.publish_channel_posts.delay_on_commit()


@hooks.register("register_snippet_listing_buttons")
def channel_post_page_button(snippet, user, next_url=None):
    from wagtail.admin.widgets import ListingButton

    if isinstance(snippet, ChannelPost) and has_any_role(user, (EDITOR, CX_ADMIN)):
        yield ListingButton(_("Preview"), reverse("digest_channel_post", args=[snippet.pk]), priority=5)
