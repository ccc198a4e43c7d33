"""Demo customer comments that read like real ones: about the product the answer is about, and
varied (a sentence about the product or the service, sometimes a second one, sometimes a closing
word), so thousands of answers are not a dozen sentences repeated. Deterministic: ``compose`` draws
only from the ``rng`` it is given."""

PRODUCT = {  # product slug: language: category: sentences about that product only
    "coffee-machine": {
        "en": {"promoter": ["Great coffee machine, makes the best espresso I've had at home!",
                            "The coffee machine heats up in a minute and the milk foam is perfect.",
                            "Finally a coffee machine that is easy to clean.",
                            "My morning coffee tastes like the café's now."],
               "passive": ["The coffee machine is fine, but the water tank is small.",
                           "Good espresso, a bit loud in the morning.",
                           "The coffee is good, the descaling instructions are confusing."],
               "detractor": ["The coffee machine started leaking after a month.",
                             "The grinder in the coffee machine broke in the second week.",
                             "The coffee tastes burnt whatever setting I choose."]},
        "ru": {"promoter": ["Отличная кофемашина, лучший эспрессо дома!",
                            "Кофемашина греется за минуту, молочная пена идеальная.",
                            "Наконец кофемашина, которую легко мыть.",
                            "Утренний кофе теперь как в кофейне."],
               "passive": ["Кофемашина неплохая, но бак для воды маленький.",
                           "Эспрессо хороший, но кофемашина шумная.",
                           "Кофе вкусный, но инструкция по очистке непонятная."],
               "detractor": ["Кофемашина начала протекать через месяц.",
                             "Кофемолка в кофемашине сломалась на второй неделе.",
                             "Кофе горчит при любых настройках."]},
    },
    "vacuum-cleaner": {
        "en": {"promoter": ["The vacuum cleaner is light and picks up all the cat hair.",
                            "Quiet vacuum cleaner, the battery lasts the whole flat.",
                            "Best vacuum cleaner we've had, the brush never tangles."],
               "passive": ["The vacuum cleaner works, but the dust box fills up fast.",
                           "Good suction, the vacuum cleaner is heavier than I expected.",
                           "The vacuum cleaner is fine, the charger cable is too short."],
               "detractor": ["The vacuum cleaner broke after two weeks and support didn't answer.",
                             "The vacuum cleaner's battery dies after ten minutes.",
                             "Poor quality plastic, a clip on the vacuum cleaner cracked on the first day."]},
        "ru": {"promoter": ["Пылесос лёгкий и собирает всю кошачью шерсть.",
                            "Тихий пылесос, заряда хватает на всю квартиру.",
                            "Лучший пылесос, что у нас был, щётка не запутывается."],
               "passive": ["Пылесос работает, но контейнер быстро забивается.",
                           "Тянет хорошо, но пылесос тяжелее, чем я думала.",
                           "Пылесос нормальный, провод зарядки коротковат."],
               "detractor": ["Пылесос сломался через две недели, поддержка не отвечает.",
                             "Аккумулятор пылесоса садится за десять минут.",
                             "Хлипкий пластик, защёлка на пылесосе треснула в первый же день."]},
    },
    "kettle": {
        "en": {"promoter": ["The kettle boils in no time and switches off quietly.",
                            "Beautiful kettle, it looks great in our kitchen.",
                            "The kettle keeps the water warm for ages, love it."],
               "passive": ["The kettle is fine, the lid is a bit stiff.",
                           "Good kettle, but it is louder than the old one.",
                           "The kettle works, the water window is hard to read."],
               "detractor": ["Staff were rude when I asked to return the kettle.",
                             "The kettle lid cracked on the first day.",
                             "The kettle smells of plastic even after a week."]},
        "ru": {"promoter": ["Чайник закипает мгновенно и тихо выключается.",
                            "Красивый чайник, отлично смотрится на кухне.",
                            "Чайник долго держит тепло, очень доволен."],
               "passive": ["Чайник нормальный, крышка открывается туго.",
                           "Хороший чайник, но шумнее старого.",
                           "Чайник работает, шкалу воды плохо видно."],
               "detractor": ["Грубый персонал при возврате чайника.",
                             "Крышка чайника треснула в первый же день.",
                             "Чайник пахнет пластиком уже неделю."]},
    },
    "blender": {
        "en": {"promoter": ["The blender makes smoothies in seconds, even with frozen berries.",
                            "Powerful blender and easy to wash.",
                            "Our family uses the blender every morning, no complaints."],
               "passive": ["The blender is strong but very loud.",
                           "Good blender, the jug is smaller than it looked online.",
                           "The blender works, the lid does not sit tight."],
               "detractor": ["The blender motor stopped working after a month.",
                             "The blender jug cracked when I blended ice.",
                             "The blender leaks from the bottom every time."]},
        "ru": {"promoter": ["Блендер делает смузи за секунды, даже из замороженных ягод.",
                            "Мощный блендер, легко мыть.",
                            "Пользуемся блендером каждое утро, нареканий нет."],
               "passive": ["Блендер мощный, но очень громкий.",
                           "Хороший блендер, но чаша меньше, чем казалось на сайте.",
                           "Блендер работает, крышка прилегает неплотно."],
               "detractor": ["Мотор блендера перестал работать через месяц.",
                             "Чаша блендера треснула на льду.",
                             "Блендер протекает снизу каждый раз."]},
    },
    "air-purifier": {
        "en": {"promoter": ["Since we got the air purifier my allergies are much better.",
                            "The air purifier is silent at night, we sleep better.",
                            "The air purifier's app shows the air quality, very handy."],
               "passive": ["The air purifier works, the filters are expensive.",
                           "Good air purifier, the night mode light is too bright.",
                           "The air purifier is fine, it took a while to connect to the app."],
               "detractor": ["The air purifier makes a rattling noise after a week.",
                             "The air purifier's app keeps losing the connection.",
                             "Replacement filters for the air purifier are never in stock."]},
        "ru": {"promoter": ["С очистителем воздуха аллергия стала намного легче.",
                            "Очиститель воздуха бесшумный ночью, спим лучше.",
                            "Приложение очистителя показывает качество воздуха, очень удобно."],
               "passive": ["Очиститель работает, но фильтры дорогие.",
                           "Хороший очиститель воздуха, но ночной индикатор слишком яркий.",
                           "Очиститель нормальный, долго подключали к приложению."],
               "detractor": ["Очиститель воздуха через неделю начал дребезжать.",
                             "Приложение очистителя постоянно теряет связь.",
                             "Сменных фильтров для очистителя никогда нет в наличии."]},
    },
}

SERVICE = {  # language: category: sentences about the service, true of any product
    "en": {"promoter": ["Fast delivery and the staff in the store were really helpful.",
                        "Excellent quality, I already recommended it to my sister.",
                        "The packaging was beautiful and everything worked out of the box.",
                        "Friendly consultant, explained everything.",
                        "The courier called ahead and came right on time.",
                        "Ordering on the website took two minutes."],
           "passive": ["Good product but a bit expensive for what it is.",
                       "Delivery took longer than promised, otherwise fine.",
                       "The app could be easier to use.",
                       "Decent quality. The instructions were confusing.",
                       "The store was busy and I waited a while at the till."],
           "detractor": ["Courier was three hours late and the box was damaged.",
                         "Too expensive, and the price dropped a week after I bought it.",
                         "The app keeps crashing when I try to pay. Call me at +7 916 123-45-67.",
                         "Nobody answered the support line for two days.",
                         "The refund took a month and three phone calls."]},
    "ru": {"promoter": ["Быстрая доставка, консультант в магазине очень помог.",
                        "Качество на высоте, уже посоветовала подруге.",
                        "Красивая упаковка, всё заработало сразу.",
                        "Вежливый продавец, всё объяснил.",
                        "Курьер позвонил заранее и приехал вовремя.",
                        "Заказ на сайте занял две минуты."],
           "passive": ["Хороший товар, но дороговато.",
                       "Доставка задержалась на день, в остальном нормально.",
                       "Приложение могло бы быть удобнее.",
                       "Качество нормальное, инструкция непонятная.",
                       "В магазине была очередь на кассе."],
           "detractor": ["Курьер опоздал на три часа, коробка была помята.",
                         "Слишком дорого, через неделю цена упала.",
                         "Приложение вылетает при оплате. Мой телефон 8 (912) 555-12-34.",
                         "Поддержка не отвечала два дня.",
                         "Возврат денег занял месяц и три звонка."]},
}

CLOSING = {  # language: category: a short last word, added to some comments
    "en": {"promoter": ["Will buy again.", "Thank you!", "Highly recommend.", "Five stars from me.", "Keep it up."],
           "passive": ["Otherwise fine.", "Could be better.", "Not bad overall.", "We'll see how it lasts."],
           "detractor": ["Very disappointed.", "Never again.", "Please sort this out.", "I expected better."]},
    "ru": {"promoter": ["Куплю ещё.", "Спасибо!", "Рекомендую.", "Пять звёзд.", "Так держать."],
           "passive": ["В целом нормально.", "Могло быть лучше.", "Посмотрим, сколько прослужит.", "Неплохо."],
           "detractor": ["Очень разочарована.", "Больше не куплю.", "Разберитесь, пожалуйста.", "Ожидал большего."]},
}


def compose(rng, language, category, product):
    """One comment in ``language`` for an answer of ``category`` about ``product``."""
    own = PRODUCT.get(product, {}).get(language, {}).get(category)
    service = SERVICE[language][category]
    if own and rng.random() < 0.65:
        parts = [rng.choice(own)]
        if rng.random() < 0.4:
            parts.append(rng.choice(service))
    else:
        parts = [rng.choice(service)]
    if rng.random() < 0.45:
        parts.append(rng.choice(CLOSING[language][category]))
    return " ".join(parts)
