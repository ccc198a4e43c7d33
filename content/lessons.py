"""Demo NPS education: five short lessons with quizzes (English; content/russian.py translates them)."""

import uuid

from npshub.pages.models import LessonPage


def _q(question, choices, correct, explanation):
    # Choices in Wagtail's list-block format (with ids), so each is a segment translators see.
    items = [{"type": "item", "value": choice, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{question}/{n}"))}
             for n, choice in enumerate(choices)]
    return {"type": "question", "value": {"question": question, "choices": items, "correct": correct,
                                           "explanation": explanation}}


def _p(html):
    return {"type": "paragraph", "value": html}


def _h(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


LESSONS = [
    {
        "slug": "what-is-nps", "minutes": 4,
        "title": "What NPS is",
        "intro": "One question, asked the same way everywhere, that tells us whether customers would vouch for us.",
        "body": [
            _p("<p>Net Promoter Score starts with one question: <b>“How likely are you to recommend us to a friend or "
               "colleague?”</b> Customers answer on a scale from 0 (not at all likely) to 10 (extremely likely).</p>"),
            _h("How the score is calculated"),
            _p("<p>We take the share of <b>promoters</b> (9–10) and subtract the share of <b>detractors</b> (0–6). "
               "Passives (7–8) count in the total but in neither group. The result runs from −100 (everyone a "
               "detractor) to +100 (everyone a promoter).</p><p>Example: 200 answers, 110 promoters, 50 passives, "
               "40 detractors. 55% − 20% = <b>NPS 35</b>.</p>"),
            _h("Why a single number works"),
            _p("<p>Because the question is always the same, we can compare stores, teams and months, and see the "
               "effect of what we change. The comment customers write next to their score tells us <i>why</i>; "
               "the score tells us <i>how much</i>.</p>"),
            _p("<p>Small samples wobble. NPS Hub shows a <b>margin of error</b> next to every score: a store with "
               "30 answers can move 15 points by chance, so look at the trend, not one week.</p>"),
        ],
        "quiz": [
            _q("A customer answers 8. Which group are they in?", ["Promoter", "Passive", "Detractor"], 2,
               "7 and 8 are passives: satisfied, but not enthusiastic enough to recommend us."),
            _q("100 answers: 50 promoters, 30 passives, 20 detractors. What is the NPS?", ["50", "30", "70", "20"], 2,
               "50% promoters − 20% detractors = 30. Passives count in the total only."),
            _q("Why does NPS Hub show a margin of error?", [
                "Because the survey software is unreliable",
                "Because small numbers of answers move the score by chance",
                "Because detractors count double"], 2,
               "With few answers, a handful of customers can swing the score: read trends, not single weeks."),
        ],
    },
    {
        "slug": "promoters-passives-detractors", "minutes": 5,
        "title": "Promoters, passives and detractors",
        "intro": "Who the three groups are, what they do after they leave the store, and what each needs from us.",
        "body": [
            _h("Promoters (9–10)"),
            _p("<p>Loyal enthusiasts. They buy again, buy more, and bring friends. Thank them, and ask what we should "
               "never change: their comments tell us what to protect.</p>"),
            _h("Passives (7–8)"),
            _p("<p>Satisfied but unenthusiastic. They are one better offer away from a competitor. Their comments "
               "often name one small irritation — a queue, a slow reply — that stands between us and a 9.</p>"),
            _h("Detractors (0–6)"),
            _p("<p>Unhappy customers who may warn others off. A detractor's comment is a free consultation: it tells "
               "us exactly where we broke a promise. Many detractors become promoters when someone calls back, "
               "listens and fixes the problem.</p>"),
        ],
        "quiz": [
            _q("Which group is most at risk of quietly switching to a competitor?", ["Promoters", "Passives", "Detractors"], 2,
               "Passives are satisfied but not loyal: a better offer elsewhere is enough."),
            _q("What is the most useful thing in a detractor's answer?", ["The score", "The comment", "The date"], 2,
               "The comment says what went wrong; it is where improvement starts."),
            _q("A customer scored 6. Are they a detractor?", ["Yes", "No, a passive"], 1, "0 to 6 are detractors."),
        ],
    },
    {
        "slug": "why-it-matters-to-your-department", "minutes": 6,
        "title": "Why NPS matters to every department",
        "intro": "Stores, logistics, the call centre, IT and the back office all move the score. Here is how.",
        "body": [
            _p("<p><b>Stores:</b> a greeting, a short queue and a colleague who knows the product are the most "
               "common reasons customers give a 10. <b>Logistics:</b> late and damaged deliveries are the largest "
               "source of detractor comments; a delivery slot kept is a promise kept.</p>"),
            _p("<p><b>Call centre:</b> first-contact resolution matters more than call length. <b>IT and digital:</b> "
               "a checkout that fails or an app that logs customers out shows up in the score within days. "
               "<b>Back office, finance, HR:</b> refunds paid on time, clear invoices, and colleagues who are "
               "trained and cared for — people treat customers the way they are treated.</p>"),
            _p("<p>Find your team's score on the home page and in the digest. The question to ask every month: "
               "<i>what did our customers mention that we control?</i></p>"),
        ],
        "quiz": [
            _q("Which area produces the largest share of detractor comments in our data?",
               ["Store decoration", "Late or damaged deliveries", "Opening hours"], 2,
               "Delivery problems are the most common detractor topic."),
            _q("For the call centre, what matters most to the score?",
               ["Short calls", "Solving the problem in the first contact", "Reading the script word for word"], 2,
               "Customers reward problems solved first time."),
        ],
    },
    {
        "slug": "csat-and-ces", "minutes": 4,
        "title": "CSAT and CES: NPS's two companions",
        "intro": "Satisfaction with one interaction, and the effort it took: what each measures and when to use it.",
        "body": [
            _p("<p><b>CSAT</b> (Customer Satisfaction) asks “How satisfied were you with …?” right after one "
               "interaction, usually on a 1–5 scale; the score is the share of 4s and 5s. It tells us how a "
               "particular delivery, call or visit went.</p>"),
            _p("<p><b>CES</b> (Customer Effort Score) asks how easy it was to get something done — return an item, "
               "change an order. High effort predicts disloyalty better than low delight does.</p>"),
            _p("<p><b>NPS</b> measures the relationship as a whole. Use all three: CSAT and CES show which moments "
               "need work; NPS shows whether the relationship is getting better.</p>"),
        ],
        "quiz": [
            _q("Which metric measures how easy it was to get something done?", ["NPS", "CSAT", "CES"], 3,
               "CES: Customer Effort Score."),
            _q("Which metric describes the overall relationship rather than one interaction?", ["NPS", "CSAT", "CES"], 1,
               "NPS is relationship-level; CSAT and CES are about single moments."),
        ],
    },
    {
        "slug": "how-to-move-a-detractor", "minutes": 6,
        "title": "How to move a detractor",
        "intro": "Call back within a day, listen first, fix what you can, and close the loop: a method that works.",
        "body": [
            _h("1. Call quickly"),
            _p("<p>Customers who hear from us within 24 hours are far more likely to change their view. Claim the "
               "callback in NPS Hub so nobody else calls the same person.</p>"),
            _h("2. Listen before you explain"),
            _p("<p>Let the customer tell the whole story. Repeat it back in one sentence: “So the courier came two "
               "hours late and nobody told you.” Do not defend the process.</p>"),
            _h("3. Fix, or say what happens next"),
            _p("<p>Solve what you can on the call (a refund, a replacement, a new slot). If you cannot, say who will, "
               "and by when — then make sure it happens.</p>"),
            _h("4. Close the loop"),
            _p("<p>Record the outcome in NPS Hub. If the customer answers again later as a promoter or passive, the "
               "hub credits the recovery to you and your team.</p>"),
        ],
        "quiz": [
            _q("What should you do first on a callback?", [
                "Explain our delivery policy", "Let the customer tell the whole story", "Offer a discount immediately"], 2,
               "Listening first shows the customer they matter, and tells you what to fix."),
            _q("Within how long should a detractor hear from us?", ["24 hours", "A week", "A month"], 1,
               "The sooner, the better: within a day is our standard."),
            _q("You cannot fix the problem on the call. What now?", [
                "Apologise and end the call", "Say who will fix it and by when, then follow up",
                "Ask the customer to call the hotline"], 2, "A clear next step, and a follow-up, keeps the promise."),
        ],
    },
]


def load_lessons(section, stdout):
    created = 0
    for lesson in LESSONS:
        if section.get_children().filter(slug=lesson["slug"]).exists():
            continue
        section.add_child(instance=LessonPage(**lesson))
        created += 1
    stdout.write(f"lessons: {created} new")
