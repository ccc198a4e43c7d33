"""Page types of the hub: the home page, section indexes and articles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from npshub.feedback.periods import next_month
from npshub.pages.blocks import DownloadBlock, HubStreamField, QuizQuestionBlock
from npshub.pages.i18n import SAME_URL, active_locale, in_reader_locale, route_with_fallback


class HomePage(Page):
    """The NPS hub: editors compose it from content blocks and the plugins' live blocks."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = HubStreamField(blank=True)

    override_translatable_fields = SAME_URL
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    api_fields = [APIField("intro"), APIField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Same URLs in every language; a page not translated yet is served from the other tree."""
        return route_with_fallback(self, request, path_components, lambda home, *args: Page.route(home, *args))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = NewsPage.latest(limit=3)
        from npshub.reach.views import home_card

        context["awareness"] = home_card(request)  # CX admins only
        return context


class SectionPage(Page):
    """An index of a part of the hub (education, guide book, articles); lists its children."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    body = HubStreamField(blank=True)

    override_translatable_fields = SAME_URL
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    api_fields = [APIField("intro"), APIField("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("section page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.children_in_reader_locale()
        return context

    def children_in_reader_locale(self):
        """Live children in the reader's language; pages not translated yet come from the section's
        other translations (marked with their own language in the template)."""
        under = models.Q()
        for section in self.get_translations(inclusive=True).only("path"):
            under |= models.Q(path__startswith=section.path)
        pages = Page.objects.live().public().filter(under, depth=self.depth + 1).specific().order_by("-first_published_at")
        return in_reader_locale(pages)


class ArticlePage(Page):
    intro = models.CharField(_("abstract"), max_length=400, blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("author"),
    )
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("department"),
    )
    tags = ClusterTaggableManager(through="pages.ArticlePageTag", blank=True, verbose_name=_("topics"))
    body = HubStreamField(blank=True)

    override_translatable_fields = SAME_URL
    content_panels = [
        *Page.content_panels, FieldPanel("intro"), FieldPanel("date"), FieldPanel("author"),
        FieldPanel("department"), FieldPanel("tags"), FieldPanel("body"),
    ]
    api_fields = [APIField("intro"), APIField("date"), APIField("body"), APIField("tags"), APIField("reading_minutes")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["pages.SectionPage"]

    class Meta:
        verbose_name = _("article")

    @property
    def reading_minutes(self):
        words = len(strip_tags(str(self.body)).split()) + len(self.intro.split())
        return max(1, round(words / 200))


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(ArticlePage, related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(Page):
    """An announcement: a CX initiative or a big win. The home page and the meeting-room screen
    show the latest ones (``NewsPage.latest()``)."""

    INITIATIVE, WIN = "initiative", "win"
    KINDS = [(INITIATIVE, _("CX initiative")), (WIN, _("Big win"))]

    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=INITIATIVE)
    intro = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences; the screen shows only this."))
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image"),
    )
    body = HubStreamField(blank=True)

    override_translatable_fields = SAME_URL
    content_panels = [
        *Page.content_panels, FieldPanel("date"), FieldPanel("kind"), FieldPanel("intro"),
        FieldPanel("image"), FieldPanel("body"),
    ]
    api_fields = [APIField("date"), APIField("kind"), APIField("intro"), APIField("image"), APIField("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("kind")]
    parent_page_types = ["pages.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    @property
    def summary(self):
        return self.intro

    @classmethod
    def latest(cls, limit=5, kind=None):
        """The newest live, public news items (optionally only one kind), newest first."""
        items = cls.objects.live().public().select_related("image", "locale").order_by("-date", "-first_published_at")
        if kind:
            items = items.filter(kind=kind)
        # Each item exists at most once per language: twice the limit holds `limit` groups.
        return in_reader_locale(items.filter(locale__in=[active_locale(), Locale.get_default()])[: limit * 2])[:limit]


# --- Education -------------------------------------------------------------------------------

class LessonPage(Page):
    """A lesson of the NPS education section: text, images and videos, then a short quiz.
    Employees mark it read and take the quiz on the page; progress is kept per employee."""

    intro = models.CharField(_("intro"), max_length=400, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes to read"), default=5)
    body = HubStreamField(blank=True)
    quiz = StreamField([("question", QuizQuestionBlock())], blank=True, verbose_name=_("quiz"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Share of right answers needed to pass.")
    )

    override_translatable_fields = SAME_URL
    content_panels = [
        *Page.content_panels, FieldPanel("intro"), FieldPanel("minutes"), FieldPanel("body"),
        MultiFieldPanel([FieldPanel("quiz"), FieldPanel("pass_mark")], heading=_("Quiz")),
    ]
    api_fields = [APIField("intro"), APIField("minutes"), APIField("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["pages.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        from npshub.pages import education

        if request.method == "POST" and request.user.is_authenticated:
            return education.handle_post(self, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from npshub.pages import education

        context = super().get_context(request, *args, **kwargs)
        context.update(education.lesson_context(self, request))
        return context


class LessonProgress(models.Model):
    """How far one employee got with one lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(null=True, blank=True)
    quiz_attempts = models.PositiveIntegerField(default=0)
    best_score = models.FloatField(null=True, blank=True, help_text="0..1")
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="pages_one_progress_per_lesson")]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self):
        return f"{self.user} · {self.lesson_id}"


# --- Brand guide book ------------------------------------------------------------------------

class GuideBookPage(Page):
    """The brand guide book: colours, type and spacing come from the theme's tokens.json at
    render time (never typed here); editors write the logo rules and tone of voice."""

    intro = models.CharField(_("intro"), max_length=400, blank=True)
    logo_usage = RichTextField(_("logo usage"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    tone_of_voice = RichTextField(_("tone of voice"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3"])
    downloads = StreamField([("download", DownloadBlock())], blank=True, verbose_name=_("downloads"))
    body = HubStreamField(blank=True)

    override_translatable_fields = SAME_URL
    content_panels = [
        *Page.content_panels, FieldPanel("intro"), FieldPanel("logo_usage"), FieldPanel("tone_of_voice"),
        FieldPanel("downloads"), FieldPanel("body"),
    ]
    parent_page_types = ["pages.SectionPage", "pages.HomePage"]

    class Meta:
        verbose_name = _("guide book page")

    def get_context(self, request, *args, **kwargs):
        from npshub.pages.guidebook import token_context

        context = super().get_context(request, *args, **kwargs)
        context.update(token_context())
        return context


# --- Employee articles -------------------------------------------------------------------------

class ArticleSubmissionPage(Page):
    """"Write an article": any employee fills in the form; it becomes a draft ArticlePage under
    this page's parent section and is submitted to that section's moderation workflow."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    thanks = models.CharField(
        _("thank-you message"), max_length=300,
        default="Thank you! Your article is with the editors; you will see it here once it is published.",
    )

    override_translatable_fields = SAME_URL
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("thanks")]
    parent_page_types = ["pages.SectionPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("article submission page")

    def serve(self, request, *args, **kwargs):
        from npshub.pages.submission import serve_submission

        return serve_submission(self, request)


# --- Digest --------------------------------------------------------------------------------------

class DigestPage(Page):
    """A monthly digest issue: the month's articles and automatic highlights. It is a web page
    and the source of the email that goes to its audience (everyone when no audience is chosen)."""

    month = models.DateField(_("month"), help_text=_("Any day of the month the issue covers."))
    intro = models.TextField(_("editor's note"), blank=True)
    body = HubStreamField(blank=True)
    subject = models.CharField(_("email subject"), max_length=200, blank=True, help_text=_("Default: the title."))
    audience_departments = ParentalManyToManyField("people.Department", blank=True, verbose_name=_("departments"))
    audience_teams = ParentalManyToManyField("people.Team", blank=True, verbose_name=_("teams"))
    audience_roles = models.CharField(
        _("roles"), max_length=200, blank=True,
        help_text=_("Comma-separated role names (employee, caller, team_manager, editor, cx_admin)."),
    )

    override_translatable_fields = SAME_URL
    content_panels = [
        *Page.content_panels, FieldPanel("month"), FieldPanel("intro"), FieldPanel("body"),
        MultiFieldPanel([
            FieldPanel("subject"), FieldPanel("audience_departments"), FieldPanel("audience_teams"),
            FieldPanel("audience_roles"),
        ], heading=_("Email and audience (nothing chosen: all staff)")),
    ]
    api_fields = [APIField("month"), APIField("intro"), APIField("body")]
    parent_page_types = ["pages.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("digest issue")

    def clean(self):
        super().clean()
        from npshub.people.roles import ALL

        unknown = [r for r in self.role_list() if r not in ALL]
        if unknown:
            raise ValidationError({"audience_roles": _("Unknown roles: %s") % ", ".join(unknown)})

    def role_list(self):
        return [r.strip() for r in (self.audience_roles or "").split(",") if r.strip()]

    @property
    def month_start(self):
        return self.month.replace(day=1)

    @property
    def month_end(self):
        """First day of the next month (exclusive end)."""
        return next_month(self.month_start)

    def articles(self):
        """The month's published articles, each once, in the reader's language where translated."""
        return in_reader_locale(
            ArticlePage.objects.live().public()
            .filter(date__gte=self.month_start, date__lt=self.month_end)
            .select_related("author", "department").order_by("-date")
        )

    def get_context(self, request, *args, **kwargs):
        from npshub import trends
        from npshub.digest.highlights import issue_highlights

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.articles()
        context["highlights"] = issue_highlights(self)
        context["trend"] = trends.figure(context["highlights"].get("trend") or [], "month")
        return context
