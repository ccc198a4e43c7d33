"""Demo data: training pages, playbooks, the queue of recent consenting detractors, one completed,
recorded, exemplary call (so that the demo caller can walk the whole journey) and two research
interviews (one English for training, one Russian for internal research only)."""

import io
import math
import struct
import wave
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import Locale

from callbacks import queue, recordings, recovery, workflow
from callbacks.demo_ru import PLAYBOOKS as PLAYBOOKS_RU
from callbacks.models import Callback, Playbook, TrainingCollection, TrainingPage
from npshub.feedback import nps
from npshub.feedback.models import Response

TRAINING = [
    ("caller-guide", "Caller guide: your first callback", True,
     "Five minutes that make every call count. Read this before your first call.",
     "<h2>Before you dial</h2><ul><li>Read the customer's review and the score once more.</li>"
     "<li>Check the product and the store or channel concerned.</li><li>Have a pen ready for the follow-up action.</li></ul>"
     "<h2>During the call</h2><ol><li>Introduce yourself and say why you call: <i>you told us about your experience and we want to hear it first-hand</i>.</li>"
     "<li>Listen. Let the customer finish; do not defend, do not argue.</li><li>Repeat what you heard in your own words.</li>"
     "<li>Say what will happen next, and only promise what a team can deliver.</li><li>Thank them for their time.</li></ol>"
     "<h2>Personal data</h2><p>The phone number is shown to you only while your claim lasts (30 minutes). "
     "Never copy it elsewhere. If the customer asks not to be called again or to delete their data, "
     "tell the CX team: they record it and the customer leaves the queue at once.</p>"),
    ("why-calls-matter", "Why calling customers back matters", False,
     "A detractor who is heard often becomes a promoter.",
     "<p>Customers who complain and get a personal answer come back more often than customers who never complained. "
     "A callback within 48 hours shows that the company listens; the story you bring back helps every team fix the cause.</p>"),
    ("how-the-platform-works", "How the callback platform works", False,
     "Queue, claim, call, record, close the loop.",
     "<ol><li><b>Queue</b>: customers with a low score who agreed to be called appear, most urgent first.</li>"
     "<li><b>Claim</b>: one click reserves the customer for you, so two colleagues never call the same person.</li>"
     "<li><b>Call</b>: the call button opens your phone line; the number appears only for you.</li>"
     "<li><b>Record the outcome</b>, the notes, a follow-up action for a team, and attach the recording.</li>"
     "<li><b>Learn</b>: the best calls are collected in the call library.</li></ol>"),
]


def tone_wav(seconds=2.0, rate=8000):
    """A short, valid mono 16-bit WAV (a soft two-tone chime), made with the wave module."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            frequency = 440 if n < rate * seconds / 2 else 660
            frames += struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / rate)))
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def _training_pages(stdout):
    from npshub.pages.models import HomePage, SectionPage

    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        return
    section = home.get_children().filter(slug="caller-training").first()
    if section is None:
        section = home.add_child(instance=SectionPage(
            title="Caller training", slug="caller-training", show_in_menus=False,
            intro="<p>Tips for calling customers back, and why it matters.</p>",
        ))
        section.save_revision().publish()
    created = 0
    for slug, title, is_guide, intro, body in TRAINING:
        if TrainingPage.objects.filter(slug=slug).exists():
            continue
        page = section.add_child(instance=TrainingPage(title=title, slug=slug, intro=intro, body=body, is_caller_guide=is_guide))
        page.save_revision().publish()
        created += 1
    if created:
        stdout.write(f"callbacks: {created} training pages")
    _translate_training(section)


def _translate_training(section):
    """The training pages in Russian too (as an editor translates them with wagtail-localize)."""
    from npshub.pages.translating import locale, translate

    from callbacks.demo_ru import TRAINING_RU

    russian = locale("ru")
    for page in section.get_descendants(inclusive=True).filter(locale=section.locale).specific().order_by("path"):
        if not page.has_translation(russian):
            translate(page, "ru", TRAINING_RU, publish=page.live)


def _playbooks():
    defaults = [
        ("Thank our promoters", Playbook.Category.PROMOTER, Playbook.Action.THANK_YOU_EMAIL,
         "Thank you for recommending us", "Thank you for your kind words. It means a lot to the whole team."),
        ("Ask passives what would make it a 10", Playbook.Category.PASSIVE, Playbook.Action.FOLLOW_UP_EMAIL,
         "What would make it a 10?", "Thank you for your answer. What one thing would make your next visit perfect? Just reply to this e-mail."),
        ("Call detractors back", Playbook.Category.DETRACTOR, Playbook.Action.QUEUE, "", ""),
    ]
    for name, category, action, subject, message in defaults:
        playbook, _created = Playbook.objects.get_or_create(category=category, defaults={
            "name": name, "action": action, "subject": subject, "message": message})
        if subject and not playbook.subject_ru:  # customers who answered in Russian get Russian
            playbook.subject_ru, playbook.message_ru = PLAYBOOKS_RU[subject]
            playbook.save(update_fields=["subject_ru", "message_ru"])


def _queue(stdout, now):
    # The most recent consenting detractors (up to 60 waiting), whatever the size of the demo data.
    missing = max(0, 60 - Callback.objects.filter(status=Callback.Status.OPEN).count())
    recent = Response.objects.filter(
        nps.category_q(nps.DETRACTOR), callback_consent=True, data_consent=True, callback__isnull=True
    ).order_by("-submitted_at").values_list("pk", flat=True)[:missing]
    queued = queue.queue_responses(list(recent), now=now, max_age_days=3650)
    # Demo responses are bulk-loaded at once: spread their arrival evenly over the last three days
    # (newest answer, latest arrival) so that the queue shows a realistic mix of due and overdue.
    changed = []
    fresh = list(Callback.objects.filter(status=Callback.Status.OPEN, attempts=0, response__external_id__startswith="demo-")
                 .select_related("response").order_by("-response__submitted_at"))
    for index, callback in enumerate(fresh):
        received = now - timedelta(hours=72) * index / max(len(fresh), 1)
        callback.due_at = received + timedelta(hours=settings.CALLBACKS_SLA_HOURS.get(callback.category, 48))
        callback.priority = queue.compute_priority(callback.response.score, callback.response.segment, received, callback.category, now)
        changed.append(callback)
    Callback.objects.bulk_update(changed, ["due_at", "priority"])
    if queued:
        stdout.write(f"callbacks: {queued} consenting detractors queued")


def _completed_call(stdout, now):
    User = get_user_model()
    caller, editor = User.objects.filter(username="caller").first(), User.objects.filter(username="editor").first()
    if caller is None or Callback.objects.filter(recordings__isnull=False).exists():
        return
    callback = Callback.objects.filter(status=Callback.Status.OPEN, response__product="vacuum-cleaner").exclude(response__comment="").first() \
        or Callback.objects.filter(status=Callback.Status.OPEN).first()
    if callback is None:
        return
    workflow.acknowledge_guide(caller)
    workflow.claim(caller, callback.pk, now=now)
    recordings.attach(callback, SimpleUploadedFile("call.wav", tone_wav(), content_type="audio/wav"), caller)
    workflow.record_outcome(
        caller, callback.pk, "reached", resolved=True, tags="quality, replacement",
        # The demo caller reads and writes Russian.
        notes="Клиентка подробно описала неисправность. Договорились о замене в магазине; она была рада, что ей "
              "перезвонили. Если замены в магазине нет, перезвоните ей по номеру +7 916 555-01-02.",
    )
    # The demo caller walks the guide acknowledgement themselves: forget this one.
    from callbacks.models import GuideAcknowledgement

    GuideAcknowledgement.objects.filter(user=caller).delete()
    if editor:
        callback.refresh_from_db()
        collection, _created = TrainingCollection.objects.get_or_create(
            name="Great recoveries", defaults={
                "description": "Calls that turned an unhappy customer around.", "name_ru": "Удачные возвраты клиентов",
                "description_ru": "Звонки, после которых недовольный клиент остался с нами."}
        )
        workflow.add_to_collection(editor, callback, collection)
    stdout.write("callbacks: one completed call with a recording in the library")


def _journey(stdout, now):
    """A customer who was a promoter and slipped: two answers through ingestion, the second queued
    as a "slipped promoter" whose call page shows the journey. Idempotent (same external ids)."""
    from npshub.feedback.ingest import ingest, source_for_import

    contact = {"customer_name": "Olga Demidova", "customer_phone": "+7 916 700-11-22", "callback_consent": True,
               "data_consent": True, "team": "webshop", "product": "kettle", "channel": "online", "language": "en",
               "segment": "loyal", "region": "moscow"}
    records = [
        {"external_id": "demo-journey-1", "submitted_at": (now - timedelta(days=40)).isoformat(), "score": 10,
         "comment": "Fast delivery and the kettle is lovely.", **contact},
        {"external_id": "demo-journey-2", "submitted_at": (now - timedelta(days=1)).isoformat(), "score": 5,
         "comment": "My second order came late and nobody told me why.", **contact},
    ]
    report = ingest(source_for_import("survey"), records)
    if report.created:
        stdout.write("callbacks: a customer journey with a slipped promoter")


def _turnaround(stdout, now):
    """A detractor called back by the demo manager who answers again, as a promoter, two weeks
    later: a win on the home page and in the digest. Idempotent (same external ids)."""
    from npshub.feedback.ingest import ingest, source_for_import

    caller = get_user_model().objects.filter(username="manager").first()
    if caller is None or Response.objects.filter(external_id="demo-turnaround-2").exists():
        return
    contact = {"customer_name": "Pavel Sokolov", "customer_phone": "+7 916 700-33-44", "callback_consent": True,
               "data_consent": True, "team": "store-moscow-tverskaya", "product": "vacuum-cleaner", "channel": "store",
               "language": "ru", "segment": "new", "region": "moscow"}
    called_at = now - timedelta(days=20)
    ingest(source_for_import("survey"), [
        {"external_id": "demo-turnaround-1", "submitted_at": (called_at - timedelta(hours=5)).isoformat(), "score": 3,
         "comment": "Пылесос перестал заряжаться через неделю.", **contact}])
    first = Response.objects.get(source__slug="survey", external_id="demo-turnaround-1")
    queue.queue_responses([first.pk], now=called_at)  # load_demo runs in one transaction: queue now
    callback = Callback.objects.filter(response=first).first()
    if callback is None or callback.status != Callback.Status.OPEN:
        return
    from callbacks.models import GuideAcknowledgement

    had_acknowledged = GuideAcknowledgement.objects.filter(user=caller).exists()
    workflow.acknowledge_guide(caller)
    workflow.claim(caller, callback.pk)
    workflow.record_outcome(caller, callback.pk, "reached", resolved=True, tags="replacement",
                            notes="Заменили аккумулятор по гарантии в тот же день.")
    # The call happened 20 days ago (a claim is only valid now, so the times move back after).
    Callback.objects.filter(pk=callback.pk).update(completed_at=called_at, first_contact_at=called_at)
    callback.call_attempts.update(created_at=called_at)
    if not had_acknowledged:  # the demo manager walks the caller guide themselves
        GuideAcknowledgement.objects.filter(user=caller).delete()
    ingest(source_for_import("survey"), [
        {"external_id": "demo-turnaround-2", "submitted_at": (now - timedelta(days=6)).isoformat(), "score": 10,
         "comment": "Мне перезвонили и быстро всё решили. Спасибо!", **contact}])
    recovery.detect_recoveries([Response.objects.get(source__slug="survey", external_id="demo-turnaround-2").pk])
    stdout.write("callbacks: a detractor called back who came back as a promoter")


INTERVIEW_EN = {  # a customer interview in English, consent covering training
    "title": "Why a kettle came back twice", "kind": "interview", "language": "en", "department": "retail",
    "product": "kettle", "topics": ["quality", "returns"], "consent_use": "training",
    "interviewee_name": "Margaret Hill", "interviewee_contact": "m.hill@example.com", "consent_given_by": "Margaret Hill",
    "summary": "Margaret Hill bought two kettles in a month; both leaked at the seam. What won her back was the store "
               "manager who replaced the second one on the spot and explained the warranty without being asked. She "
               "would like the receipt to say how to return an item.",
    "transcript": "Researcher: Tell me about the first kettle.\nMargaret: It leaked after a week, at the seam under the "
                  "handle.\nResearcher: And the return?\nMargaret: The first time I queued for forty minutes. The second "
                  "time the manager just took it and gave me a new one. That is why I still shop there.",
}


def _interviews(stdout, now):
    """Two research interviews in the library: one English (training use), one Russian (research only)."""
    from callbacks import interviews
    from callbacks.demo_ru import INTERVIEW_RU
    from callbacks.models import Interview
    from npshub.feedback.models import Topic
    from npshub.people.models import Department

    researcher = get_user_model().objects.filter(username="cxadmin").first()
    added = 0
    for record in (INTERVIEW_EN, INTERVIEW_RU):
        if Interview.objects.filter(title=record["title"]).exists():
            continue
        fields = {key: value for key, value in record.items() if key not in ("topics", "department")}
        interviews.add_interview(
            researcher, SimpleUploadedFile("interview.wav", tone_wav(seconds=3.0), content_type="audio/wav"),
            topics=Topic.objects.filter(slug__in=record["topics"]),
            department=Department.objects.filter(slug=record["department"]).first(),
            consent_given_at=(now - timedelta(days=20)).date(), **fields,
        )
        added += 1
    if added:
        stdout.write(f"callbacks: {added} research interviews in the library")


def load(stdout):
    now = timezone.now()
    _training_pages(stdout)
    _playbooks()
    _queue(stdout, now)
    _journey(stdout, now)
    _completed_call(stdout, now)
    _turnaround(stdout, now)
    _interviews(stdout, now)
