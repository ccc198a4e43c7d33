"""Russian texts of the rewards demo (rules, badges, store items, challenges, kudos): the demo's
records carry both languages, so a Russian-profile colleague sees a Russian store and profile."""

RULES = {
    "Callback completed (customer reached)": "Перезвон выполнен (клиент на связи)",
    "Customer recovered": "Клиент вернул доверие",
    "Exemplary call": "Образцовый звонок",
    "Read the day's customer comments": "Прочитаны отзывы клиентов за день",
    "Education lesson completed": "Урок пройден",
    "Quiz passed": "Тест сдан",
    "Article published in the digest": "Статья опубликована в дайджесте",
    "Kudos received": "Получена благодарность",
    "Team challenge reached": "Командная цель достигнута",
}

BADGES = {  # slug: (name, description)
    "first-callback": ("Первый перезвон", "Впервые перезвонил(а) клиенту."),
    "ten-callbacks": ("10 перезвонов", "Перезвонил(а) десяти клиентам."),
    "five-recoveries": ("5 возвращённых клиентов", "Пять недовольных клиентов снова довольны."),
    "three-month-streak": ("Три месяца подряд", "Перезванивал(а) клиентам в каждом из последних трёх месяцев."),
    "nps-ambassador": ("Амбассадор NPS месяца", "Больше всех баллов за месяц."),
    "first-lesson": ("Любознательный ум", "Прошёл (прошла) первый урок об NPS."),
    "kudos-magnet": ("Магнит благодарностей", "Пять благодарностей от коллег за 90 дней."),
}

ITEMS = {  # English name: (name, description)
    "Coffee voucher": ("Купон на кофе", "Кофе за наш счёт в офисном кафе."),
    "Branded mug": ("Фирменная кружка", "Кружка NPS Hub: только 9 и 10."),
    "Charity donation": ("Благотворительный взнос", "Мы перечислим 1 000 рублей в фонд месяца."),
    "Hoodie": ("Худи", "Тёплое худи с логотипом бренда."),
    "Extra day off": ("Дополнительный выходной", "Один оплачиваемый выходной по согласованию с руководителем."),
}

CHALLENGES = {
    "Raise our NPS by 5 points this quarter": "Поднять NPS на 5 пунктов в этом квартале",
    "Contact 95% of detractors within 48 hours": "Связаться с 95 % критиков в течение 48 часов",
    "20 callbacks this month": "20 перезвонов в этом месяце",
}

KUDOS = [
    "Спасибо, что так быстро перезвонил(а) тому клиенту!",
    "Твои заметки к уроку помогли всей команде.",
    "Отлично справился(ась) с жалобой на доставку сегодня.",
    "Из 3 баллов сделал(а) 9. Блестяще.",
    "Спасибо, что взял(а) на себя перезвоны моей смены.",
]
