"""Admin views of the email pipeline (editors and CX admins): the digest desk (preview as any
employee, test send to oneself, send to the audience), per-issue reports, and the outbox browser."""

import base64
import email
import re
from email import policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from npshub import params
from npshub.formats import number
from npshub.digest import mailing as mailing_lib
from npshub.digest import sending
from npshub.digest.models import Mailing, SendLog
from npshub.people.roles import CX_ADMIN, EDITOR, has_any_role

SANDBOX_CSP = "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; font-src https: data:"


def _require_editor(request):
    if not has_any_role(request.user, (EDITOR, CX_ADMIN)):
        raise PermissionDenied


def _require_cx_admin(request):
    """The Outbox holds customer mail (thank-you notes) and every employee's digest: CX admins only."""
    if not has_any_role(request.user, (CX_ADMIN,)):
        raise PermissionDenied


PREVIEWED_AS = "digest.preview_as"
AUDIT_WINDOW = 30 * 60  # one log entry per editor, employee and issue per half hour


def _preview_as(request, issue, employee):
    """The issue as ``employee`` gets it, for the signed-in editor. Previewing as someone else is
    logged (Wagtail's history of the issue) and leaves out what is private to them (their points)."""
    from django.core.cache import cache
    from wagtail.log_actions import log

    other = employee.pk != request.user.pk
    if other and cache.add(f"digest-preview-as:{request.user.pk}:{employee.pk}:{issue.pk}", 1, AUDIT_WINDOW):
        log(instance=issue, action=PREVIEWED_AS, user=request.user,
            data={"employee_id": employee.pk, "employee": employee.get_username()})
    return mailing_lib.preview_html(Mailing.DIGEST, issue, employee, private=not other)


def _sandboxed(html):
    """An email's HTML for an <iframe sandbox>: no scripts, no forms, no same-origin, ever."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def desk(request):
    from npshub.pages.models import DigestPage

    _require_editor(request)
    from wagtail.models import Locale

    # One row per issue (its source page); each recipient gets the translation in their language.
    issues = DigestPage.objects.filter(locale=Locale.get_default()).order_by("-month", "-pk")[:24]
    mailings = {m.issue_id: m for m in Mailing.objects.filter(kind=Mailing.DIGEST)}
    rows = [{"issue": issue, "mailing": mailings.get(issue.pk)} for issue in issues]
    weekly = Mailing.objects.filter(kind=Mailing.WEEKLY)[:8]
    return TemplateResponse(request, "digest/admin/desk.html", {
        "rows": rows, "weekly": weekly, "sees_outbox": has_any_role(request.user, (CX_ADMIN,))})


def _employee(request):
    User = get_user_model()
    pk = params.as_id(request.GET.get("user") or request.POST.get("user"))
    if pk:
        user = User.objects.filter(pk=pk).select_related("profile__team", "profile__department").first()
        if user:
            return user
    return request.user


def preview(request, page_id):
    from npshub.pages.models import DigestPage

    _require_editor(request)
    issue = get_object_or_404(DigestPage, pk=page_id)
    employee = _employee(request)
    q = request.GET.get("q", "").strip()
    User = get_user_model()
    candidates = User.objects.filter(is_active=True).exclude(email="").order_by("last_name", "first_name")
    if q:
        candidates = candidates.filter(Q(username__icontains=q) | Q(email__icontains=q) | Q(first_name__icontains=q)
                                       | Q(last_name__icontains=q))
    subject, _html, text = _preview_as(request, issue, employee)
    return TemplateResponse(request, "digest/admin/preview.html", {
        "issue": issue, "employee": employee, "candidates": candidates[:200], "q": q, "subject": subject,
        "text": text, "audience_count": mailing_lib.audience(issue).count(),
        "mailing": Mailing.objects.filter(key=f"digest-{issue.pk}").first(),
    })


def preview_html(request, page_id):
    from npshub.pages.models import DigestPage

    _require_editor(request)
    issue = get_object_or_404(DigestPage, pk=page_id)
    _subject, html, _text = _preview_as(request, issue, _employee(request))
    return _sandboxed(html)


@require_POST
def test_send(request, page_id):
    """The preview (as the chosen employee) sent to the editor's own address; no send log."""
    from npshub.digest import transport
    from npshub.digest.mime import MessageTemplate, address
    from npshub.pages.models import DigestPage

    _require_editor(request)
    issue = get_object_or_404(DigestPage, pk=page_id)
    if not request.user.email:
        messages.error(request, "Your account has no e-mail address.")
        return redirect("digest_preview", page_id)
    subject, html, text = _preview_as(request, issue, _employee(request))
    data = MessageTemplate(f"[TEST] {subject}", html, text, settings.DEFAULT_FROM_EMAIL).build(
        address(request.user.get_full_name(), request.user.email), {})
    sender = transport.get_transport()
    try:
        sender.open()
        sender.send(email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1], request.user.email, data)
        messages.success(request, f"Test email sent to {request.user.email}.")
    except (transport.PermanentFailure, transport.TransientFailure) as exc:
        messages.error(request, f"The test email was not accepted: {exc}")
    finally:
        sender.close()
    return redirect(f"{request.path.rsplit('test-send/', 1)[0]}?user={_employee(request).pk}")


def _being_sent(subject, count):
    return _("“%(subject)s” is being sent to %(count)s people. Recipients who already received it are skipped.") % {
        "subject": subject, "count": number(count)}


@require_POST
def send_now(request, page_id):
    from npshub.digest.tasks import send_issue
    from npshub.pages.models import DigestPage

    _require_editor(request)
    issue = get_object_or_404(DigestPage, pk=page_id)
    if not issue.live:
        messages.error(request, _("Publish the issue before sending it."))
        return redirect("digest_preview", page_id)
    send_issue.delay_on_commit(issue.pk)
    messages.success(request, _being_sent(issue.title, mailing_lib.audience(issue).count()))
    return redirect("digest_desk")


def announcement_send(request, announcement_id):
    """GET: who would receive the announcement; POST: send it (through the digest pipeline)."""
    from django.template.response import TemplateResponse

    from npshub.digest import announcements
    from npshub.digest.models import Announcement
    from npshub.digest.tasks import send_announcement

    _require_editor(request)
    announcement = get_object_or_404(Announcement, pk=announcement_id)
    audience = announcements.audience(announcement)
    if request.method == "POST":
        send_announcement.delay_on_commit(announcement.pk)
        messages.success(request, _being_sent(announcement.subject, audience.count()))
        return redirect("digest_desk")
    mailing = Mailing.objects.filter(key=announcements.key(announcement)).first()
    return TemplateResponse(request, "digest/admin/announcement_send.html", {
        "announcement": announcement, "audience_count": audience.count(), "mailing": mailing,
    })


def report(request, mailing_id):
    _require_editor(request)
    mailing = get_object_or_404(Mailing, pk=mailing_id)
    logs = SendLog.objects.filter(mailing=mailing)
    counts = SendLog.report_counts()
    total = logs.aggregate(**counts)
    departments = list(logs.values("department__name").annotate(**counts).order_by("-delivered", "department__name"))

    def rates(row):
        delivered = row["delivered"] or 0
        row["open_rate"] = round(100 * row["opened"] / delivered, 1) if delivered else None
        row["click_rate"] = round(100 * row["clicked"] / delivered, 1) if delivered else None
        return row

    failures = logs.filter(status=SendLog.FAILED).values("email", "error", "attempts")[:50]
    return TemplateResponse(request, "digest/admin/report.html", {
        "mailing": mailing, "total": rates(total), "departments": [rates(r) for r in departments],
        "failures": failures, "status": sending.totals(mailing),
    })


# --- Outbox ---------------------------------------------------------------------------------------

NAME = re.compile(r"^[\w.-]+\.eml$")


def _outbox():
    return Path(settings.EMAIL_FILE_PATH)


def _message(name):
    if not NAME.match(name):
        raise Http404
    path = _outbox() / name
    if not path.is_file():
        raise Http404
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def _head(path):
    with open(path, "rb") as handle:
        head = email.message_from_bytes(handle.read(8192).split(b"\r\n\r\n", 1)[0], policy=policy.default)
    return {"name": path.name, "to": head["To"], "subject": head["Subject"], "date": head["Date"]}


def outbox(request):
    _require_cx_admin(request)
    folder = _outbox()
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.name, reverse=True) if folder.is_dir() else []
    q = request.GET.get("q", "").strip().lower()
    if q:  # a local development outbox: reading every header is fine
        rows = [row for row in map(_head, paths) if q in f"{row['to']} {row['subject']}".lower()]
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        rows = list(page)
    else:
        page = Paginator(paths, 100).get_page(request.GET.get("page"))
        rows = [_head(path) for path in page]
    return TemplateResponse(request, "digest/admin/outbox.html", {
        "rows": rows, "page": page, "q": q, "folder": folder, "total": len(paths),
        "smtp": bool(getattr(settings, "EMAIL_HOST", "")),
    })


def outbox_message(request, name):
    _require_cx_admin(request)
    message = _message(name)
    text = message.get_body(preferencelist=("plain",))
    headers = [(k, str(v)) for k, v in message.items() if k.lower() in (
        "from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post")]
    return TemplateResponse(request, "digest/admin/outbox_message.html", {
        "name": name, "headers": headers, "text": text.get_content() if text else "",
        "has_html": message.get_body(preferencelist=("html",)) is not None,
    })


def outbox_html(request, name):
    _require_cx_admin(request)
    message = _message(name)
    body = message.get_body(preferencelist=("html",))
    if body is None:
        raise Http404
    html = body.get_content()
    for part in message.walk():  # inline images (the trend chart) shown in place of their cid: references
        cid = str(part["Content-ID"] or "").strip().strip("<>")
        if cid and part.get_content_type() == "image/png":
            html = html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(part.get_content()).decode("ascii"))
    return _sandboxed(html)
