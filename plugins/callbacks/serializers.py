"""What the callbacks API shows: never contact data; call records as ``access`` allows."""

from django.urls import reverse
from rest_framework import serializers

from callbacks import access
from callbacks.models import Callback, Interview, Outcome
from callbacks.queue import topics_of


class CallbackSerializer(serializers.ModelSerializer):
    """A queue entry: never any contact data."""

    score = serializers.IntegerField(source="response.score", read_only=True)
    segment = serializers.CharField(source="response.segment", read_only=True)
    product = serializers.CharField(source="response.product", read_only=True)
    topics = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    claimed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Callback
        fields = ["id", "score", "segment", "product", "topics", "priority", "due_at", "overdue", "status", "claimed_by"]
        read_only_fields = fields

    def get_topics(self, callback) -> list[str]:
        return topics_of(callback.response)


class RecordingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, recording) -> str:
        return reverse("callbacks:recording", args=[recording.pk])


class RecordMixin(serializers.Serializer):
    """The parts of a call record whose display depends on the viewer: comment always masked,
    notes as ``access.notes_of`` allows, recordings."""

    comment = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    recordings = RecordingSerializer(many=True, read_only=True)

    def get_comment(self, callback) -> str:
        return access.masked_comment(callback.response)

    def get_notes(self, callback) -> str:
        return access.notes_of(self.context["request"].user, callback)


class CallbackDetailSerializer(RecordMixin, CallbackSerializer):
    """One callback of the caller's queue: the masked review, the outcome; still no contact data."""

    region = serializers.CharField(source="response.region", read_only=True)
    team = serializers.CharField(source="response.team", read_only=True)
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(CallbackSerializer.Meta):
        fields = CallbackSerializer.Meta.fields + [
            "comment", "region", "team", "department", "category", "attempts", "next_attempt_at", "claim_expires_at",
            "first_contact_at", "outcome", "notes", "tags", "resolved", "completed_at", "exemplary", "recordings",
        ]
        read_only_fields = fields


class CallRecordSerializer(RecordMixin, serializers.ModelSerializer):
    """A call in the library: ``access`` is ``full`` (your scope) or ``training`` (training material)."""

    access = serializers.CharField(source="record_access", read_only=True)
    score = serializers.IntegerField(source="response.score", read_only=True)
    product = serializers.CharField(source="response.product", read_only=True)
    topics = serializers.SerializerMethodField()
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    caller = serializers.SerializerMethodField()
    collections = serializers.SlugRelatedField(source="training_collections", slug_field="name", many=True, read_only=True)

    class Meta:
        model = Callback
        fields = ["id", "access", "score", "product", "topics", "department", "outcome", "resolved", "completed_at",
                  "caller", "exemplary", "collections", "comment", "notes", "tags", "recordings"]
        read_only_fields = fields

    def get_topics(self, callback) -> list[str]:
        return topics_of(callback.response)

    def get_caller(self, callback) -> str:
        person = callback.completed_by
        return (person.get_full_name() or person.get_username()) if person else ""


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    resolved = serializers.BooleanField(required=False, default=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    follow_ups = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False, default=list,
        help_text='[{"team": "<team slug>", "description": "..."}]',
    )


class ConsentChangeIn(serializers.Serializer):
    source = serializers.SlugField(required=False, help_text="Source slug (implied by a source token).")
    external_id = serializers.CharField()
    erase = serializers.BooleanField(default=False, help_text="Also delete the personal data and recordings, for good.")
    channel = serializers.CharField(required=False, allow_blank=True, default="api")


class InterviewSerializer(serializers.ModelSerializer):
    """A research interview in the library: never personal data (the summary masked)."""

    access = serializers.CharField(source="record_access", read_only=True)
    summary = serializers.CharField(source="summary_masked", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    audio_url = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = ["id", "access", "kind", "title", "language", "product", "topics", "department", "summary",
                  "consent_use", "content_type", "size", "created_at", "audio_url"]
        read_only_fields = fields

    def get_audio_url(self, interview) -> str:
        return reverse("callbacks:interview_audio", args=[interview.pk])


class InterviewDetailSerializer(InterviewSerializer):
    """One interview: with ``access`` "full", also the consent record, the summary as written and
    the transcript (the view logs it); with "training" these are null."""

    personal = serializers.SerializerMethodField()

    class Meta(InterviewSerializer.Meta):
        fields = InterviewSerializer.Meta.fields + ["personal"]
        read_only_fields = fields

    def get_personal(self, interview) -> dict | None:
        if interview.record_access != access.FULL:
            return None
        return {
            "interviewee_name": interview.interviewee_name, "interviewee_contact": interview.interviewee_contact,
            "consent_given_by": interview.consent_given_by, "consent_given_at": interview.consent_given_at.isoformat(),
            "summary": interview.summary, "transcript": interview.transcript,
        }
