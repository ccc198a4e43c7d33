"""Public endpoints under /t/ (no sign-in: every URL carries a signed token): the open pixel,
click redirects, and unsubscribe / email preferences (with RFC 8058 one-click unsubscribe)."""

import base64

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from npshub.digest import tracking
from npshub.digest.mailing import set_preference
from npshub.digest.models import OPTIONAL_TYPES, EmailPreference, Mailing, SendLog

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _log(token):
    pk = tracking.verify("log", token)
    if pk is None:
        raise Http404("Unknown link")
    return pk


def _record_open(pk, now):
    SendLog.objects.filter(pk=pk, opened_at__isnull=True).update(opened_at=now)
    return SendLog.objects.filter(pk=pk).update(open_count=F("open_count") + 1)


@login_not_required  # e-mail links: the signed token is the credential
@never_cache
def pixel(request, token):
    pk = _log(token)
    if not _record_open(pk, timezone.now()):
        raise Http404("Unknown link")
    return HttpResponse(PIXEL, content_type="image/gif")


@login_not_required  # e-mail links: the signed token is the credential
@never_cache
def click(request, token, index):
    pk = _log(token)
    row = SendLog.objects.filter(pk=pk).values_list("mailing_id", flat=True).first()
    if row is None:
        raise Http404("Unknown link")
    links = Mailing.objects.filter(pk=row).values_list("links", flat=True).first() or []
    if index >= len(links):
        raise Http404("Unknown link")
    now = timezone.now()
    _record_open(pk, now)  # a click proves the email was opened, images on or off
    SendLog.objects.filter(pk=pk, clicked_at__isnull=True).update(clicked_at=now)
    SendLog.objects.filter(pk=pk).update(click_count=F("click_count") + 1)
    return HttpResponseRedirect(links[index])


def _user(token):
    pk = tracking.verify("user", token)
    user = get_user_model().objects.filter(pk=pk).first() if pk else None
    if user is None:
        raise Http404("Unknown link")
    return user


@login_not_required  # e-mail links: the signed token is the credential
@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    user = _user(token)
    preference, _created = EmailPreference.objects.get_or_create(user=user)
    saved = False
    if request.method == "POST":
        for kind in OPTIONAL_TYPES:
            set_preference(user, kind, request.POST.get(kind) == "on")
        preference.refresh_from_db()
        saved = True
    choices = [(kind, label, getattr(preference, kind)) for kind, label in OPTIONAL_TYPES.items()]
    return render(request, "digest/preferences.html", {"choices": choices, "saved": saved, "person": user})


@login_not_required  # e-mail links: the signed token is the credential
@never_cache
@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token, kind):
    user = _user(token)
    if kind not in OPTIONAL_TYPES:
        raise Http404("Unknown email type")
    done = False
    if request.method == "POST":  # GET only asks: link scanners must not unsubscribe anyone
        set_preference(user, kind, False)
        done = True
    return render(request, "digest/unsubscribe.html", {
        "kind": OPTIONAL_TYPES[kind], "done": done, "token": token, "person": user,
    })
