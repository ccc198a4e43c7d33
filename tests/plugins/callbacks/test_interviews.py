"""Research interviews (issue 16 part 4): who sees what as each role in two departments, the
consent-use rule (no training use, no training material), the upload form (CX researchers only,
bad files refused with 4xx and audited), search by topic / product / text, the read-only API,
retention and erasure, and the audit trail."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callbacks import access, interviews, tasks
from callbacks.models import AuditLog, Interview
from npshub.feedback.models import PurgeRun, Topic
from tests import factories as f
from tests.plugins.callbacks import helpers as h

NAME = "Margaret Hillington"
CONTACT = "margaret.h@example.org"
TRANSCRIPT = "Margaret: the zebrawood handle cracked, call me on +7 916 123-45-67."
SUMMARY = "Margaret Hillington found the kettle handle flimsy; reach her at +7 916 123-45-67."


@pytest.fixture
def topics():
    quality = Topic.objects.get_or_create(slug="quality", defaults={"name": "Quality", "name_ru": "Качество"})[0]
    delivery = Topic.objects.get_or_create(slug="delivery", defaults={"name": "Delivery", "name_ru": "Доставка"})[0]
    return quality, delivery


def interview(researcher, department, use="training", topics=(), product="kettle", title="Kettle interview", **fields):
    values = dict(title=title, kind="interview", language="en", department=department, product=product,
                  summary=SUMMARY, transcript=TRANSCRIPT, interviewee_name=NAME, interviewee_contact=CONTACT,
                  consent_given_by=NAME, consent_given_at=timezone.localdate(), consent_use=use)
    values.update(fields)
    return interviews.add_interview(researcher, h.upload(), topics=topics, **values)


@pytest.fixture
def world(org, topics):
    """A retail interview with training consent, one for research only; people of each role in
    retail and in e-commerce, and a CX admin."""
    people = {
        f"{kind}-{dept}": h.person(kind, team=team)
        for kind in ("caller", "team_manager", "employee")
        for dept, team in (("retail", org.retail_team), ("ecommerce", org.ecommerce_team))
    }
    people["cx_admin"] = h.person("cx_admin", team=org.retail_team)
    admin = people["cx_admin"]
    training = interview(admin, org.retail, "training", topics=[topics[0]], title="Training kettle")
    research = interview(admin, org.retail, "research", topics=[topics[1]], title="Research delivery", product="blender")
    return people, training, research


# Who sees each interview, and how: FULL (personal data), TRAINING (masked) or not at all.
MATRIX = {
    "caller-retail": ("full", "full"), "team_manager-retail": ("full", "full"),
    "caller-ecommerce": ("training", None), "team_manager-ecommerce": ("training", None),
    "employee-retail": ("training", None), "employee-ecommerce": ("training", None),
    "cx_admin": ("full", "full"),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_access_as_each_role_in_two_departments(world, who):
    people, training, research = world
    user = people[who]
    seen = dict(access.interview_records(user).values_list("pk", "record_access"))
    assert (seen.get(training.pk), seen.get(research.pk)) == MATRIX[who]

    client = Client()
    client.force_login(user)
    for item, expected in ((training, MATRIX[who][0]), (research, MATRIX[who][1])):
        page = client.get(reverse("callbacks:interview", args=[item.pk]))
        audio = client.get(reverse("callbacks:interview_audio", args=[item.pk]))
        body = page.content.decode()
        if expected is None:
            assert page.status_code == 404 and audio.status_code == 404
            assert item.title not in body
        else:
            assert page.status_code == 200 and audio.status_code == 200
            assert audio["Cache-Control"] == "private, no-store"
            assert (NAME in body, CONTACT in body, "zebrawood" in body) == ((expected == "full",) * 3)
            assert "916" not in body or expected == "full"


def test_consent_for_research_only_is_never_training_material(world):
    people, training, research = world
    employee = people["employee-ecommerce"]
    client = Client()
    client.force_login(employee)
    listing = client.get(reverse("callbacks:interviews")).content.decode()
    assert "Training kettle" in listing and "Research delivery" not in listing
    api = f.api(employee).get("/api/v1/callbacks/interviews/").json()
    assert [row["id"] for row in api["results"]] == [training.pk]
    assert f.api(employee).get(f"/api/v1/callbacks/interviews/{research.pk}/").status_code == 404
    # Changing the consent to research only takes it out of the training material at once.
    Interview.objects.filter(pk=training.pk).update(consent_use=Interview.Use.RESEARCH)
    assert not access.interview_records(employee).exists()


def test_summary_masked_for_the_training_audience(world):
    _people, training, _research = world
    assert training.summary_masked == "[name] [name] found the kettle handle flimsy; reach her at [phone]."
    assert interviews.masked_summary("Ирина Соколова сказала, что Ирину не предупредили.", "Ирина Соколова") == \
        "[name] [name] сказала, что [name] не предупредили."


def test_search_by_topic_product_and_text(world, topics):
    people, training, research = world
    admin, employee = Client(), Client()
    admin.force_login(people["cx_admin"])
    employee.force_login(people["employee-retail"])
    url = reverse("callbacks:interviews")

    def titles(client, **params):
        body = client.get(url, params).content.decode()
        return [title for title in ("Training kettle", "Research delivery") if title in body]

    assert titles(admin, topic="quality") == ["Training kettle"]
    assert titles(admin, topic="delivery") == ["Research delivery"]
    assert titles(admin, product="blender") == ["Research delivery"]
    assert titles(admin, q="zebrawood") == ["Training kettle", "Research delivery"]  # transcripts: full access
    assert titles(employee, topic="quality") == ["Training kettle"]
    assert titles(employee, q="zebrawood") == []  # the training audience never searches transcripts
    assert titles(employee, q="Hillington") == []  # nor names
    assert titles(employee, q="flimsy") == ["Training kettle"]
    api = f.api(people["cx_admin"]).get("/api/v1/callbacks/interviews/", {"topic": "delivery"}).json()
    assert [row["id"] for row in api["results"]] == [research.pk]


def test_api_detail_shows_personal_data_only_with_full_access_and_logs_it(world):
    people, training, _research = world
    full = f.api(people["caller-retail"]).get(f"/api/v1/callbacks/interviews/{training.pk}/").json()
    assert full["access"] == "full" and full["personal"]["interviewee_name"] == NAME
    assert "zebrawood" in full["personal"]["transcript"]
    assert AuditLog.objects.filter(action="interview_viewed", object_id=str(training.pk), detail__channel="api").count() == 1
    masked = f.api(people["employee-ecommerce"]).get(f"/api/v1/callbacks/interviews/{training.pk}/").json()
    assert masked["access"] == "training" and masked["personal"] is None and NAME not in str(masked)
    listing = f.api(people["cx_admin"]).get("/api/v1/callbacks/interviews/").json()
    assert NAME not in str(listing) and "zebrawood" not in str(listing)
    assert f.api().get("/api/v1/callbacks/interviews/").status_code in (401, 403)


def _form(**overrides):
    data = {"title": "Focus group on delivery", "kind": "focus_group", "language": "ru", "summary": "Ждут курьера неделю.",
            "interviewee_name": "Ирина Соколова", "consent_given_by": "Ирина Соколова",
            "consent_given_at": timezone.localdate().isoformat(), "consent_use": "training", "topics": ["delivery"],
            "file": SimpleUploadedFile("fg.wav", h.WAV, content_type="audio/wav")}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_cx_researcher_uploads_through_the_form(world, settings):
    people, _training, _research = world
    client = Client()
    client.force_login(people["cx_admin"])
    assert client.get(reverse("callbacks:interview_new")).status_code == 200
    response = client.post(reverse("callbacks:interview_new"), _form())
    item = Interview.objects.get(title="Focus group on delivery")
    assert response.status_code == 302 and response["Location"] == reverse("callbacks:interview", args=[item.pk])
    assert list(item.topics.values_list("slug", flat=True)) == ["delivery"]
    assert item.content_type == "audio/wav" and item.uploaded_by == people["cx_admin"]
    path = Path(item.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT)) and path.read_bytes() == h.WAV
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.wav"))
    with pytest.raises(ValueError):
        item.file.url  # no public URL, ever
    assert abs(item.delete_after - timezone.now() - timedelta(days=settings.CALLBACKS_RECORDING_RETENTION_DAYS)) < timedelta(minutes=1)
    entry = AuditLog.objects.get(action="interview_added", object_id=str(item.pk))
    assert entry.user == people["cx_admin"] and "Ирина" not in str(entry.detail)


@pytest.mark.parametrize("who", ["caller-retail", "team_manager-retail", "employee-retail"])
def test_only_cx_researchers_upload(world, who):
    people, _training, _research = world
    client = Client()
    client.force_login(people[who])
    assert client.get(reverse("callbacks:interview_new")).status_code == 403
    assert client.post(reverse("callbacks:interview_new"), _form()).status_code == 403
    assert not Interview.objects.filter(title="Focus group on delivery").exists()
    assert "Upload an interview" not in client.get(reverse("callbacks:interviews")).content.decode()


@pytest.mark.parametrize("overrides, status, message", [
    ({"file": SimpleUploadedFile("fake.mp3", b"<html><script>alert(1)</script></html>", content_type="audio/mpeg")}, 415,
     "not an MP3, M4A, WAV or OGG"),
    ({"file": SimpleUploadedFile("empty.wav", b"", content_type="audio/wav")}, 400, "empty"),
    ({"file": None}, 400, "This field is required"),
    ({"consent_given_by": None}, 400, "This field is required"),
    ({"consent_use": "marketing"}, 400, "Select a valid choice"),
    ({"consent_given_at": "2999-01-01"}, 400, "Consent cannot be given in the future"),
    ({"topics": ["no-such-topic"]}, 400, "Select a valid choice"),
])
def test_bad_upload_rejected_with_a_clear_4xx(world, settings, overrides, status, message):
    people, _training, _research = world
    client = Client()
    client.force_login(people["cx_admin"])
    before = Interview.objects.count()
    response = client.post(reverse("callbacks:interview_new"), _form(**overrides))
    assert response.status_code == status
    assert message in response.content.decode() and "<script>alert" not in response.content.decode()
    assert Interview.objects.count() == before
    files = [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) == before  # nothing half-saved
    if "file" in overrides and overrides["file"] is not None:
        assert AuditLog.objects.filter(action="interview_rejected", user=people["cx_admin"]).exists()


def test_too_large_upload_is_413(world, settings):
    people, _training, _research = world
    settings.CALLBACKS_RECORDING_MAX_BYTES = 100
    client = Client()
    client.force_login(people["cx_admin"])
    response = client.post(reverse("callbacks:interview_new"), _form())
    assert response.status_code == 413 and "the limit is" in response.content.decode()


def test_listens_and_refusals_are_audited(world):
    people, training, research = world
    caller = Client()
    caller.force_login(people["caller-ecommerce"])
    for _ in range(3):  # one listening session, one entry
        assert caller.get(reverse("callbacks:interview_audio", args=[training.pk]), HTTP_RANGE="bytes=0-99").status_code == 206
    assert AuditLog.objects.filter(action="listen", object_type="interview", object_id=str(training.pk),
                                   user=people["caller-ecommerce"]).count() == 1
    assert caller.get(reverse("callbacks:interview_audio", args=[research.pk])).status_code == 404
    assert AuditLog.objects.filter(action="interview_refused", user=people["caller-ecommerce"], detail__interview=research.pk).exists()
    # Personal data shown: logged; the masked training view is not a personal-data view.
    caller.get(reverse("callbacks:interview", args=[training.pk]))
    assert not AuditLog.objects.filter(action="interview_viewed", user=people["caller-ecommerce"]).exists()
    admin = Client()
    admin.force_login(people["cx_admin"])
    admin.get(reverse("callbacks:interview", args=[research.pk]))
    assert AuditLog.objects.filter(action="interview_viewed", user=people["cx_admin"], object_id=str(research.pk)).exists()


def test_retention_purges_interviews_with_their_files(world, django_capture_on_commit_callbacks, settings):
    _people, training, research = world
    Interview.objects.filter(pk=research.pk).update(delete_after=timezone.now() - timedelta(minutes=1))
    old_path, fresh_path = Path(research.file.path), Path(training.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_interviews.delay().get() == 1
    assert list(Interview.objects.values_list("pk", flat=True)) == [training.pk]
    assert not old_path.exists() and fresh_path.exists()
    assert AuditLog.objects.filter(action="interview_purged", object_id=str(research.pk), actor="system").exists()
    run = PurgeRun.objects.get(what="research interviews")
    assert (run.purged, run.retention_days) == (1, settings.CALLBACKS_RECORDING_RETENTION_DAYS)


def test_erasure_by_a_cx_admin_only(world, django_capture_on_commit_callbacks):
    people, training, _research = world
    path = Path(training.file.path)
    caller = Client()
    caller.force_login(people["caller-retail"])  # full access to the record, but no erasure right
    assert caller.post(reverse("callbacks:interview_erase", args=[training.pk])).status_code == 403
    assert Interview.objects.filter(pk=training.pk).exists()
    admin = Client()
    admin.force_login(people["cx_admin"])
    assert admin.get(reverse("callbacks:interview_erase", args=[training.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("callbacks:interview_erase", args=[training.pk]), {"channel": "e-mail"})
    assert response.status_code == 302
    assert not Interview.objects.filter(pk=training.pk).exists() and not path.exists()
    entry = AuditLog.objects.get(action="interview_erased", object_id=str(training.pk))
    assert entry.user == people["cx_admin"] and entry.detail == {"channel": "e-mail"}
    assert NAME not in str(list(AuditLog.objects.values_list("detail", flat=True)))


def test_anonymous_is_sent_to_sign_in():
    client = Client()
    for name in ("callbacks:interviews", "callbacks:interview_new"):
        assert client.get(reverse(name)).status_code == 302


def test_an_empty_post_is_a_400_form_not_a_500(world):
    people, _training, _research = world
    client = Client()
    client.force_login(people["cx_admin"])
    response = client.post(reverse("callbacks:interview_new"), {})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
