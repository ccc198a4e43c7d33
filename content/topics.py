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


def load_topics(stdout):
    """Create the demo topics that do not exist yet (an edited topic is left as the editor left it)."""
    created = 0
    for slug, name, english, russian in TOPICS:
        _, was_created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "keywords_en": english, "keywords_ru": russian}
        )
        created += was_created
    stdout.write(f"topics: {created} new ({len(TOPICS)} demo topics)")
    return created
