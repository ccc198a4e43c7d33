"""Realistic demo responses: two years, five sources, with trends, seasonality and comments in
English and Russian. Deterministic for a given count (external ids ``demo-<n>``), so loading
twice adds nothing."""

import datetime
import math
import random
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from content import comments
from npshub.feedback import nps
from npshub.feedback.ingest import store_new
from npshub.feedback.models import Response, Source

SOURCES = [  # (slug, name, kind, share)
    ("survey", "Post-purchase survey", Source.Kind.SURVEY, 0.45),
    ("webshop", "Web shop reviews", Source.Kind.WEBSHOP, 0.2),
    ("marketplace", "Marketplace reviews", Source.Kind.MARKETPLACE, 0.15),
    ("app-store", "Mobile app stores", Source.Kind.APP_STORE, 0.08),
    ("call-centre", "Call centre survey", Source.Kind.CALL_CENTRE, 0.12),
]
SEGMENTS = [("new", 0.35, -4), ("loyal", 0.45, 6), ("vip", 0.2, 10)]
PRODUCTS = [("coffee-machine", 8), ("vacuum-cleaner", -6), ("kettle", 4), ("blender", 0), ("air-purifier", -2)]
CHANNELS = {"survey": ["store", "online"], "webshop": ["online"], "marketplace": ["marketplace"],
            "app-store": ["app"], "call-centre": ["phone"]}
REGIONS = [("moscow", 4), ("st-petersburg", 2), ("kazan", 6), ("novosibirsk", -5), ("yekaterinburg", -1)]
STORE_TEAMS = {"moscow": ["store-moscow-tverskaya", "store-moscow-aviapark"], "st-petersburg": ["store-spb-nevsky"],
               "kazan": ["store-kazan-koltso"], "novosibirsk": ["store-nsk-aura"], "yekaterinburg": ["store-ekb-greenwich"]}
CHANNEL_TEAMS = {"online": "webshop", "marketplace": "marketplaces", "app": "webshop", "phone": "contact-centre"}

# The lengths of these lists fix the demo's random draws (content.comments writes the comments now).
COMMENTS = {
    "en": {
        "promoter": ["Great coffee machine, makes the best espresso I've had at home!",
                     "Fast delivery and the staff in the store were really helpful.",
                     "Excellent quality, I already recommended it to my sister.",
                     "The packaging was beautiful and everything worked out of the box.",
                     "Friendly consultant, explained everything. Will buy again."],
        "passive": ["Good product but a bit expensive for what it is.",
                    "Delivery took longer than promised, otherwise fine.",
                    "Works well, the app could be easier to use.",
                    "Decent quality. The instructions were confusing."],
        "detractor": ["The vacuum cleaner broke after two weeks and support didn't answer.",
                      "Courier was three hours late and the box was damaged.",
                      "Too expensive, and the price dropped a week after I bought it.",
                      "Staff were rude when I asked to return the kettle.",
                      "The app keeps crashing when I try to pay. Call me at +7 916 123-45-67.",
                      "Poor quality plastic, the lid cracked on the first day."],
    },
    "ru": {
        "promoter": ["Отличная кофемашина, лучший эспрессо дома!",
                     "Быстрая доставка, консультант в магазине очень помог.",
                     "Качество на высоте, уже посоветовала подруге.",
                     "Красивая упаковка, всё заработало сразу."],
        "passive": ["Хороший товар, но дороговато.",
                    "Доставка задержалась на день, в остальном нормально.",
                    "Работает хорошо, но инструкция непонятная."],
        "detractor": ["Пылесос сломался через две недели, поддержка не отвечает.",
                      "Курьер опоздал на три часа, коробка была помята.",
                      "Слишком дорого, через неделю цена упала.",
                      "Грубый персонал при возврате чайника.",
                      "Приложение вылетает при оплате. Мой телефон 8 (912) 555-12-34."],
    },
}
FIRST = ["Anna", "Boris", "Clara", "Denis", "Eva", "Fyodor", "Galina", "Hugo", "Inna", "Jon"]
LAST = ["Orlov", "Petrova", "Quinn", "Rostova", "Sato", "Titov", "Umarova", "Vance"]


def _weighted(rng, items):
    return rng.choices([item[0] for item in items], weights=[item[1] for item in items])[0]


def nps_target(day_index, total_days=730):
    """Underlying NPS before unit effects: a steady climb from about 18 to 38 and a winter dip."""
    return 18 + 20 * day_index / total_days - 6 * math.cos(2 * math.pi * (day_index % 365) / 365)


def draw_score(rng, target):
    # Split the target NPS into promoter / detractor shares with a realistic passive share.
    passive = 0.28
    promoters = max(0.02, min(0.95, (1 - passive + target / 100) / 2))
    detractors = max(0.02, min(0.95, 1 - passive - promoters))
    roll = rng.random()
    if roll < promoters:
        return rng.choice([9, 10, 10])
    if roll < promoters + detractors:
        return rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 6])
    return rng.choice([7, 8, 8])


# Which demo sources also ask satisfaction (CSAT, 1..5) and effort (CES, 1..7) questions.
CSAT_SOURCES = {"survey", "call-centre"}
CES_SOURCES = {"call-centre"}


def draw_csat(rng, score):
    if rng.random() < 0.1:
        return None  # skipped
    return max(1, min(5, round(score / 2.5 + rng.uniform(-0.6, 1.4))))


def draw_ces(rng, score):
    if rng.random() < 0.15:
        return None
    return max(1, min(7, round(6 - score / 2 + rng.uniform(-1.2, 1.2))))


@dataclass(frozen=True)
class Shape:
    """What the generated company looks like. ``opens`` maps a team or product to the day index
    (0..730) from which it gets answers: stores opening and products launched during the two years,
    so new dimension values arrive as an import goes on."""

    segments: list
    products: list
    regions: list
    channels: dict
    store_teams: dict
    channel_teams: dict
    opens: dict = field(default_factory=dict)
    varied_comments: bool = False  # an order number in half the comments, as real text is rarely repeated

    def effect(self, product, region, segment):
        """The NPS points a product, a region and a segment add to the underlying score."""
        effects = self.effects
        return effects[product] + effects[region] + effects[segment]

    @cached_property
    def effects(self):
        return {**dict(self.products), **dict(self.regions), **{s: e for s, _, e in self.segments}}


DEMO = Shape(SEGMENTS, PRODUCTS, REGIONS, CHANNELS, STORE_TEAMS, CHANNEL_TEAMS)


def company_shape():
    """A company-sized shape: 120 teams (116 stores in 6 regions and 4 channel teams), 20 products,
    5 channels, 4 segments; a third of the stores and 4 products open during the two years."""
    regions = [*REGIONS, ("krasnodar", 3)]
    counts = {"moscow": 34, "st-petersburg": 22, "kazan": 16, "novosibirsk": 14, "yekaterinburg": 16, "krasnodar": 14}
    stores = {region: [f"store-{region}-{n:02d}" for n in range(1, counts[region] + 1)] for region, _ in regions}
    opens = {}
    for region, names in stores.items():
        for n, name in enumerate(names):
            if n % 3 == 2:  # every third store opens later, spread over the two years
                opens[name] = (n * 97) % 700 + 15
    extra = ["toaster", "iron", "hair-dryer", "robot-vacuum", "steam-mop", "juicer", "mixer", "grill", "multicooker",
             "coffee-grinder", "water-filter", "heater", "fan", "humidifier", "kitchen-scale"]
    products = [*PRODUCTS, *((name, (index % 7) - 3) for index, name in enumerate(extra))]
    for index, name in enumerate(extra[-4:]):
        opens[name] = 380 + 80 * index
    channel_teams = {"online": "webshop", "marketplace": "marketplaces", "app": "mobile-app", "phone": "contact-centre"}
    return Shape([*SEGMENTS, ("corporate", 0.1, -2)], products, regions, CHANNELS, stores, channel_teams, opens, True)


SOURCE_SHARES = [(slug, share) for slug, _, _, share in SOURCES]


def draw_unit(rng, shape, day_index):
    """(source, channel, segment, product, region, team) of one answer on ``day_index``: stores and
    products not yet open (``shape.opens``) are not drawn."""
    opens = shape.opens
    source = _weighted(rng, SOURCE_SHARES)
    channel = rng.choice(shape.channels[source])
    segment = _weighted(rng, [(s, w) for s, w, _ in shape.segments])
    product, region = rng.choice(shape.products)[0], rng.choice(shape.regions)[0]
    while opens.get(product, 0) > day_index:
        product = rng.choice(shape.products)[0]
    if channel == "store":
        team = rng.choice(shape.store_teams[region])
        if opens.get(team, 0) > day_index:
            team = shape.store_teams[region][0]
    else:
        team = shape.channel_teams[channel]
    return source, channel, segment, product, region, team


def generate_records(count, end=None, seed=42, shape=DEMO):
    """Yield ``count`` records (dicts of the CSV contract's fields, plus ``source`` and the contact's
    ``customer_*`` fields) over the two years before ``end``; the same ones for the same arguments."""
    rng = random.Random(seed)
    end = end or timezone.localdate()
    total_days = 730
    start = end - datetime.timedelta(days=total_days)
    extra = random.Random(seed + 1)  # CSAT/CES draws, apart so the other demo values stay as they were
    words = random.Random(seed + 2)  # the comments' wording, apart for the same reason
    for n in range(count):
        # Later days get more answers: the programme grows.
        day_index = int(total_days * math.sqrt(rng.random()))
        day = start + datetime.timedelta(days=day_index)
        moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 21), rng.randint(0, 59)))
        source, channel, segment, product, region, team = draw_unit(rng, shape, day_index)
        score = draw_score(rng, nps_target(day_index, total_days) + shape.effect(product, region, segment))
        category = nps.category(score)
        language = "ru" if rng.random() < 0.55 else "en"
        comment = ""
        if rng.random() < 0.45:
            rng.randrange(len(COMMENTS[language][category]))  # the draw the old single sentence took: other values stay
            comment = comments.compose(words, language, category, product)
        if comment and shape.varied_comments and rng.random() < 0.5:
            comment += f" {'Заказ' if language == 'ru' else 'Order'} {rng.randint(100000, 999999)}."
        consent = rng.random() < 0.35
        record = {
            "source": source, "external_id": f"demo-{n}", "submitted_at": moment, "score": score,
            "csat": draw_csat(extra, score) if source in CSAT_SOURCES else None,
            "ces": draw_ces(extra, score) if source in CES_SOURCES else None,
            "comment": comment, "segment": segment, "product": product, "channel": channel, "region": region,
            "team": team, "language": language, "callback_consent": consent, "data_consent": consent,
            "customer_name": "", "customer_phone": "", "customer_email": "",
        }
        if consent:
            record["customer_name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            record["customer_phone"] = (f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                                        f"{rng.randint(10, 99)}-{rng.randint(10, 99)}")
            record["customer_email"] = f"customer{n}@example.net"
        yield record


def generate(count, end=None, seed=42, shape=DEMO):
    """Yield (Response, contact dict or None) for ``count`` demo responses over two years."""
    tz = timezone.get_current_timezone()
    sources = {slug: Source.objects.get(slug=slug) for slug, *_ in SOURCES}
    for record in generate_records(count, end, seed, shape):
        moment = record["submitted_at"].replace(tzinfo=tz)
        consent = record["callback_consent"]
        response = Response(
            source=sources[record["source"]], external_id=record["external_id"], submitted_at=moment,
            score=record["score"], comment=record["comment"], language=record["language"],
            **{name: record[name] for name in ("segment", "product", "channel", "region", "team", "csat", "ces")},
            callback_consent=consent, data_consent=consent,
            consent_at=moment if consent else None, consent_version="survey-2024-01" if consent else "",
        )
        contact = None
        if consent:
            contact = {"name": record["customer_name"], "phone": record["customer_phone"],
                       "email": record["customer_email"]}
        yield response, contact


def load_responses(count, stdout, batch_size=5000):
    for slug, name, kind, _share in SOURCES:
        Source.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    existing = Response.objects.filter(external_id__startswith="demo-").count()
    if existing >= count:
        stdout.write(f"responses: {existing} demo responses already loaded")
        return 0
    created = done = 0
    batch = []
    for response, contact in generate(count):
        batch.append((response, contact))
        if len(batch) >= batch_size:
            created += _save(batch)
            done += len(batch)
            batch = []
            if done < count:  # progress: the whole load takes a while
                stdout.write(f"responses: {done}/{count} ({created} new)")
    created += _save(batch)
    stdout.write(f"responses: {created} new demo responses ({count} in all)")
    return created


def _save(batch):
    if not batch:
        return 0
    ids = [response.external_id for response, _ in batch]
    source_ids = {response.source_id for response, _ in batch}
    known = set(
        Response.objects.filter(source_id__in=source_ids, external_id__in=ids).values_list("source_id", "external_id")
    )
    fresh = [(r, c) for r, c in batch if (r.source_id, r.external_id) not in known]
    # As ingestion stores them: contacts apart, rollups maintained, comments tagged, one event.
    return store_new(fresh, via="demo")
