"""The callbacks plugin's test world, built on tests/factories.py (people, customers, calls)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from callbacks import queue, recordings, workflow
from callbacks.demo import tone_wav
from content.pages import ensure_wagtail_roots
from tests import factories as f

COMMENT = "The kettle leaks. Call me at +7 916 123-45-67."
NOTES = "Prefers her mobile +7 916 111-22-33 or anna.o@example.net after six."
NOTES_MASKED = "Prefers her mobile [phone] or [e-mail] after six."
WAV = tone_wav(seconds=0.5)


def person(kind="caller", team=None, acknowledged=False, **fields):
    """Someone of ``kind`` (tests.factories.ROLE_SETS) in ``team`` (default: central CX)."""
    user = f.user(kind, team=team or f.org().cx_team, **fields)
    if acknowledged:
        ensure_wagtail_roots()  # the caller guide is looked up in the default locale (flushed by transactional tests)
        workflow.acknowledge_guide(user)
    return user


def customer(score=3, consent=True, team="store-1", product="kettle", segment="loyal", region="moscow",
             comment=COMMENT, phone="+7 916 123-45-67", email="anna@example.net", name="Anna Orlova", **fields):
    """A customer's response with their contact kept apart (when a phone or e-mail is given);
    the usual departments and teams exist (``f.org()``), so ``team`` places it in one."""
    f.org()
    return f.response(
        score, contact=bool(phone or email), consent=consent, name=name, phone=phone, email=email,
        team=team, product=product, segment=segment, region=region, comment=comment, **fields,
    )


def callback(**kwargs):
    """A queued callback for a new consenting customer (``customer``'s arguments)."""
    response = customer(**kwargs)
    queue.queue_responses([response.pk])
    return response.callback


def upload(name="call.wav", data=WAV):
    return SimpleUploadedFile(name, data, content_type="audio/wav")


def done_call(caller=None, notes=NOTES, outcome="reached", **kwargs):
    """A completed, recorded call: (callback, recording, caller). The caller defaults to a member
    of the callback's team."""
    call = callback(**kwargs)
    if caller is None:
        team = call.department.teams.first() if call.department_id else None
        caller = person("caller", team=team, acknowledged=True)
    workflow.claim(caller, call.pk)
    recording = recordings.attach(call, upload(), caller)
    workflow.record_outcome(caller, call.pk, outcome, notes=notes, resolved=True)
    call.refresh_from_db()
    return call, recording, caller


def shows_phone(text):
    """Whether ``text`` shows the helpers' customer phone (+7 916 123-45-67) in any usual spelling; not
    fooled by "916" inside a longer number such as a timestamp's microseconds."""
    import re

    return bool(re.search(r"(?<!\d)916(?!\d)|123-?45-?67|9161234567", text))
