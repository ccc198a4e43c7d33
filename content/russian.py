"""The demo's Russian: translations of the English demo pages' texts (wagtail-localize segments,
source text → Russian), applied by ``translate_tree`` as an editor's translation would be."""

from wagtail.models import Locale

from npshub import formats
from npshub.pages.translating import translate

PAGES = {
    # Home and sections
    "Our customers, our score": "Наши клиенты — наша оценка",
    "The brand's Net Promoter Score, live, and what customers are telling us today.":
        "NPS бренда в реальном времени и то, что клиенты говорят нам сегодня.",
    "Why every one of us owns the score": "Почему за оценку отвечает каждый из нас",
    "Net Promoter Score asks our customers one question: <b>how likely are you to recommend us to a friend?</b> "
    "Every shift in a store, every parcel, every call moves it. Here you see it live, read what customers say, "
    "and call back the ones we let down.":
        "Индекс NPS задаёт клиентам один вопрос: <b>насколько вероятно, что вы порекомендуете нас другу?</b> "
        "Каждая смена в магазине, каждая посылка, каждый звонок влияют на него. Здесь вы видите его вживую, "
        "читаете, что говорят клиенты, и перезваниваете тем, кого мы подвели.",
    "Learn NPS": "Всё об NPS",
    "What NPS is, why it matters to your department, and how to move a detractor.":
        "Что такое NPS, почему он важен вашему отделу и как вернуть критика.",
    "Brand guide book": "Брендбук",
    "Our visual identity and tone of voice.": "Наш фирменный стиль и тон общения.",
    "Articles": "Статьи",
    "Stories and lessons written by colleagues across the company.": "Истории и уроки, которые пишут коллеги со всей компании.",
    "News": "Новости",
    "CX initiatives and big wins from across the company.": "Инициативы CX и большие победы со всей компании.",
    "Digest": "Дайджест",
    "The monthly digest: the month's articles, our score, and what customers said.":
        "Ежемесячный дайджест: статьи месяца, наша оценка и что сказали клиенты.",
    # Articles
    "The call that changed my week": "Звонок, который изменил мою неделю",
    "A store manager on calling back a customer whose kettle broke on day one.":
        "Директор магазина о звонке клиентке, у которой чайник сломался в первый же день.",
    "I almost didn't call. Then she told me it was a gift for her mother, and I understood why a broken lid "
    "mattered so much. We replaced it the same day, and she changed her score to a nine.":
        "Я чуть было не передумал звонить. Потом она рассказала, что это был подарок маме, и я понял, почему "
        "сломанная крышка так много значила. Мы заменили чайник в тот же день, и она поменяла оценку на девятку.",
    "What detractors taught us about delivery": "Чему критики научили нас в доставке",
    "Three months of comments, one clear pattern, and what the logistics team did about it.":
        "Три месяца комментариев, одна явная закономерность и что с ней сделала логистика.",
    "One in four detractor comments mentioned a late courier. We moved the evening delivery slot and the share "
    "of delivery complaints halved within a quarter.":
        "Каждый четвёртый комментарий критиков упоминал опоздавшего курьера. Мы сдвинули вечерний интервал доставки, "
        "и доля жалоб на доставку за квартал сократилась вдвое.",
    "Write an article": "Написать статью",
    "Share a customer story, a fix that worked or a lesson learned. Editors read every submission, may suggest "
    "changes, and publish the best in the monthly digest.":
        "Поделитесь историей клиента, удачным решением или уроком. Редакторы читают каждую статью, могут предложить "
        "правки и публикуют лучшие в ежемесячном дайджесте.",
    "Thank you! Your article is with the editors; you will see it here once it is published.":
        "Спасибо! Статья у редакторов; вы увидите её здесь, когда её опубликуют.",
    # News
    "Every detractor called back within 24 hours": "Каждому критику перезваниваем в течение 24 часов",
    "From Monday, every customer who scores us 0-6 and agrees to a call hears from us within a day.":
        "С понедельника каждый клиент, поставивший нам от 0 до 6 и согласившийся на звонок, слышит нас в течение суток.",
    "Callers in every region now share one queue. Claim a callback in the hub, call, and record the outcome: the "
    "customer's next score tells us whether we fixed it.":
        "Операторы всех регионов теперь работают с одной очередью. Возьмите обратный звонок в хабе, позвоните и "
        "запишите результат: следующая оценка клиента покажет, исправили ли мы проблему.",
    "Saint Petersburg: queue complaints halved": "Санкт-Петербург: жалоб на очереди вдвое меньше",
    "A later delivery slot and a returns desk at the Nevsky store cut detractor comments about queues by half.":
        "Поздний интервал доставки и стойка возвратов в магазине на Невском вдвое сократили жалобы критиков на очереди.",
    "The St Petersburg Nevsky store moved the evening delivery slot and opened a returns desk at the entrance. "
    "Detractor comments about queues halved.":
        "Магазин на Невском в Санкт-Петербурге сдвинул вечерний интервал доставки и открыл стойку возвратов у входа. "
        "Жалоб критиков на очереди стало вдвое меньше.",
    "Five short NPS lessons for everyone": "Пять коротких уроков NPS для всех",
    "Ten minutes each, with a quiz: learn what moves our score and earn your first badge.":
        "По десять минут, с тестом: узнайте, что влияет на нашу оценку, и получите первый значок.",
    "Open <b>Learn NPS</b> in the menu. Each lesson ends with a three-question quiz.":
        "Откройте <b>Всё об NPS</b> в меню. Каждый урок заканчивается тестом из трёх вопросов.",
    "A detractor became our loudest promoter": "Критик стал нашим самым громким промоутером",
    "A customer whose kettle broke on day one now recommends us to her whole building.":
        "Клиентка, у которой чайник сломался в первый день, теперь советует нас всему дому.",
    "A store manager called, listened, and replaced the kettle the same afternoon. Her new score: 10.":
        "Директор магазина позвонил, выслушал и в тот же день заменил чайник. Её новая оценка: 10.",
    # Digest
    "This month we called back more customers than ever. Here is what they told us, how our score moved, and the "
    "stories colleagues wrote.":
        "В этом месяце мы перезвонили большему числу клиентов, чем когда-либо. Вот что они сказали, как изменилась "
        "наша оценка и что написали коллеги.",
    # Guide book
    "Visual identity": "Фирменный стиль",
    "Our colours, type, logo and voice. Every colour and size on this page comes straight from the theme the site "
    "and the emails use, so it is always current.":
        "Наши цвета, шрифты, логотип и тон. Все цвета и размеры на этой странице берутся из темы сайта и писем, "
        "поэтому они всегда актуальны.",
    "Use the logo on the deep navy header colour or on white; never on a photo without a dark overlay.":
        "Размещайте логотип на тёмно-синем цвете шапки или на белом; никогда — на фото без тёмной подложки.",
    "Keep clear space around the logo at least the height of the dot.":
        "Оставляйте вокруг логотипа свободное поле не меньше высоты точки.",
    "Never stretch, recolour or add effects to the logo.": "Не растягивайте, не перекрашивайте логотип и не добавляйте к нему эффекты.",
    "Minimum width: 120 px on screens, 30 mm in print.": "Минимальная ширина: 120 px на экране, 30 мм в печати.",
    "We speak like a helpful colleague: <b>clear, warm and direct</b>.":
        "Мы говорим как отзывчивый коллега: <b>ясно, тепло и прямо</b>.",
    "<b>Plain words.</b> “We'll call you back today”, not “Your request has been escalated”.":
        "<b>Простые слова.</b> «Мы перезвоним вам сегодня», а не «Ваше обращение передано на следующий уровень».",
    "<b>Own it.</b> When we get it wrong, we say so first and then say what we are doing about it.":
        "<b>Признавайте ошибки.</b> Если мы ошиблись, сначала говорим об этом, а потом — что мы делаем.",
    "<b>Numbers with meaning.</b> “NPS rose 4 points: fewer late deliveries” beats a bare figure.":
        "<b>Цифры со смыслом.</b> «NPS вырос на 4 пункта: меньше опозданий доставки» лучше голой цифры.",
    "<b>Customers' words are theirs.</b> Quote them faithfully, never with their names or contact details.":
        "<b>Слова клиентов принадлежат им.</b> Цитируйте точно и никогда — с именами или контактами.",
    "Vector logo for screens and print": "Векторный логотип для экрана и печати",
}

LESSONS = {
    "What NPS is": "Что такое NPS",
    "One question, asked the same way everywhere, that tells us whether customers would vouch for us.":
        "Один вопрос, заданный везде одинаково, который показывает, готовы ли клиенты нас рекомендовать.",
    "Net Promoter Score starts with one question: <b>“How likely are you to recommend us to a friend or "
    "colleague?”</b> Customers answer on a scale from 0 (not at all likely) to 10 (extremely likely).":
        "Индекс NPS начинается с одного вопроса: <b>«Насколько вероятно, что вы порекомендуете нас другу или "
        "коллеге?»</b> Клиенты отвечают по шкале от 0 (совсем маловероятно) до 10 (очень вероятно).",
    "How the score is calculated": "Как считается оценка",
    "We take the share of <b>promoters</b> (9–10) and subtract the share of <b>detractors</b> (0–6). Passives "
    "(7–8) count in the total but in neither group. The result runs from −100 (everyone a detractor) to +100 "
    "(everyone a promoter).":
        "Из доли <b>промоутеров</b> (9–10) вычитаем долю <b>критиков</b> (0–6). Нейтралы (7–8) входят в общее "
        "число, но ни в одну из групп. Результат — от −100 (все критики) до +100 (все промоутеры).",
    "Example: 200 answers, 110 promoters, 50 passives, 40 detractors. 55% − 20% = <b>NPS 35</b>.":
        "Пример: 200 ответов, 110 промоутеров, 50 нейтралов, 40 критиков. 55 % − 20 % = <b>NPS 35</b>.",
    "Why a single number works": "Почему хватает одного числа",
    "Because the question is always the same, we can compare stores, teams and months, and see the effect of "
    "what we change. The comment customers write next to their score tells us <i>why</i>; the score tells us "
    "<i>how much</i>.":
        "Вопрос всегда один и тот же, поэтому можно сравнивать магазины, команды и месяцы и видеть эффект "
        "изменений. Комментарий клиента говорит нам <i>почему</i>, оценка — <i>насколько</i>.",
    "Small samples wobble. NPS Hub shows a <b>margin of error</b> next to every score: a store with 30 answers "
    "can move 15 points by chance, so look at the trend, not one week.":
        "Маленькие выборки колеблются. NPS Hub показывает <b>погрешность</b> рядом с каждой оценкой: у магазина с "
        "30 ответами оценка может случайно сдвинуться на 15 пунктов, поэтому смотрите на тренд, а не на одну неделю.",
    "A customer answers 8. Which group are they in?": "Клиент ответил 8. В какой он группе?",
    "Promoter": "Промоутер", "Passive": "Нейтрал", "Detractor": "Критик",
    "7 and 8 are passives: satisfied, but not enthusiastic enough to recommend us.":
        "7 и 8 — нейтралы: довольны, но недостаточно, чтобы нас рекомендовать.",
    "100 answers: 50 promoters, 30 passives, 20 detractors. What is the NPS?":
        "100 ответов: 50 промоутеров, 30 нейтралов, 20 критиков. Чему равен NPS?",
    "50% promoters − 20% detractors = 30. Passives count in the total only.":
        "50 % промоутеров − 20 % критиков = 30. Нейтралы учитываются только в общем числе.",
    "Why does NPS Hub show a margin of error?": "Зачем NPS Hub показывает погрешность?",
    "Because the survey software is unreliable": "Потому что программа опросов ненадёжна",
    "Because small numbers of answers move the score by chance": "Потому что при малом числе ответов оценка случайно колеблется",
    "Because detractors count double": "Потому что критики считаются дважды",
    "With few answers, a handful of customers can swing the score: read trends, not single weeks.":
        "При малом числе ответов несколько клиентов могут качнуть оценку: смотрите на тренды, а не на отдельные недели.",
    "Promoters, passives and detractors": "Промоутеры, нейтралы и критики",
    "Who the three groups are, what they do after they leave the store, and what each needs from us.":
        "Кто входит в три группы, что они делают после визита и что каждой из них нужно от нас.",
    "Promoters (9–10)": "Промоутеры (9–10)",
    "Loyal enthusiasts. They buy again, buy more, and bring friends. Thank them, and ask what we should never "
    "change: their comments tell us what to protect.":
        "Преданные энтузиасты. Они возвращаются, покупают больше и приводят друзей. Поблагодарите их и спросите, "
        "что нам нельзя менять: их комментарии подсказывают, что беречь.",
    "Passives (7–8)": "Нейтралы (7–8)",
    "Satisfied but unenthusiastic. They are one better offer away from a competitor. Their comments often name "
    "one small irritation — a queue, a slow reply — that stands between us and a 9.":
        "Довольны, но без восторга. Одно выгодное предложение — и они у конкурента. В комментариях они часто "
        "называют одну мелочь — очередь, медленный ответ, — которая отделяет нас от девятки.",
    "Detractors (0–6)": "Критики (0–6)",
    "Unhappy customers who may warn others off. A detractor's comment is a free consultation: it tells us exactly "
    "where we broke a promise. Many detractors become promoters when someone calls back, listens and fixes the "
    "problem.":
        "Недовольные клиенты, которые могут отговорить других. Комментарий критика — бесплатная консультация: он "
        "точно показывает, где мы нарушили обещание. Многие критики становятся промоутерами, когда им перезванивают, "
        "выслушивают и решают проблему.",
    "Which group is most at risk of quietly switching to a competitor?":
        "Какая группа скорее всего тихо уйдёт к конкуренту?",
    "Promoters": "Промоутеры", "Passives": "Нейтралы", "Detractors": "Критики",
    "Passives are satisfied but not loyal: a better offer elsewhere is enough.":
        "Нейтралы довольны, но не лояльны: им достаточно предложения получше.",
    "What is the most useful thing in a detractor's answer?": "Что самое полезное в ответе критика?",
    "The score": "Оценка", "The comment": "Комментарий", "The date": "Дата",
    "The comment says what went wrong; it is where improvement starts.":
        "Комментарий говорит, что пошло не так; с него начинаются улучшения.",
    "A customer scored 6. Are they a detractor?": "Клиент поставил 6. Это критик?",
    "Yes": "Да", "No, a passive": "Нет, нейтрал",
    "0 to 6 are detractors.": "От 0 до 6 — критики.",
    "Why NPS matters to every department": "Почему NPS важен каждому отделу",
    "Stores, logistics, the call centre, IT and the back office all move the score. Here is how.":
        "Магазины, логистика, колл-центр, ИТ и бэк-офис — все влияют на оценку. Вот как.",
    "<b>Stores:</b> a greeting, a short queue and a colleague who knows the product are the most common reasons "
    "customers give a 10. <b>Logistics:</b> late and damaged deliveries are the largest source of detractor "
    "comments; a delivery slot kept is a promise kept.":
        "<b>Магазины:</b> приветствие, короткая очередь и консультант, который знает товар, — самые частые причины "
        "десятки. <b>Логистика:</b> опоздания и повреждения при доставке — главный источник комментариев критиков; "
        "соблюдённый интервал доставки — сдержанное обещание.",
    "<b>Call centre:</b> first-contact resolution matters more than call length. <b>IT and digital:</b> a checkout "
    "that fails or an app that logs customers out shows up in the score within days. <b>Back office, finance, "
    "HR:</b> refunds paid on time, clear invoices, and colleagues who are trained and cared for — people treat "
    "customers the way they are treated.":
        "<b>Колл-центр:</b> решение с первого обращения важнее длительности звонка. <b>ИТ и цифровые каналы:</b> "
        "сбой оплаты или приложение, которое разлогинивает клиентов, отражаются на оценке за считаные дни. "
        "<b>Бэк-офис, финансы, HR:</b> вовремя выплаченные возвраты, понятные счета и обученные коллеги, о которых "
        "заботятся, — люди обращаются с клиентами так, как обращаются с ними.",
    "Find your team's score on the home page and in the digest. The question to ask every month: <i>what did our "
    "customers mention that we control?</i>":
        "Оценку своей команды ищите на главной странице и в дайджесте. Вопрос, который стоит задавать каждый месяц: "
        "<i>что из упомянутого клиентами зависит от нас?</i>",
    "Which area produces the largest share of detractor comments in our data?":
        "Какая область даёт больше всего комментариев критиков в наших данных?",
    "Store decoration": "Оформление магазина", "Late or damaged deliveries": "Опоздания и повреждения при доставке",
    "Opening hours": "Часы работы",
    "Delivery problems are the most common detractor topic.": "Проблемы с доставкой — самая частая тема критиков.",
    "For the call centre, what matters most to the score?": "Что для колл-центра важнее всего для оценки?",
    "Short calls": "Короткие звонки", "Solving the problem in the first contact": "Решить проблему с первого обращения",
    "Reading the script word for word": "Читать скрипт слово в слово",
    "Customers reward problems solved first time.": "Клиенты ценят проблемы, решённые с первого раза.",
    "CSAT and CES: NPS's two companions": "CSAT и CES: спутники NPS",
    "Satisfaction with one interaction, and the effort it took: what each measures and when to use it.":
        "Удовлетворённость одним обращением и усилия клиента: что измеряет каждая метрика и когда её применять.",
    "<b>CSAT</b> (Customer Satisfaction) asks “How satisfied were you with …?” right after one interaction, "
    "usually on a 1–5 scale; the score is the share of 4s and 5s. It tells us how a particular delivery, call or "
    "visit went.":
        "<b>CSAT</b> (удовлетворённость клиента) спрашивает «Насколько вы довольны …?» сразу после обращения, обычно "
        "по шкале 1–5; оценка — доля четвёрок и пятёрок. Она показывает, как прошли конкретная доставка, звонок или визит.",
    "<b>CES</b> (Customer Effort Score) asks how easy it was to get something done — return an item, change an "
    "order. High effort predicts disloyalty better than low delight does.":
        "<b>CES</b> (индекс усилий клиента) спрашивает, насколько легко было что-то сделать — вернуть товар, изменить "
        "заказ. Большие усилия предсказывают нелояльность лучше, чем отсутствие восторга.",
    "<b>NPS</b> measures the relationship as a whole. Use all three: CSAT and CES show which moments need work; "
    "NPS shows whether the relationship is getting better.":
        "<b>NPS</b> измеряет отношения в целом. Используйте все три: CSAT и CES показывают, какие моменты требуют "
        "работы, NPS — становятся ли отношения лучше.",
    "Which metric measures how easy it was to get something done?": "Какая метрика измеряет, насколько легко было что-то сделать?",
    "NPS": "NPS", "CSAT": "CSAT", "CES": "CES",
    "CES: Customer Effort Score.": "CES — индекс усилий клиента.",
    "Which metric describes the overall relationship rather than one interaction?":
        "Какая метрика описывает отношения в целом, а не одно обращение?",
    "NPS is relationship-level; CSAT and CES are about single moments.":
        "NPS — об отношениях в целом; CSAT и CES — об отдельных моментах.",
    "How to move a detractor": "Как вернуть критика",
    "Call back within a day, listen first, fix what you can, and close the loop: a method that works.":
        "Перезвоните в течение суток, сначала выслушайте, исправьте, что можно, и замкните цикл.",
    "1. Call quickly": "1. Звоните быстро",
    "Customers who hear from us within 24 hours are far more likely to change their view. Claim the callback in "
    "NPS Hub so nobody else calls the same person.":
        "Клиенты, которым мы позвонили в течение 24 часов, гораздо чаще меняют мнение. Возьмите звонок в NPS Hub, "
        "чтобы никто другой не позвонил тому же человеку.",
    "2. Listen before you explain": "2. Сначала выслушайте, потом объясняйте",
    "Let the customer tell the whole story. Repeat it back in one sentence: “So the courier came two hours late "
    "and nobody told you.” Do not defend the process.":
        "Дайте клиенту рассказать всю историю. Перескажите её одной фразой: «То есть курьер опоздал на два часа, и "
        "вас никто не предупредил». Не защищайте процесс.",
    "3. Fix, or say what happens next": "3. Исправьте или скажите, что будет дальше",
    "Solve what you can on the call (a refund, a replacement, a new slot). If you cannot, say who will, and by "
    "when — then make sure it happens.":
        "Решите, что можно, прямо во время звонка (возврат, замена, новый интервал). Если не можете — скажите, кто "
        "и когда это сделает, и проследите, чтобы так и было.",
    "4. Close the loop": "4. Замкните цикл",
    "Record the outcome in NPS Hub. If the customer answers again later as a promoter or passive, the hub credits "
    "the recovery to you and your team.":
        "Запишите результат в NPS Hub. Если клиент позже ответит как промоутер или нейтрал, хаб засчитает "
        "возвращение клиента вам и вашей команде.",
    "What should you do first on a callback?": "Что сделать в первую очередь при обратном звонке?",
    "Explain our delivery policy": "Объяснить наши правила доставки",
    "Let the customer tell the whole story": "Дать клиенту рассказать всю историю",
    "Offer a discount immediately": "Сразу предложить скидку",
    "Listening first shows the customer they matter, and tells you what to fix.":
        "Когда вы сначала слушаете, клиент видит, что он важен, а вы узнаёте, что исправлять.",
    "Within how long should a detractor hear from us?": "В течение какого времени критику нужно перезвонить?",
    "24 hours": "24 часа", "A week": "Неделя", "A month": "Месяц",
    "The sooner, the better: within a day is our standard.": "Чем раньше, тем лучше: наш стандарт — в течение суток.",
    "You cannot fix the problem on the call. What now?": "Во время звонка решить проблему нельзя. Что теперь?",
    "Apologise and end the call": "Извиниться и закончить разговор",
    "Say who will fix it and by when, then follow up": "Сказать, кто и к какому сроку это исправит, и проконтролировать",
    "Ask the customer to call the hotline": "Попросить клиента позвонить на горячую линию",
    "A clear next step, and a follow-up, keeps the promise.": "Понятный следующий шаг и контроль помогают сдержать обещание.",
}


def strings(extra=None):
    """Every demo translation, plus the month-dependent digest title."""
    from django.utils import timezone

    today = timezone.localdate()
    title = {f"NPS digest, {today:%B %Y}": "Дайджест NPS, " + formats.month(today, "ru", short=False)}
    return {**PAGES, **LESSONS, **title, **(extra or {})}


def translate_tree(root, language="ru", extra=None):
    """Translate ``root`` and every page under it that has no translation into ``language`` yet
    (translations that exist are the editors' now: left alone). Returns how many were created."""
    target = Locale.objects.get(language_code=language)
    texts = strings(extra)
    created = 0
    for page in root.get_descendants(inclusive=True).filter(locale=root.locale).specific().order_by("path"):
        if not page.has_translation(target):
            translate(page, language, texts, publish=page.live)
            created += 1
    return created
