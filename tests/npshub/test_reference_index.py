"""Wagtail's reference index tracks content (pages, images, documents, snippets people edit), not the
records every request or task writes: saving one costs no reference-index queries."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from tests import factories

RECORDS = ["feedback.Response", "feedback.PullRun", "digest.SendLog", "digest.Mailing", "digest.TeamsPost",
           "callbacks.AuditLog", "callbacks.Callback", "callbacks.ConsentChange", "callbacks.PlaybookAction",
           "rewards.LedgerEntry", "rewards.Redemption", "rewards.Kudos", "rewards.BalanceDrift"]


def test_records_are_not_indexed_but_content_is():
    indexed = {model._meta.label for model in ReferenceIndex.indexed_models}
    labels = {config.label for config in apps.get_app_configs()}
    installed = [label for label in RECORDS if label.split(".")[0] in labels]
    assert installed
    assert not indexed & set(installed)
    assert {"wagtailimages.Image", "wagtaildocs.Document", "pages.ArticlePage"} <= indexed


@pytest.mark.django_db
def test_saving_a_response_writes_nothing_to_the_reference_index():
    with CaptureQueriesContext(connection) as queries:
        factories.response(9, comment="Great kettle")
    assert not [q for q in queries.captured_queries if "wagtailcore_referenceindex" in q["sql"]]
