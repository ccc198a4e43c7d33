"""The admin of channel posts (editors and CX admins): the snippet's edit form with its language
note and delivery panel, and a page showing each channel's card and what became of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from npshub.digest import channel_posts
from npshub.digest.models import ChannelPost
from npshub.people.roles import CX_ADMIN, EDITOR, has_any_role

LANGUAGE_NOTE = _("Each channel gets the post in its own language (set on the channel). Write both "
                  "languages; when one is left blank, channels reading it get the other language's text.")
FORMAT_NOTE = _("Plain text: **bold**, _italic_, [text](https://…) and lines starting with “- ” for lists; "
                "a blank line starts a new paragraph. HTML is not allowed.")


class DeliveriesPanel(Panel):
    """Where the post went: each channel's status, HTTP status and error (read-only)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "digest/admin/_post_deliveries_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            post = self.instance
            context["post"] = post
            context["deliveries"] = post.deliveries.select_related("channel") if post and post.pk else []
            context["post_url"] = reverse("digest_channel_post", args=[post.pk]) if post and post.pk else None
            return context


def edit_handler():
    from npshub.digest.forms import ChannelPostForm

    return ObjectList([
        FieldPanel("section"),
        HelpPanel(content=format_lazy("<p>{}</p><p>{}</p>", LANGUAGE_NOTE, FORMAT_NOTE), heading=_("Languages")),
        MultiFieldPanel([FieldPanel("title_en"), FieldPanel("body_en")], heading="English"),
        MultiFieldPanel([FieldPanel("title_ru"), FieldPanel("body_ru")], heading="Русский"),
        MultiFieldPanel([FieldPanel("link_url"), FieldPanel("image")], heading=_("Link and image")),
        FieldPanel("channels"),
        MultiFieldPanel([FieldPanel("status"), FieldPanel("scheduled_at")], heading=_("Schedule")),
        DeliveriesPanel(heading=_("Deliveries")),
    ], base_form_class=ChannelPostForm)


class ChannelPostViewSet(SnippetViewSet):
    model = ChannelPost
    icon = "comment"
    menu_label = _("Channel posts")
    add_to_admin_menu = True
    menu_order = 253
    list_filter = ("status", "section")
    search_fields = ("title_en", "title_ru", "body_en", "body_ru")
    ordering = ["-created_at"]

    @property
    def list_display(self):
        return ["__str__", "section", "status",
                Column("publish_time", label=capfirst(_("publish at")), accessor="publish_time"),
                Column("delivery_summary", label=_("Channels"), accessor="delivery_summary")]

    @property
    def edit_handler(self):
        return edit_handler()


def post_page(request, post_id):
    """The card as each of the post's channels gets it (the posted JSON, rendered), and the deliveries."""
    if not has_any_role(request.user, (EDITOR, CX_ADMIN)):
        raise PermissionDenied
    post = get_object_or_404(ChannelPost, pk=post_id)
    languages = sorted({c.language for c in post.channels.all()}) or [code for code, _name in _languages()]
    return TemplateResponse(request, "digest/admin/channel_post.html", {
        "post": post, "title": str(post), "cards": [channel_posts.preview(post, code) for code in languages],
        "deliveries": post.deliveries.select_related("channel"),
        "edit_url": reverse("wagtailsnippets_digest_channelpost:edit", args=[post.pk]),
    })


@require_POST
def resend(request, post_id):
    if not has_any_role(request.user, (EDITOR, CX_ADMIN)):
        raise PermissionDenied
    post = get_object_or_404(ChannelPost, pk=post_id)
    count = channel_posts.resend(post.pk)
    if count:
        from npshub.digest import tasks

        tasks.publish_channel_posts.delay_on_commit()
        messages.success(request, ngettext("The post goes to %(count)s channel again.",
                                           "The post goes to %(count)s channels again.", count) % {"count": count})
    else:
        messages.error(request, gettext("Only a failed post can be sent again."))
    return redirect("digest_channel_post", post.pk)


def _languages():
    from django.conf import settings

    return settings.LANGUAGES
