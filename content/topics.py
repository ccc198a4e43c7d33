"""Demo topic rules (the Topic snippet): what customers talk about, in English and Russian."""

from npshub.feedback.models import Topic

TOPICS = [  # (slug, name, English keywords, Russian keywords)
    ("technical-issues", "Technical issues",
     "broke, broken, break, crash, crashes, bug, error, defect, faulty, stopped working, doesn't work, not working, "
     "keeps crashing",
     "сломался, сломалась, сломано, поломка, вылетает, ошибка, брак, глючит, не работает, перестал работать"),
    ("delivery", "Delivery",
     "delivery, deliveries, deliver, delivered, courier, shipping, shipment, late, arrived, took longer",
     "доставка, доставили, курьер, опоздал, опоздание, задержалась, задержка, привезли"),
    ("price", "Price",
     "price, prices, expensive, cheap, cost, overpriced, discount, value for money",
     "цена, цены, дорого, дороговато, дешево, стоимость, скидка, переплата"),
    ("quality", "Quality",
     "quality, plastic, durable, cracked, flimsy, well made",
     "качество, пластик, треснула, хлипкий, надежный"),
    ("staff", "Staff",
     "staff, consultant, rude, friendly, helpful, support, shop assistant, manager",
     "персонал, консультант, грубый, вежливый, поддержка, продавец, менеджер"),
    ("packaging", "Packaging",
     "packaging, package, box, wrapped",
     "упаковка, коробка, помята, упаковали"),
    ("app", "Mobile app and website",
     "app, application, website, site, checkout",
     "приложение, сайт, оплата в приложении"),
    ("instructions", "Instructions",
     "instructions, manual, confusing, explained",
     "инструкция, непонятная, объяснил"),
    ("returns", "Returns and refunds",
     "return, returns, refund, exchange",
     "возврат, вернуть, обмен"),
    ("taste", "Coffee and taste",
     "espresso, coffee, taste",
     "эспрессо, кофе, вкус, кофемашина"),
]


NAMES_RU = {  # slug: (Russian name, English description, Russian description)
    "technical-issues": ("Технические неполадки", "The product breaks, crashes or stops working.",
                         "Товар ломается, даёт сбои или перестаёт работать."),
    "delivery": ("Доставка", "Couriers, delays and the state of the parcel on arrival.",
                 "Курьеры, задержки и состояние посылки при получении."),
    "price": ("Цена", "Prices, discounts and value for money.", "Цены, скидки и соотношение цены и качества."),
    "quality": ("Качество", "How well the product is made and how long it lasts.",
                "Насколько хорошо сделан товар и как долго служит."),
    "staff": ("Персонал", "Consultants, support and shop assistants.", "Консультанты, поддержка и продавцы."),
    "packaging": ("Упаковка", "Boxes and wrapping.", "Коробки и упаковка."),
    "app": ("Приложение и сайт", "The mobile app, the website and paying online.",
            "Мобильное приложение, сайт и оплата онлайн."),
    "instructions": ("Инструкции", "Manuals and explanations.", "Инструкции и объяснения."),
    "returns": ("Возвраты", "Returns, refunds and exchanges.", "Возвраты, возмещения и обмены."),
    "taste": ("Кофе и вкус", "Coffee machines and the taste of coffee.", "Кофемашины и вкус кофе."),
}


def load_topics(stdout):
    """Create the demo topics that do not exist yet (an edited topic is left as the editor left it)."""
    created = 0
    for slug, name, english, russian in TOPICS:
        _, was_created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "keywords_en": english, "keywords_ru": russian}
        )
        created += was_created
        if slug in NAMES_RU:  # update(), not save(): names are no rule change, nothing to retag
            name_ru, description, description_ru = NAMES_RU[slug]
            Topic.objects.filter(slug=slug, name_ru="").update(
                name_ru=name_ru, description=description, description_ru=description_ru)
    stdout.write(f"topics: {created} new ({len(TOPICS)} demo topics)")
    return created
