"""Open redirects: every ``next`` goes through npshub.redirects.safe_next_url, which keeps it on
this site; and looking at a page changes nothing (notifications are marked read by a POST)."""

import pytest
from django.test import Client, RequestFactory

from callbacks.models import Callback
from callbacks.queue import queue_responses
from npshub.redirects import safe_next_url
from rewards.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example/x",
    "https://evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "javascript:alert(1)",
    "http:evil.example",
    " //evil.example/x",
]


def browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("target", HOSTILE)
def test_the_helper_refuses_urls_that_leave_the_site(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next_url(request, "rewards:me") == "/me/"
    request = RequestFactory().get("/x/", {"next": target})
    assert safe_next_url(request, "/fallback/") == "/fallback/"


def test_the_helper_keeps_urls_on_this_site():
    request = RequestFactory().post("/x/", {"next": "/callbacks/library/?q=kettle#call-3"})
    assert safe_next_url(request, "rewards:me") == "/callbacks/library/?q=kettle#call-3"
    own_host = RequestFactory().post("/x/", {"next": "http://testserver/teams/webshop/"})
    assert safe_next_url(own_host, "rewards:me") == "http://testserver/teams/webshop/"
    over_https = RequestFactory().post("/x/", {"next": "http://testserver/me/"}, secure=True)
    assert safe_next_url(over_https, "rewards:person", user_id=7) == "/people/7/"  # no downgrade to http


@pytest.mark.parametrize("target", HOSTILE)
def test_kudos_guide_and_curation_never_redirect_off_site(target):
    giver, receiver = f.user("employee"), f.user("employee")
    kudos = browser(giver).post(f"/people/{receiver.pk}/kudos/", {"message": "Thanks!", "next": target})
    assert kudos.status_code == 302 and kudos["Location"] == f"/people/{receiver.pk}/"

    guide = browser(f.user("caller")).post(f"/callbacks/guide/?next={target}", {"confirm": "yes", "next": target})
    assert guide.status_code == 302 and guide["Location"] == "/callbacks/"

    response = f.response(score=2, contact=True)
    queue_responses([response.pk])
    Callback.objects.filter(response=response).update(status=Callback.Status.DONE)
    curate = browser(f.user("cx_admin")).post(f"/callbacks/{response.callback.pk}/curate/", {"exemplary": "1", "next": target})
    assert curate.status_code == 302 and curate["Location"] == "/callbacks/library/"


def test_a_next_on_this_site_is_followed():
    giver, receiver = f.user("employee"), f.user("employee")
    kudos = browser(giver).post(f"/people/{receiver.pk}/kudos/", {"message": "Thanks!", "next": "/teams/x/"})
    assert kudos["Location"] == "/teams/x/"
    caller = f.user("caller")
    page = browser(caller).get("/callbacks/guide/?next=//evil.example/x").content.decode()
    assert '<input type="hidden" name="next" value="/callbacks/">' in page  # not even carried into the form
    guide = browser(caller).post("/callbacks/guide/", {"confirm": "yes", "next": "/callbacks/42/"})
    assert guide["Location"] == "/callbacks/42/"


def test_viewing_the_profile_leaves_notifications_unread_until_a_post():
    person = f.user("employee")
    Notification.objects.create(user=person, message="You earned the First callback badge.")
    client = browser(person)
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200 and b"data-mark-read" in page.content
    assert Notification.objects.get(user=person).read_at is None
    assert client.get("/me/notifications/read/").status_code == 405
    assert Notification.objects.get(user=person).read_at is None
    done = client.post("/me/notifications/read/", {"next": "//evil.example/x"})
    assert done.status_code == 302 and done["Location"] == "/me/"
    assert Notification.objects.get(user=person).read_at is not None
    assert b"data-mark-read" not in client.get(f"/people/{person.pk}/").content
