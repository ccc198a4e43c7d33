import json
import logging
import urllib.error
import urllib.request

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from callbacks import privacy, queue, workflow
from callbacks.access import audit

logger = logging.getLogger(__name__)


@shared_task(name="callbacks.expire_claims")
def expire_claims():
    """Unused claims go back to the queue (beat: every minute)."""
    return workflow.expire_claims()


@shared_task(name="callbacks.refresh_priorities")
def refresh_priorities():
    return queue.refresh_priorities()


@shared_task(name="callbacks.purge_recordings")
def purge_recordings():
    """Delete recordings past their retention date: rows and files (beat: hourly)."""
    return privacy.purge_recordings().purged


@shared_task(name="callbacks.purge_interviews")
def purge_interviews():
    """Delete research interviews past their retention date (the recordings'): rows and files (beat: hourly)."""
    return privacy.purge_interviews().purged


@shared_task(name="callbacks.purge_notes")
def purge_notes():
    """Clear call notes older than CALLBACKS_NOTES_RETENTION_DAYS (beat: daily)."""
    return privacy.purge_notes().purged


@shared_task(name="callbacks.purge_audit_log")
def purge_audit_log():
    """Delete audit entries older than CALLBACKS_AUDIT_RETENTION_DAYS (beat: daily)."""
    return privacy.purge_audit_log().purged


@shared_task(name="callbacks.click_to_dial", soft_time_limit=30)
def click_to_dial(callback_id, user_id):
    """Ask the PBX to ring the caller's extension and connect the customer (CALLBACKS_PBX_DIAL_URL).

    POSTs JSON {"phone", "extension", "reference"}; the number is sent only while the claim lasts.
    Returns {"ok": bool, "status"|"error"}; every attempt is audited."""
    from django.contrib.auth import get_user_model

    from callbacks.models import Callback
    from npshub.feedback.models import CustomerContact

    user = get_user_model().objects.filter(pk=user_id).first()
    callback = Callback.objects.filter(pk=callback_id).first()
    if user is None or callback is None or not callback.claim_active_for(user):
        return {"ok": False, "error": "no active claim"}
    contact = CustomerContact.objects.filter(response_id=callback.response_id).first()
    if contact is None or not contact.phone:
        return {"ok": False, "error": "no phone number"}
    extension = user.get_username()  # the PBX knows employees' extensions by username
    body = json.dumps({"phone": contact.phone, "extension": extension, "reference": f"callback-{callback.pk}"}).encode()
    request = urllib.request.Request(
        settings.CALLBACKS_PBX_DIAL_URL, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CALLBACKS_PBX_TIMEOUT) as reply:
            result = {"ok": 200 <= reply.status < 300, "status": reply.status}
    except urllib.error.HTTPError as error:
        result = {"ok": False, "status": error.code}
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        result = {"ok": False, "error": str(getattr(error, "reason", error))[:200]}
    audit(user, "click_to_dial", callback, **result)
    return result


def customer_language(code):
    """The site language closest to the response's (``ru-RU`` → ``ru``); the default otherwise."""
    code = (code or "").split("-")[0].split("_")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@shared_task(name="callbacks.run_playbook_action")
def run_playbook_action(action_id):
    """Send one playbook e-mail, exactly once (the row's result guards re-runs)."""
    from callbacks.models import PlaybookAction
    from npshub.digest.transactional import send_branded_email
    from npshub.feedback.models import CustomerContact

    with transaction.atomic():
        action = PlaybookAction.objects.select_for_update(of=("self",)).select_related("playbook", "response").filter(pk=action_id).first()
        if action is None or action.result != "pending":
            return action.result if action else "missing"
        contact = CustomerContact.objects.filter(response_id=action.response_id).first()
        if contact is None or not contact.email or not action.response.data_consent:
            action.result, action.detail = "skipped", "no e-mail address or no consent"
        else:
            playbook = action.playbook
            first_name = (contact.name or "").split(" ")[0]
            template = "thank_you"  # one branded layout; the playbook supplies the words
            language = customer_language(action.response.language)  # the language the customer answered in
            texts = playbook.in_language(language)
            with translation.override(language):
                subject = texts.subject or gettext("Thank you")
            try:
                ok = send_branded_email(
                    contact.email, subject, template,
                    # The layout greets ("Dear Ann,"): the message is the body only. A customer's e-mail.
                    {"name": first_name, "message": texts.message.replace("{name}", first_name), "customer": True},
                    language=language,
                )
            except Exception as error:  # the sender failed: record it, do not retry blindly
                logger.exception("Playbook e-mail %s failed", action_id)
                ok, action.detail = False, str(error)[:300]
            action.result = "sent" if ok else "failed"
        action.done_at = timezone.now()
        action.save()
    return action.result
