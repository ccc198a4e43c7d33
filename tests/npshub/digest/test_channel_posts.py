"""Channel posts: editors write and schedule them in the admin; each chosen channel gets the card
once, in its language; refusals are retried or recorded; a claimed delivery is never posted again;
hostile text never becomes HTML in the preview."""

import datetime

import pytest
from django.utils import timezone

from npshub.digest import card_html, channel_posts, tasks
from npshub.digest.models import ChannelPost, ChannelPostDelivery as Delivery, TeamsChannel
from tests import factories as f
from tests.npshub.digest.teams_webhook import TeamsWebhook, card_of, texts

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/digest/channelpost/add/"


@pytest.fixture
def hook():
    server = TeamsWebhook()
    yield server
    server.close()


def make_post(channels, status=ChannelPost.Status.SCHEDULED, when=None, **fields):
    fields = {"section": ChannelPost.Section.TIPS, "title_en": "Call back fast", "body_en": "Within **48 hours**.",
              "title_ru": "Перезванивайте быстро", "body_ru": "В течение **48 часов**.", **fields}
    post = ChannelPost.objects.create(status=status, scheduled_at=when, **fields)
    post.channels.set(channels)
    return post


def channels(hook):
    return [TeamsChannel.objects.create(name="CX", webhook_url=hook.url("cx"), language="en"),
            TeamsChannel.objects.create(name="Сервис", webhook_url=hook.url("service"), language="ru")]


def form_data(**overrides):
    data = {"section": "wins", "title_en": "A win", "body_en": "We did it.", "title_ru": "", "body_ru": "",
            "link_url": "", "image": "", "status": "draft", "scheduled_at": ""}
    data.update(overrides)
    return data


def test_each_channel_gets_the_card_once_in_its_language(hook):
    post = make_post(channels(hook), link_url="https://hub.example/callbacks/")
    assert channel_posts.publish_due() == {"started": 1, "sending": 1}
    [en] = hook.received("cx")
    [ru] = hook.received("service")
    assert texts(card_of(en)) == ["Tips", "Call back fast", "Within **48 hours**."]
    assert texts(card_of(ru)) == ["Советы", "Перезванивайте быстро", "В течение **48 часов**."]
    assert card_of(ru)["actions"] == [{"type": "Action.OpenUrl", "title": "Подробнее", "url": "https://hub.example/callbacks/"}]
    assert card_of(en)["version"] == "1.4" and en["body"]["type"] == "message"
    post.refresh_from_db()
    assert post.status == ChannelPost.Status.SENT and post.finished_at
    assert sorted(post.deliveries.values_list("status", "status_code", "language")) == [
        ("sent", 202, "en"), ("sent", 202, "ru")]
    # Beat again, twice, and the task: nothing more is posted.
    channel_posts.publish_due()
    tasks.publish_channel_posts()
    channel_posts.deliver(post.pk)
    assert len(hook.received()) == 2


def test_a_blank_language_falls_back_to_the_other_and_the_preview_says_so(hook):
    post = make_post(channels(hook), title_ru="", body_ru="")
    channel_posts.publish_due()
    [ru] = hook.received("service")
    assert texts(card_of(ru)) == ["Советы", "Call back fast", "Within **48 hours**."]  # Russian labels, English text
    preview = channel_posts.preview(post, "ru")
    assert preview["fallback"] is True and "Call back fast" in preview["html"]
    assert channel_posts.preview(post, "en")["fallback"] is False


def test_drafts_and_future_posts_wait(hook):
    chans = channels(hook)
    draft = make_post(chans, status=ChannelPost.Status.DRAFT)
    later = make_post(chans, when=timezone.now() + datetime.timedelta(hours=1))
    assert channel_posts.publish_due() == {"started": 0, "sending": 0}
    assert hook.received() == [] and not Delivery.objects.exists()
    ChannelPost.objects.filter(pk=later.pk).update(scheduled_at=timezone.now() - datetime.timedelta(seconds=1))
    channel_posts.publish_due()
    assert len(hook.received()) == 2
    draft.refresh_from_db()
    assert draft.status == ChannelPost.Status.DRAFT


def test_refusals_are_retried_then_recorded_with_the_http_status(hook, settings):
    settings.TEAMS_POST_MAX_ATTEMPTS = 2
    hook.status = lambda n: 503
    post = make_post(channels(hook)[:1])
    channel_posts.publish_due()
    delivery = post.deliveries.get()
    assert (delivery.status, delivery.status_code, delivery.attempts) == (Delivery.RETRY, 503, 1)
    assert "HTTP 503" in delivery.error and delivery.next_attempt_at > timezone.now()
    channel_posts.publish_due()
    assert len(hook.received()) == 1  # not due yet
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    channel_posts.publish_due()
    delivery.refresh_from_db()
    post.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(hook.received())) == (Delivery.FAILED, 2, 2)
    assert post.status == ChannelPost.Status.FAILED


def test_a_bad_request_fails_at_once_and_an_unreachable_channel_is_retried(hook):
    hook.status = 400
    post = make_post(channels(hook)[:1])
    closed = TeamsChannel.objects.create(name="Gone", webhook_url="http://127.0.0.1:9/nowhere")
    post.channels.add(closed)
    channel_posts.publish_due()
    rows = {d.channel.name: d for d in post.deliveries.select_related("channel")}
    assert (rows["CX"].status, rows["CX"].status_code) == (Delivery.FAILED, 400)
    assert rows["Gone"].status == Delivery.RETRY and rows["Gone"].status_code is None and rows["Gone"].error


def test_a_claimed_delivery_is_never_posted_again(hook, settings):
    post = make_post(channels(hook)[:1])
    assert channel_posts.start(post.pk)
    # A worker claimed it and died, with or without the request going out.
    Delivery.objects.filter(post=post).update(status=Delivery.SENDING, claim="dead", claimed_at=timezone.now(), attempts=1)
    channel_posts.publish_due()
    assert hook.received() == []
    settings.TEAMS_CLAIM_TIMEOUT = 0
    channel_posts.publish_due()
    delivery = post.deliveries.get()
    post.refresh_from_db()
    assert delivery.status == Delivery.UNCONFIRMED and "Check the channel" in delivery.error
    assert post.status == ChannelPost.Status.FAILED and hook.received() == []


def test_the_preview_renders_the_posted_card_and_never_runs_html():
    post = ChannelPost(section="wins", title_en="<img src=x onerror=alert(1)>", link_url="https://hub.example/",
                       body_en="**Bold** and _it_\n- one\n- two\n\n[click](javascript:alert(1)) <script>alert(2)</script>")
    html = channel_posts.preview(post, "en")["html"]
    assert "<script" not in html and "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<strong>Bold</strong>" in html and "<em>it</em>" in html and "<ul><li>one</li><li>two</li></ul>" in html
    assert 'href="https://hub.example/"' in html
    # Built from the payload itself: the same card renders the same HTML.
    assert card_html.render(channel_posts.card(post, "en")) == html


def test_an_editor_writes_and_schedules_a_post_in_the_admin(client, hook, django_capture_on_commit_callbacks):
    cx, service = channels(hook)
    client.force_login(f.user("editor"))
    assert client.get(ADD_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, form_data(status="scheduled", channels=[cx.pk, service.pk]))
    assert response.status_code == 302
    post = ChannelPost.objects.get()
    assert post.status == ChannelPost.Status.SENT and post.created_by.username.startswith("editor")
    assert len(hook.received("cx")) == len(hook.received("service")) == 1  # due at once: sent on save
    page = client.get(f"/admin/digest/channel-posts/{post.pk}/")
    assert page.status_code == 200 and "202" in page.content.decode()
    # A sent post can no longer change.
    edit = f"/admin/snippets/digest/channelpost/edit/{post.pk}/"
    assert client.post(edit, form_data(title_en="Changed", status="scheduled", channels=[cx.pk])).status_code == 200
    post.refresh_from_db()
    assert post.title_en == "A win" and len(hook.received()) == 2
    # The live preview of a new post shows its card, in either language.
    preview_url = "/admin/snippets/digest/channelpost/preview/"
    assert client.post(preview_url, form_data(title_en="Preview me & co", channels=[cx.pk])).json()["is_valid"]
    shown = client.get(preview_url, {"mode": "ru"}).content.decode()
    assert "Preview me &amp; co" in shown and "Победы" in shown and "There is no text in Russian" in shown


@pytest.mark.parametrize("data, field, message", [
    (form_data(body_en="Hi <b onclick=x>there</b>"), "body_en", "HTML tags are not allowed"),
    (form_data(body_en=""), "body_en", "or neither"),
    (form_data(title_en="", body_en=""), None, "at least one language"),
    (form_data(status="scheduled"), "channels", "at least one channel"),
])
def test_bad_input_is_refused_with_a_message(client, data, field, message):
    client.force_login(f.user("editor"))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200 and not ChannelPost.objects.exists()
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", []))


@pytest.mark.parametrize("kind, allowed", [("employee", False), ("team_manager", False), ("caller", False),
                                           ("editor", True), ("cx_admin", True)])
def test_only_editors_and_cx_admins_write_posts(client, kind, allowed, hook):
    post = make_post(channels(hook), status=ChannelPost.Status.DRAFT)
    client.force_login(f.user(kind))
    for url in (ADD_URL, "/admin/snippets/digest/channelpost/", f"/admin/digest/channel-posts/{post.pk}/"):
        response = client.get(url)
        assert (response.status_code == 200) is allowed, url


def test_an_editor_sends_a_failed_post_again_to_the_channels_that_refused_it(client, hook, django_capture_on_commit_callbacks):
    hook.status = lambda n: 400 if n == 1 else 202
    cx, service = channels(hook)
    post = make_post([cx])
    channel_posts.publish_due()
    post.refresh_from_db()
    assert post.status == ChannelPost.Status.FAILED
    url = f"/admin/digest/channel-posts/{post.pk}/resend/"
    client.force_login(f.user("employee"))
    assert client.post(url).status_code in (302, 403) and len(hook.received()) == 1
    client.force_login(f.user("editor"))
    assert "Send again" in client.get(f"/admin/digest/channel-posts/{post.pk}/").content.decode()
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    post.refresh_from_db()
    delivery = post.deliveries.get()
    assert post.status == ChannelPost.Status.SENT and (delivery.status, delivery.status_code) == (Delivery.SENT, 202)
    assert len(hook.received()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # a sent post is not sent again
    assert len(hook.received()) == 2
