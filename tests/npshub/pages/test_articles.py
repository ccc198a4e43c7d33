import pytest
from django.contrib.auth import get_user_model
from wagtail.models import WorkflowState

from npshub import events
from npshub.pages.models import ArticlePage, ArticleSubmissionPage

pytestmark = pytest.mark.django_db

BODY = ("Last month a customer wrote that our courier left a parcel in the rain. I called her the same day, "
        "listened, and we sent a replacement by evening.\n\nShe changed her score to a nine. "
        "<script>alert('x')</script><b onclick=\"x()\">Bold</b> <a href=\"javascript:alert(1)\">link</a>")


def test_employee_submits_editor_approves_event_published(client, demo):
    User = get_user_model()
    author = User.objects.get(username="employee")
    client.force_login(author)
    page = ArticleSubmissionPage.objects.filter(locale__language_code="en").get()
    assert "Write an article" in client.get(page.url).content.decode()
    response = client.post(page.url, {"title": "Rain, a parcel and a nine", "intro": "How one call turned a detractor.",
                                      "body": BODY, "tags": "delivery, callbacks"})
    assert response.status_code == 302
    article = ArticlePage.objects.filter(locale__language_code="en").get(title="Rain, a parcel and a nine")
    assert not article.live and article.author == author and article.department == author.profile.department
    assert sorted(t.name for t in article.tags.all()) == ["callbacks", "delivery"]
    stored = str(article.get_latest_revision_as_object().body[0].value.source)
    assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state.task.name == "Editorial review"
    assert "with the editors" in client.get(page.url).content.decode()

    # Editor approves (the workflow's last step publishes), with a comment.
    seen = []
    events.article_published.connect(lambda sender, **kw: seen.append(kw), dispatch_uid="t-article", weak=False)
    try:
        editor = User.objects.get(username="editor")
        task_state = state.current_task_state.specific
        task_state.task.specific.on_action(task_state, editor, "approve", comment="Lovely story")
        article.refresh_from_db()
        assert article.live
        assert task_state.comment == "Lovely story" or WorkflowState.objects.get(pk=state.pk).status == "approved"
        assert len(seen) == 1 and seen[0]["user"] == author and seen[0]["event_id"] == f"article_published:{article.pk}"
        html = client.get(article.url).content.decode()
        assert "Rain, a parcel and a nine" in html and "delivery" in html and "minute read" in html
    finally:
        events.article_published.disconnect(dispatch_uid="t-article")


def test_editor_rejects_with_comment(client, demo):
    User = get_user_model()
    author = User.objects.get(username="employee")
    client.force_login(author)
    page = ArticleSubmissionPage.objects.filter(locale__language_code="en").get()
    client.post(page.url, {"title": "Needs work", "intro": "Short.", "body": BODY, "tags": ""})
    article = ArticlePage.objects.filter(locale__language_code="en").get(title="Needs work")
    state = WorkflowState.objects.get(object_id=str(article.pk))
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(task_state, User.objects.get(username="editor"), "reject", comment="Add figures")
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES and task_state.comment == "Add figures"
    article.refresh_from_db()
    assert not article.live
    assert "changes requested" in client.get(page.url).content.decode()


def test_too_short_article_is_refused_clearly(client, demo):
    client.force_login(get_user_model().objects.get(username="employee"))
    page = ArticleSubmissionPage.objects.filter(locale__language_code="en").get()
    response = client.post(page.url, {"title": "x", "intro": "y", "body": "too short"})
    assert response.status_code == 400 and "at least 20 words" in response.content.decode()
