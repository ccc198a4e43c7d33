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
