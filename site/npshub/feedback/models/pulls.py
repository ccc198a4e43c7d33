"""Sources that pull: where and how often to fetch a source's responses, and the record of every run.

A SourcePull belongs to one Source (``source.pull``). Its configuration is what CX admins edit in
the admin and send as the ``pull`` object of ``POST``/``PATCH /api/v1/sources/``; its state
(cursor, next run, lock, failures in a row) is written by the runner (npshub.feedback.pulls).
Secrets never live here: headers and database URLs are named environment variables.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PARAM_NAME = re.compile(r"^[A-Za-z0-9_.\-\[\]]+$")


class SourcePull(models.Model):
    class Kind(models.TextChoices):
        JSON = "json", _("JSON feed (HTTP)")
        CSV = "csv", _("CSV or XLSX file at a URL")
        SQL = "sql", _("SQL query (PostgreSQL)")

    # Which configuration fields each kind uses; the others stay empty.
    FIELDS = {
        "json": ("url", "headers_env", "next_path", "page_param", "offset_param", "cursor_param", "cursor_field"),
        "csv": ("url", "headers_env"),
        "sql": ("query", "database_env", "cursor_field"),
    }
    CONFIG = ("kind", "url", "every_minutes", "headers_env", "next_path", "page_param", "offset_param",
              "cursor_param", "cursor_field", "query", "database_env", "active")

    source = models.OneToOneField("feedback.Source", on_delete=models.CASCADE, related_name="pull")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.JSON)
    url = models.CharField(_("URL"), max_length=1000, blank=True, help_text=_("http(s) address of the feed or file."))
    every_minutes = models.PositiveIntegerField(
        _("every (minutes)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)])
    headers_env = models.JSONField(
        _("headers from environment variables"), default=dict, blank=True,
        help_text=_('Header name -> the environment variable holding its value, e.g. {"Authorization": "FEED_TOKEN"}.'))
    next_path = models.CharField(
        _("next-page link path"), max_length=200, blank=True,
        help_text=_('Dotted path to the next page\'s URL in each answer, e.g. "links.next".'))
    page_param = models.CharField(_("page number parameter"), max_length=50, blank=True,
                                  help_text=_('Query parameter counting pages from 1, e.g. "page".'))
    offset_param = models.CharField(_("offset parameter"), max_length=50, blank=True,
                                    help_text=_('Query parameter counting items from 0, e.g. "offset".'))
    cursor_param = models.CharField(
        _("cursor parameter"), max_length=50, blank=True,
        help_text=_('Query parameter sent with the newest cursor value already pulled, e.g. "since".'))
    cursor_field = models.CharField(
        _("cursor field"), max_length=100, blank=True,
        help_text=_("The field (JSON: our field or the source's dotted path; SQL: a column) whose newest value "
                    "the next run starts after."))
    query = models.TextField(_("SQL query"), blank=True, help_text=_("A SELECT; its columns are our fields "
                                                                     "(or mapped by the field mapping)."))
    database_env = models.CharField(
        _("database URL variable"), max_length=100, blank=True,
        help_text=_("Environment variable holding the external database's URL (postgres://...)."))
    active = models.BooleanField(_("active"), default=True)

    cursor = models.CharField(_("cursor"), max_length=255, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    running_since = models.DateTimeField(null=True, blank=True, editable=False)
    lock_token = models.CharField(max_length=32, blank=True, editable=False)
    consecutive_failures = models.PositiveSmallIntegerField(_("failed runs in a row"), default=0, editable=False)

    class Meta:
        verbose_name = _("source pull")

    def __str__(self):
        return f"{self.source} ({self.get_kind_display()})"

    def config(self):
        """The pull object of the API: only the fields that apply to the kind."""
        used = ("kind", "every_minutes", *self.FIELDS[self.kind], "active")
        return {name: getattr(self, name) for name in used}

    @classmethod
    def check_config(cls, values):
        """{field: message} for a configuration (a dict of CONFIG fields); empty when it is usable."""
        errors = {}
        kind = values.get("kind")
        if kind not in cls.FIELDS:
            return {"kind": f"must be one of {', '.join(cls.FIELDS)}"}
        used = cls.FIELDS[kind]
        for name in ("url", "next_path", "page_param", "offset_param", "cursor_param", "cursor_field", "query",
                     "database_env"):
            if values.get(name) and name not in used:
                errors[name] = f"does not apply to a {kind} pull"
        if values.get("headers_env") and "headers_env" not in used:
            errors["headers_env"] = f"does not apply to a {kind} pull"
        every = values.get("every_minutes", 60)
        if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 7 * 24 * 60:
            errors["every_minutes"] = "must be a whole number of minutes from 1 to 10080"
        if kind in ("json", "csv"):
            url = str(values.get("url") or "")
            if not re.match(r"^https?://[^\s/]+", url):
                errors["url"] = "an http(s) URL is required"
        headers = values.get("headers_env") or {}
        if not isinstance(headers, dict):
            errors["headers_env"] = 'must be an object {"Header": "ENV_NAME"}'
        else:
            bad = [f"{h}: {v}" for h, v in headers.items()
                   if not HEADER_NAME.match(str(h)) or not isinstance(v, str) or not ENV_NAME.match(v)]
            if bad:
                errors["headers_env"] = f"header names and environment variable names only, not {', '.join(bad)}"
        if kind == "json":
            pagers = [name for name in ("next_path", "page_param", "offset_param") if values.get(name)]
            if len(pagers) > 1:
                errors[pagers[1]] = f"use one kind of pagination, not {' and '.join(pagers)}"
            for name in ("page_param", "offset_param", "cursor_param"):
                if values.get(name) and not PARAM_NAME.match(values[name]):
                    errors[name] = "must be a plain query parameter name"
            if bool(values.get("cursor_param")) != bool(values.get("cursor_field")):
                errors["cursor_field" if values.get("cursor_param") else "cursor_param"] = (
                    "cursor_param and cursor_field go together")
        if kind == "sql":
            query = str(values.get("query") or "").strip()
            if not re.match(r"^(select|with)\b", query, re.IGNORECASE):
                errors["query"] = "a SELECT (or WITH ... SELECT) query is required"
            elif ";" in query.rstrip(";"):
                errors["query"] = "one statement only"
            if not ENV_NAME.match(str(values.get("database_env") or "")):
                errors["database_env"] = "the name of the environment variable holding the database URL is required"
            if values.get("cursor_field") and not IDENTIFIER.match(values["cursor_field"]):
                errors["cursor_field"] = "must be a column name (letters, digits, underscores)"
        return errors

    def clean(self):
        errors = self.check_config({name: getattr(self, name) for name in self.CONFIG})
        if errors:
            raise ValidationError(errors)


class PullRun(models.Model):
    """One run of a pull: when, what it stored, where the cursor went, and why it failed."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("succeeded")
        FAILED = "failed", _("failed")

    pull = models.ForeignKey(SourcePull, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(_("started by"), max_length=20)  # schedule, command, admin
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    created = models.PositiveIntegerField(_("created"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejections = models.JSONField(_("rejections (first 100)"), default=list, blank=True)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    cursor_before = models.CharField(_("cursor before"), max_length=255, blank=True)
    cursor_after = models.CharField(_("cursor after"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["pull", "-started_at"], name="pullrun_pull_started")]
        verbose_name = _("pull run")

    def __str__(self):
        return f"{self.pull.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def source(self):
        return self.pull.source
