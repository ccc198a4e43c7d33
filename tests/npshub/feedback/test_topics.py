"""Topics: English and Russian stem matching, tagging on ingestion, retagging when rules change
(eagerly here, and in a real Celery worker), topic statistics and GET /api/v1/topics/."""

import time

import pytest
from django.db import connection

from npshub.feedback import ingest, topics
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import Response, Source, Topic
from npshub.feedback.stemming import stem
from npshub.feedback.tasks import retag
from npshub.people import roles


def rules_for(**keywords):
    return [topics.compile_rule(Topic(pk=1, name="t", slug="t", **keywords))]


@pytest.mark.parametrize("keyword, text", [
    ("delivery", "Two deliveries arrived broken"),
    ("crash", "The app keeps crashing"),
    ("crash", "It crashed twice"),
    ("expensive", "Far too EXPENSIVE!"),
    ("consultant", "The consultants were helpful"),
])
def test_english_word_forms_match_by_stem(keyword, text):
    assert topics.match(text, rules_for(keywords_en=keyword)) == {1}


@pytest.mark.parametrize("keyword, text", [
    ("доставка", "Доставку задержали на два дня"),
    ("доставка", "без доставки"),
    ("курьер", "Курьера ждали три часа"),
    ("сломался", "чайник сломалась? нет, сломался"),
    ("упаковка", "в упаковке не хватало деталей"),
    ("персонал", "Персоналом доволен"),
    ("ёлка", "Елки не было"),  # ё and е are the same letter here
])
def test_russian_word_forms_match_by_stem(keyword, text):
    assert topics.match(text, rules_for(keywords_ru=keyword)) == {1}


@pytest.mark.parametrize("rules, text", [
    ({"keywords_en": "price"}, "priceless experience"),  # a different word, not a substring
    ({"keywords_en": "app"}, "I'm happy"),
    ({"keywords_en": "not working"}, "working, not bad"),  # phrases need their words in order
    ({"keywords_ru": "цена"}, "оценка хорошая"),
    ({"keywords_en": "delivery"}, ""),
])
def test_whole_words_only(rules, text):
    assert topics.match(text, rules_for(**rules)) == set()


def test_phrases_prefixes_and_both_languages():
    rules = rules_for(keywords_en="stopped working, refund*", keywords_ru="не работает\nвернуть деньги")
    assert topics.match("It STOPPED working after a week", rules) == {1}
    assert topics.match("Refunding took ages", rules) == {1}
    assert topics.match("Пульт не работает", rules) == {1}
    assert topics.match("Хочу вернуть деньги!", rules) == {1}
    assert topics.match("работает, не жалуюсь", rules) == set()
    assert stem("deliveries") == stem("delivery") and stem("курьера") == stem("курьер")


@pytest.mark.django_db
def test_ingestion_tags_new_and_changed_comments():
    delivery = Topic.objects.create(name="Delivery", slug="delivery", keywords_en="delivery, courier", keywords_ru="доставка, курьер")
    price = Topic.objects.create(name="Price", slug="price", keywords_en="expensive", keywords_ru="дорого")
    Topic.objects.create(name="Off", slug="off", keywords_en="courier", active=False)
    source = Source.objects.create(name="S", slug="s")
    ingest.ingest(source, [
        {"external_id": "1", "submitted_at": "2026-01-01", "score": 2, "comment": "The courier was late"},
        {"external_id": "2", "submitted_at": "2026-01-01", "score": 9, "comment": "Курьер молодец, но дорого"},
        {"external_id": "3", "submitted_at": "2026-01-01", "score": 9, "comment": ""},
    ])
    assert set(Response.objects.get(external_id="1").topics.all()) == {delivery}
    assert set(Response.objects.get(external_id="2").topics.all()) == {delivery, price}
    ingest.ingest(source, [{"external_id": "1", "submitted_at": "2026-01-01", "score": 2, "comment": "Too expensive"}])
    assert set(Response.objects.get(external_id="1").topics.all()) == {price}


@pytest.mark.django_db
def test_retag_follows_rule_changes_and_is_idempotent(django_capture_on_commit_callbacks):
    source = Source.objects.create(name="S", slug="s")
    ingest.ingest(source, [
        {"external_id": str(n), "submitted_at": "2026-01-01", "score": n % 11, "comment": text}
        for n, text in enumerate(["box was crushed", "коробка помята", "great box", "nice", "late courier"] * 3)
    ])
    with django_capture_on_commit_callbacks(execute=True):  # the snippet's save queues the retag
        topic = Topic.objects.create(name="Packaging", slug="packaging", keywords_en="box", keywords_ru="коробка")
    assert topic.responses.count() == 9
    with django_capture_on_commit_callbacks(execute=True):
        topic.keywords_en = "courier"
        topic.keywords_ru = ""
        topic.save()
    assert sorted(topic.responses.values_list("comment", flat=True).distinct()) == ["late courier"]
    assert retag(topic, chunk=2) == 3 and retag(topic, chunk=4) == 3  # chunked, same result again
    assert topic.responses.count() == 3


@pytest.mark.django_db
def test_topic_stats_and_api(client, django_user_model):
    delivery = Topic.objects.create(name="Delivery", slug="delivery", keywords_en="delivery")
    Topic.objects.create(name="Staff", slug="staff", keywords_en="staff")
    source = Source.objects.create(name="S", slug="s")
    scores = {"delivery": [0, 3, 9, 10, 8], "staff": [10, 10, 5]}
    records = [
        {"external_id": f"{slug}-{n}", "submitted_at": "2026-02-01", "score": score, "comment": f"about {slug}",
         "region": "north" if n % 2 else "south"}
        for slug, values in scores.items() for n, score in enumerate(values)
    ]
    ingest.ingest(source, records)
    stats = topics.topic_stats(StatsFilter())
    assert [row["topic"] for row in stats] == ["delivery", "staff"]  # most detractor mentions first
    assert stats[0] == {"topic": "delivery", "name": "Delivery", "description": "", "mentions": 5, "detractor_mentions": 2, "nps": 0.0,
                        "responses": 5, "promoters": 2, "passives": 1, "detractors": 2, "margin_of_error": stats[0]["margin_of_error"]}
    assert stats[1]["nps"] == 33.3
    # A Russian reader reads the Russian name and description (one row: the tagging stays).
    Topic.objects.filter(pk=delivery.pk).update(name_ru="Доставка", description="Couriers", description_ru="Курьеры")
    from django.utils import translation

    with translation.override("ru"):
        russian = topics.topic_stats(StatsFilter())[0]
    assert (russian["name"], russian["description"], russian["mentions"]) == ("Доставка", "Курьеры", 5)
    south = topics.topic_stats(StatsFilter.from_params({"region": "south"}))
    assert {row["topic"]: row["mentions"] for row in south} == {"delivery": 3, "staff": 2}

    user = django_user_model.objects.create_user("emp", password="pw-12345")
    roles.grant(user, roles.EMPLOYEE)
    assert client.get("/api/v1/topics/").status_code == 401
    client.force_login(user)
    body = client.get("/api/v1/topics/?region=north").json()
    assert [(row["topic"], row["mentions"]) for row in body] == [("delivery", 2), ("staff", 1)]
    assert client.get("/api/v1/topics/?from=bad").status_code == 400
    assert delivery.responses.count() == 5


@pytest.mark.worker
def test_retag_runs_in_a_real_worker(celery_worker_process):
    source = Source.objects.create(name="S", slug="s")
    ingest.ingest(source, [
        {"external_id": str(n), "submitted_at": "2026-01-01", "score": 5, "comment": text}
        for n, text in enumerate(["Слишком дорого", "too expensive", "fine"])
    ])
    topic = Topic.objects.create(name="Price", slug="price", keywords_en="expensive", keywords_ru="дорого")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and topic.responses.count() < 2:
        time.sleep(0.2)
        connection.close()  # see the worker's commits on every backend
    assert sorted(topic.responses.values_list("external_id", flat=True)) == ["0", "1"]
