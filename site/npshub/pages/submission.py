"""The "Write an article" form: an employee's article becomes a draft ArticlePage, submitted to the
moderation workflow of the section (editors review, approve or reject with comments)."""

import bleach
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from npshub.pages.i18n import in_reader_locale

ALLOWED_TAGS = ["p", "b", "strong", "i", "em", "ul", "ol", "li", "a", "h3", "br"]
ALLOWED_ATTRIBUTES = {"a": ["href"]}


def clean_html(text):
    """Employee-written text as safe rich text: plain paragraphs become <p>; only a few tags and
    http(s)/mailto links survive (bleach), everything else is stripped."""
    text = (text or "").strip()
    if "<" not in text:
        from django.utils.html import escape

        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return bleach.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        protocols=["http", "https", "mailto"], strip=True)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(label=_("Abstract"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Two or three sentences: what will readers learn?"))
    body = forms.CharField(label=_("Article"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Separate paragraphs with an empty line."))
    tags = forms.CharField(label=_("Topics"), max_length=200, required=False,
                           help_text=_("Comma-separated, e.g. delivery, staff"))

    def clean_body(self):
        body = clean_html(self.cleaned_data["body"])
        if len(bleach.clean(body, tags=[], strip=True).split()) < 20:
            raise forms.ValidationError(_("Please write at least 20 words."))
        return body


def _unique_slug(parent, title):
    base = slugify(title)[:70] or "article"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def submit_article(section, user, data):
    """Create the draft under ``section`` and start the section's workflow. Returns the page."""
    from npshub.pages.models import ArticlePage

    profile = getattr(user, "profile", None)
    page = ArticlePage(
        title=data["title"], slug=_unique_slug(section, data["title"]), intro=data["intro"],
        author=user, owner=user, department=profile.department if profile else None, live=False,
        body=[{"type": "paragraph", "value": data["body"]}],
    )
    section.add_child(instance=page)
    tags = [t.strip()[:100] for t in (data.get("tags") or "").split(",") if t.strip()][:10]
    if tags:
        page.tags.add(*tags)
        page.save()  # a cluster's tags are written with the page
    revision = page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    return page, revision


def serve_submission(page, request):
    section = page.get_parent().specific
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submit_article(section, request.user, form.cleaned_data)
        messages.success(request, page.thanks)
        return redirect(page.url)
    from npshub.pages.models import ArticlePage

    mine = in_reader_locale(ArticlePage.objects.filter(author=request.user).order_by("-pk")[:20])[:10] \
        if request.user.is_authenticated else []
    return TemplateResponse(request, page.get_template(request), {
        **page.get_context(request), "form": form, "my_articles": mine,
    }, status=400 if request.method == "POST" else 200)
