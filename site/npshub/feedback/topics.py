"""Tagging comments with topics, and which topics detractors mention most.

``tag_responses(responses)`` tags a batch (ingestion calls it inside its transaction);
``match(text)`` gives the topic ids of one text; ``topic_stats(stats_filter)`` is the topic chart
of the comment stream and ``GET /api/v1/topics/``.
"""

from dataclasses import dataclass


from npshub.feedback.bulk import insert_rows
from npshub.feedback.models import Response, Topic
from npshub.feedback import nps
from npshub.feedback.nps import score_result
from npshub.feedback.stemming import stem, words


@dataclass(frozen=True)
class Rule:
    topic_id: int
    words: frozenset  # exact stems
    prefixes: tuple  # word beginnings (keyword ending in *)
    phrases: tuple  # tuples of stems, matched as consecutive words


def compile_rule(topic):
    exact, prefixes, phrases = set(), [], []
    for term in topic.terms():
        star = term.endswith("*")
        term_words = words(term.rstrip("*"))
        if not term_words:
            continue
        if len(term_words) == 1:
            if star:
                prefixes.append(term_words[0])
            else:
                # The word itself too: Snowball sometimes cuts a base form shorter than its
                # inflections ("персонал" -> "персона", "персоналом" -> "персонал").
                exact.update((stem(term_words[0]), term_words[0]))
        else:
            phrases.append(tuple(stem(word) for word in term_words))
    return Rule(topic.pk, frozenset(exact), tuple(prefixes), tuple(phrases))


def compile_rules(topics=None):
    if topics is None:
        topics = Topic.objects.filter(active=True)
    return [compile_rule(topic) for topic in topics]


def rule_matches(rule, text_words, text_stems, stem_set):
    if rule.words & stem_set:
        return True
    for prefix in rule.prefixes:
        if any(word.startswith(prefix) for word in text_words):
            return True
    for phrase in rule.phrases:
        size = len(phrase)
        if phrase[0] in stem_set and any(
            tuple(text_stems[i:i + size]) == phrase for i in range(len(text_stems) - size + 1)
        ):
            return True
    return False


def match(text, rules):
    """The ids of the topics whose rules match ``text``."""
    text_words = words(text)
    if not text_words:
        return set()
    text_stems = [stem(word) for word in text_words]
    stem_set = set(text_stems)
    return {rule.topic_id for rule in rules if rule_matches(rule, text_words, text_stems, stem_set)}


def tag_responses(responses, rules=None, replace=False):
    """Link each response (saved, with a pk) to the topics its comment matches.

    ``replace``: first drop the responses' existing links (responses whose comment changed).
    Returns the number of links made."""
    through = Response.topics.through
    rules = compile_rules() if rules is None else rules
    if replace:
        ids = [response.pk for response in responses]
        for start in range(0, len(ids), 5000):
            through.objects.filter(response_id__in=ids[start:start + 5000]).delete()
    if not rules:
        return 0
    links = [
        {"response_id": response.pk, "topic_id": topic_id}
        for response in responses if response.comment
        for topic_id in match(response.comment, rules)
    ]
    insert_rows(through, links)  # the old links of these responses are gone (or never were)
    return len(links)


def newest_ids():
    """(the newest answer's id, the newest topic link's id): changes when answers are added or topics
    re-tagged, so a cache of topic statistics can key on it (two index lookups)."""
    from django.db.models import Max

    return (Response.objects.aggregate(newest=Max("pk"))["newest"],
            Response.topics.through.objects.aggregate(newest=Max("pk"))["newest"])


def topic_stats(stats_filter):
    """Per topic: mentions (answered responses whose comment has the topic), detractor mentions
    and the NPS of those responses; sorted by detractor mentions, most first."""
    links = Response.topics.through.objects.order_by().filter(response__score__isnull=False)
    rows = (  # one join of the links to their responses (an IN (subquery) made PostgreSQL scan every response)
        stats_filter.apply(links, prefix="response__")
        .values("topic_id")
        .annotate(**nps.category_counts("response__score"))
    )
    topics = {topic.pk: topic for topic in Topic.objects.all()}
    result = []
    for row in rows:
        topic = topics.get(row["topic_id"])
        if topic is None:
            continue
        score = score_result(row["promoters"], row["passives"], row["detractors"])
        result.append({
            "topic": topic.slug,
            "name": topic.tr.name,  # in the reader's language
            "description": topic.tr.description,
            "mentions": score["responses"],
            "detractor_mentions": score["detractors"],
            **score,
        })
    result.sort(key=lambda item: (-item["detractor_mentions"], -item["mentions"], item["name"]))
    return result
