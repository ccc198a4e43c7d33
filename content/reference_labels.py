"""Demo reference labels: every product, segment, channel, region, team and source named in
English and Russian (the Russian records are translations of the English ones)."""

from wagtail.models import Locale

from npshub.feedback.models import DimensionValue

LABELS = {  # dimension: {slug: (English, Russian)}
    "product": {
        "coffee-machine": ("Coffee machine", "Кофемашина"), "vacuum-cleaner": ("Vacuum cleaner", "Пылесос"),
        "kettle": ("Electric kettle", "Электрочайник"), "blender": ("Blender", "Блендер"),
        "air-purifier": ("Air purifier", "Очиститель воздуха"),
    },
    "segment": {"new": ("New customers", "Новые клиенты"), "loyal": ("Loyal customers", "Постоянные клиенты"),
                "vip": ("VIP customers", "VIP-клиенты")},
    "channel": {"store": ("In store", "В магазине"), "online": ("Online", "Онлайн"),
                "marketplace": ("Marketplace", "Маркетплейс"), "app": ("Mobile app", "Мобильное приложение"),
                "phone": ("Phone", "Телефон")},
    "region": {"moscow": ("Moscow", "Москва"), "st-petersburg": ("Saint Petersburg", "Санкт-Петербург"),
               "kazan": ("Kazan", "Казань"), "novosibirsk": ("Novosibirsk", "Новосибирск"),
               "yekaterinburg": ("Yekaterinburg", "Екатеринбург")},
    "team": {
        "store-moscow-tverskaya": ("Moscow Tverskaya store", "Магазин на Тверской, Москва"),
        "store-moscow-aviapark": ("Moscow Aviapark store", "Магазин в «Авиапарке», Москва"),
        "store-spb-nevsky": ("St Petersburg Nevsky store", "Магазин на Невском, Санкт-Петербург"),
        "store-kazan-koltso": ("Kazan Koltso store", "Магазин в «Кольце», Казань"),
        "store-nsk-aura": ("Novosibirsk Aura store", "Магазин в «Ауре», Новосибирск"),
        "store-ekb-greenwich": ("Yekaterinburg Greenwich store", "Магазин в «Гринвиче», Екатеринбург"),
        "webshop": ("Web shop", "Интернет-магазин"), "marketplaces": ("Marketplaces", "Маркетплейсы"),
        "contact-centre": ("Contact centre", "Контакт-центр"), "delivery": ("Delivery", "Доставка"),
        "product-quality": ("Product quality", "Качество продукции"), "brand": ("Brand", "Бренд"),
    },
    "source": {
        "survey": ("Post-purchase survey", "Опрос после покупки"), "webshop": ("Web shop reviews", "Отзывы интернет-магазина"),
        "marketplace": ("Marketplace reviews", "Отзывы на маркетплейсе"), "app-store": ("Mobile app stores", "Магазины приложений"),
        "call-centre": ("Call centre survey", "Опрос контакт-центра"),
    },
}


def load_labels(stdout, language="ru"):
    """Name the demo values (a value an admin already named is left as it is) and translate them."""
    default, other = Locale.get_default(), Locale.objects.get(language_code=language)
    named = translated = 0
    for dimension, values in LABELS.items():
        for slug, (english, russian) in values.items():
            record, _created = DimensionValue.objects.get_or_create(
                dimension=dimension, slug=slug, locale=default, defaults={"label": english})
            if record.label == slug:
                record.label = english
                record.save(update_fields=["label"])
                named += 1
            if not record.has_translation(other):
                copy = record.copy_for_translation(other)
                copy.label = russian
                copy.save()
                translated += 1
    stdout.write(f"reference labels: {named} named, {translated} translated")
