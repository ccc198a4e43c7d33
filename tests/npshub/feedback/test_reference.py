"""Dimension values are shown by their labels; unnamed values by their slug."""

import pytest

from npshub.feedback import reference
from tests import factories as f


@pytest.mark.django_db
def test_labels_name_teams_regions_sources_and_fall_back_to_the_slug():
    org = f.org()
    f.source("app-store", name="App Store")
    f.store("aviapark", region_slug="moscow")
    assert reference.labels("team", [org.ecommerce_team.slug, "pop-up"]) == {"webshop": "Web shop", "pop-up": "pop-up"}
    assert reference.label("source", "app-store") == "App Store"
    assert reference.label("region", "moscow") == "Moscow"
    assert reference.label("product", "kettle") == "kettle"
    assert reference.label("product", "") == ""
    with pytest.raises(ValueError):
        reference.labels("colour", ["red"])


@pytest.mark.django_db
def test_ingestion_records_new_values_once_per_batch(django_assert_max_num_queries):
    from npshub.feedback.models import DimensionValue

    report = f.ingest([10, 3, 8], product="kettle", region="kazan", segment="vip", channel="store")
    assert report.created == 3
    assert set(DimensionValue.objects.values_list("dimension", "slug", "label")) >= {
        ("product", "kettle", "kettle"), ("region", "kazan", "kazan"), ("segment", "vip", "vip"),
        ("channel", "store", "store")}
    f.ingest([9], product="kettle")  # known values: nothing new, no duplicates
    assert DimensionValue.objects.filter(dimension="product", slug="kettle").count() == 1
    # Many rows and values: one query finds the known values, one inserts the new ones.
    values = {"product": {f"p{n}" for n in range(300)}, "region": {"kazan", "tver"}}
    with django_assert_max_num_queries(4):
        assert reference.ensure(values) == 301


@pytest.mark.django_db
def test_labels_per_language_from_the_reference_records():
    from wagtail.models import Locale

    from content.pages import ensure_wagtail_roots
    from npshub.feedback.models import DimensionValue

    ensure_wagtail_roots()
    reference.ensure({"product": {"kettle", "toaster"}})
    kettle = DimensionValue.objects.get(slug="kettle")
    kettle.label = "Electric kettle"  # a CX admin names it
    kettle.save()
    russian = kettle.copy_for_translation(Locale.objects.get(language_code="ru"))
    russian.label = "Электрочайник"
    russian.save()
    assert reference.labels("product", ["kettle", "toaster"], "ru") == {"kettle": "Электрочайник", "toaster": "toaster"}
    assert reference.labels("product", ["kettle"], "en") == {"kettle": "Electric kettle"}


@pytest.mark.django_db
def test_api_keeps_slugs_as_keys_and_adds_labels():
    from wagtail.models import Locale

    from content.pages import ensure_wagtail_roots
    from npshub.feedback.models import DimensionValue

    ensure_wagtail_roots()
    f.ingest([10, 2], product="kettle", comment="Boiled in a minute, lovely.")
    DimensionValue.objects.filter(slug="kettle").update(label="Electric kettle")
    english = DimensionValue.objects.get(slug="kettle")
    russian = english.copy_for_translation(Locale.objects.get(language_code="ru"))
    russian.label = "Электрочайник"
    russian.save()
    client = f.api(f.user("cx_admin"))
    rows = client.get("/api/v1/nps/breakdown/?by=product", HTTP_ACCEPT_LANGUAGE="ru").json()["rows"]
    assert [(row["key"], row["label"]) for row in rows] == [("kettle", "Электрочайник")]
    export = client.get("/api/v1/nps/export/?view=breakdown&by=product&format=csv").content.decode()
    assert export.splitlines()[0].lstrip("\ufeff").startswith("product,label,") and "kettle,Electric kettle," in export
