"""Creating and changing sources over the API (CX admins), with their ``pull`` object:
``POST /api/v1/sources/``, ``PATCH /api/v1/sources/<slug>/`` (or ``PATCH /api/v1/sources/`` with
the slug in the body). The pull object replaces the source's pull as a whole; ``"pull": null``
removes it. Validation is the model's (SourcePull.check_config), so the admin and the API agree."""

from django.db import transaction
from rest_framework import serializers

from npshub.feedback.records import FIELDS
from npshub.feedback.models import Source, SourcePull

MAPPING_KEYS = set(FIELDS) | {"_items"}


class PullSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SourcePull.Kind.choices)
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    every_minutes = serializers.IntegerField(required=False, min_value=1, max_value=7 * 24 * 60)
    headers_env = serializers.DictField(child=serializers.CharField(), required=False)
    next_path = serializers.CharField(required=False, allow_blank=True, max_length=200)
    page_param = serializers.CharField(required=False, allow_blank=True, max_length=50)
    offset_param = serializers.CharField(required=False, allow_blank=True, max_length=50)
    cursor_param = serializers.CharField(required=False, allow_blank=True, max_length=50)
    cursor_field = serializers.CharField(required=False, allow_blank=True, max_length=100)
    query = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    database_env = serializers.CharField(required=False, allow_blank=True, max_length=100)
    active = serializers.BooleanField(required=False)

    def validate(self, data):
        errors = SourcePull.check_config({"every_minutes": 60, **data})
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def to_representation(self, pull):
        last = pull.runs.first()
        return {
            **pull.config(),
            "cursor": pull.cursor, "next_run_at": pull.next_run_at, "consecutive_failures": pull.consecutive_failures,
            "last_run": None if last is None else {
                "status": last.status, "started_at": last.started_at, "finished_at": last.finished_at,
                "created": last.created, "duplicates": last.duplicates, "updated": last.updated,
                "rejected": last.rejected, "cursor": last.cursor_after, "error": last.error},
        }


class SourceWriteSerializer(serializers.ModelSerializer):
    pull = PullSerializer(required=False, allow_null=True)

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "active", "field_mapping", "pull"]

    def validate_field_mapping(self, mapping):
        if not isinstance(mapping, dict):
            raise serializers.ValidationError('must be an object {"our_field": "their.path"}')
        unknown = sorted(set(mapping) - MAPPING_KEYS)
        if unknown:
            raise serializers.ValidationError(f"unknown field(s) {', '.join(unknown)}; fields are "
                                              f"{', '.join(sorted(MAPPING_KEYS))}")
        if not all(isinstance(path, str) and path for path in mapping.values()):
            raise serializers.ValidationError("every path must be a non-empty text")
        return mapping

    @transaction.atomic
    def save_pull(self, source, config):
        if config is None:
            SourcePull.objects.filter(source=source).delete()
            return
        pull = SourcePull.objects.filter(source=source).first() or SourcePull(source=source)
        before = (pull.kind, pull.url, pull.query, pull.cursor_field)
        for name in SourcePull.CONFIG:
            if name in ("every_minutes", "active"):
                setattr(pull, name, config.get(name, getattr(pull, name)))
            else:
                setattr(pull, name, config.get(name, {} if name == "headers_env" else ""))
        if pull.pk and before != (pull.kind, pull.url, pull.query, pull.cursor_field):
            pull.cursor = ""  # another feed or cursor: start from the beginning
        pull.next_run_at = None  # due now with the new configuration
        pull.full_clean()
        pull.save()

    def create(self, data):
        config = data.pop("pull", None)
        with transaction.atomic():
            source = Source.objects.create(**data)
            if config is not None:
                self.save_pull(source, config)
        return source

    def update(self, source, data):
        has_pull, config = "pull" in data, data.pop("pull", None)
        with transaction.atomic():
            for name, value in data.items():
                setattr(source, name, value)
            source.save()
            if has_pull:
                self.save_pull(source, config)
        return source
