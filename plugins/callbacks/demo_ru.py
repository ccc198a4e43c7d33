"""The Russian translation of the callbacks demo's training pages (wagtail-localize segments)."""

TRAINING_RU = {
    "Caller training": "Обучение операторов",
    "Tips for calling customers back, and why it matters.": "Советы по обратным звонкам клиентам и почему они важны.",
    "Caller guide: your first callback": "Памятка оператора: ваш первый обратный звонок",
    "Five minutes that make every call count. Read this before your first call.":
        "Пять минут, которые делают каждый звонок полезным. Прочитайте перед первым звонком.",
    "Before you dial": "Перед звонком",
    "Read the customer's review and the score once more.": "Ещё раз прочитайте отзыв клиента и его оценку.",
    "Check the product and the store or channel concerned.": "Проверьте товар и магазин или канал, о которых речь.",
    "Have a pen ready for the follow-up action.": "Держите под рукой ручку, чтобы записать следующий шаг.",
    "During the call": "Во время звонка",
    "Introduce yourself and say why you call: <i>you told us about your experience and we want to hear it first-hand</i>.":
        "Представьтесь и скажите, зачем звоните: <i>вы рассказали нам о своём опыте, и мы хотим услышать о нём из первых уст</i>.",
    "Listen. Let the customer finish; do not defend, do not argue.": "Слушайте. Дайте клиенту договорить; не оправдывайтесь и не спорьте.",
    "Repeat what you heard in your own words.": "Перескажите услышанное своими словами.",
    "Say what will happen next, and only promise what a team can deliver.":
        "Скажите, что будет дальше, и обещайте только то, что команда может выполнить.",
    "Thank them for their time.": "Поблагодарите за уделённое время.",
    "Personal data": "Персональные данные",
    "The phone number is shown to you only while your claim lasts (30 minutes). Never copy it elsewhere. If the customer "
    "asks not to be called again or to delete their data, tell the CX team: they record it and the customer leaves the "
    "queue at once.":
        "Номер телефона виден вам только, пока звонок закреплён за вами (30 минут). Никогда никуда его не копируйте. Если "
        "клиент просит больше не звонить или удалить его данные, сообщите команде CX: она зафиксирует это, и клиент сразу "
        "покинет очередь.",
    "Why calling customers back matters": "Почему важно перезванивать клиентам",
    "A detractor who is heard often becomes a promoter.": "Критик, которого услышали, часто становится промоутером.",
    "Customers who complain and get a personal answer come back more often than customers who never complained. A "
    "callback within 48 hours shows that the company listens; the story you bring back helps every team fix the cause.":
        "Клиенты, которые пожаловались и получили личный ответ, возвращаются чаще, чем те, кто никогда не жаловался. "
        "Обратный звонок в течение 48 часов показывает, что компания слушает; история, которую вы принесёте, помогает "
        "каждой команде устранить причину.",
    "How the callback platform works": "Как устроена платформа обратных звонков",
    "Queue, claim, call, record, close the loop.": "Очередь, закрепление, звонок, запись, замкнутый цикл.",
    "<b>Queue</b>: customers with a low score who agreed to be called appear, most urgent first.":
        "<b>Очередь</b>: здесь появляются клиенты с низкой оценкой, согласившиеся на звонок, — самые срочные первыми.",
    "<b>Claim</b>: one click reserves the customer for you, so two colleagues never call the same person.":
        "<b>Закрепление</b>: один щелчок закрепляет клиента за вами, чтобы двое коллег не позвонили одному человеку.",
    "<b>Call</b>: the call button opens your phone line; the number appears only for you.":
        "<b>Звонок</b>: кнопка звонка открывает вашу телефонную линию; номер виден только вам.",
    "<b>Record the outcome</b>, the notes, a follow-up action for a team, and attach the recording.":
        "<b>Запишите результат</b>, заметки, следующий шаг для команды и приложите запись разговора.",
    "<b>Learn</b>: the best calls are collected in the call library.": "<b>Учитесь</b>: лучшие звонки собраны в библиотеке звонков.",
}

PLAYBOOKS = {  # English subject: (subject, message) for customers who answered in Russian
    "Thank you for recommending us": (
        "Спасибо, что рекомендуете нас",
        "Спасибо за тёплые слова. Это очень важно для всей нашей команды."),
    "What would make it a 10?": (
        "Что сделало бы оценку десяткой?",
        "Спасибо за ответ. Что одно сделало бы ваш следующий визит идеальным? Просто ответьте на это письмо."),
}

INTERVIEW_RU = {  # a focus-group excerpt recorded in Russian, consent for internal research only
    "title": "Фокус-группа: доставка в регионы",
    "kind": "focus_group", "language": "ru", "department": "ecommerce", "product": "coffee-machine",
    "topics": ["delivery", "app"], "consent_use": "research",
    "interviewee_name": "Ирина Соколова", "interviewee_contact": "+7 912 400-55-66", "consent_given_by": "Ирина Соколова",
    "summary": "Участники из Казани и Екатеринбурга ждут кофемашину больше недели и не видят в приложении, где посылка. "
               "Ирина Соколова предложила присылать SMS, когда курьер выезжает; двое других участников согласились.",
    "transcript": "Модератор: Расскажите, как вы получили последний заказ.\nИрина: Кофемашину везли девять дней, в "
                  "приложении всё время было «передан в доставку». Я звонила три раза.\nМодератор: Что помогло бы?\n"
                  "Ирина: Простое SMS, когда курьер выехал, и точное окно доставки.",
}
