"""Pulls in the Wagtail admin (CX admins): the configuration per source, "Pull now", and the run
history (wagtail-modeladmin; grouped under Feedback by npshub.feedback.wagtail_hooks)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.options import ModelAdmin

from npshub.feedback.models import PullRun, SourcePull
from npshub.people import roles


def run_history_url(pull):
    return f"{reverse('feedback_pullrun_modeladmin_index')}?pull__id__exact={pull.pk}"


class PullButtons(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if roles.has_role(self.request.user, roles.CX_ADMIN):
            buttons.insert(0, {"url": reverse("feedback_pull_now", args=[quote(obj.pk)]), "label": _("Pull now"),
                               "classname": "button button-small", "title": _("Run this pull now")})
        buttons.insert(1, {"url": run_history_url(obj), "label": _("Run history"),
                           "classname": "button button-small button-secondary", "title": _("Runs of this pull")})
        return buttons


class SourcePullAdmin(ModelAdmin):
    model = SourcePull
    menu_label = gettext_lazy("Pulls")
    menu_icon = "repeat"
    button_helper_class = PullButtons
    list_display = ("source", "kind", "every_minutes", "active", "last_run", "consecutive_failures", "next_run_at")
    list_filter = ("kind", "active")
    search_fields = ("source__name", "source__slug", "url")
    panels = [
        MultiFieldPanel([FieldPanel("source"), FieldPanel("kind"), FieldPanel("every_minutes"), FieldPanel("active")],
                        heading=gettext_lazy("Pull")),
        MultiFieldPanel([FieldPanel("url"), FieldPanel("headers_env"), FieldPanel("next_path"),
                         FieldPanel("page_param"), FieldPanel("offset_param"), FieldPanel("cursor_param")],
                        heading=gettext_lazy("JSON feed or file at a URL"),
                        help_text=gettext_lazy("Items are read through the source's field mapping "
                                               "(\"_items\" for the list inside an envelope).")),
        MultiFieldPanel([FieldPanel("query"), FieldPanel("database_env")], heading=gettext_lazy("SQL query")),
        MultiFieldPanel([FieldPanel("cursor_field"), FieldPanel("cursor")], heading=gettext_lazy("Incremental cursor"),
                        help_text=gettext_lazy("Empty the cursor to pull everything again.")),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    def last_run(self, pull):
        run = pull.runs.only("status", "started_at").first()
        return f"{run.get_status_display()} {run.started_at:%Y-%m-%d %H:%M}" if run else "—"

    last_run.short_description = gettext_lazy("last run")


class PullRunAdmin(ModelAdmin):
    model = PullRun
    menu_label = gettext_lazy("Pull runs")
    menu_icon = "history"
    list_display = ("started_at", "source_name", "status", "created", "duplicates", "rejected", "cursor_after",
                    "short_error")
    list_filter = ("status", "trigger", "pull")
    list_export = ("started_at", "finished_at", "pull", "trigger", "status", "created", "duplicates", "updated",
                   "rejected", "cursor_before", "cursor_after", "error")
    inspect_view_enabled = True
    inspect_view_fields = ("pull", "trigger", "started_at", "finished_at", "status", "created", "duplicates",
                           "updated", "rejected", "rejections", "requests", "cursor_before", "cursor_after", "error")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pull__source")

    def source_name(self, run):
        return run.pull.source.name

    source_name.short_description = gettext_lazy("Source")

    def short_error(self, run):
        return (run.error[:80] + "…") if len(run.error) > 80 else run.error

    short_error.short_description = gettext_lazy("error")


def pull_now(request, pk):
    """GET: confirm; POST: queue the pull (Celery) and go to its run history."""
    if not roles.has_role(request.user, roles.CX_ADMIN):
        raise PermissionDenied
    pull = get_object_or_404(SourcePull.objects.select_related("source"), pk=pk)
    if request.method == "POST":
        from npshub.feedback.tasks import pull_source

        pull_source.delay(pull.pk, "admin")
        messages.success(request, _("The pull of “%(source)s” has started; its run appears below when it "
                                    "finishes.") % {"source": pull.source.name})
        return redirect(run_history_url(pull))
    return TemplateResponse(request, "feedback/admin/pull_now.html", {"pull": pull})


def admin_urls():
    return [path("feedback/pulls/<int:pk>/pull-now/", pull_now, name="feedback_pull_now")]
