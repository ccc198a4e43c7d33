"""Microsoft Teams: an Adaptive Card (the week's NPS, a chart link, highlights) posted to a channel's
incoming webhook."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from npshub import formats


def build_card(title, nps, change, responses, highlights, chart_url, link_url, link_label=None):
    """The message body Teams expects: an attachment of an Adaptive Card 1.4, in the active language
    (labels and figures: ``43,8`` in Russian)."""
    facts = [{"title": "NPS", "value": formats.number(nps, 1)}, {"title": _("Change"), "value": formats.signed(change, 1)},
             {"title": _("Responses"), "value": formats.number(responses)}]
    body = [
        {"type": "TextBlock", "size": "Large", "weight": "Bolder", "text": title, "wrap": True},
        {"type": "FactSet", "facts": facts},
    ]
    for line in highlights:
        body.append({"type": "TextBlock", "text": f"• {line}", "wrap": True, "spacing": "Small"})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.4", "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": _("See the chart"), "url": chart_url},
            {"type": "Action.OpenUrl", "title": link_label or _("Open NPS Hub"), "url": link_url},
        ],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def alert_card(title, text, link_url, link_label=None):
    """An operational alert (a pull that keeps failing, ...): a title, the detail, one link."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.4",
        "body": [{"type": "TextBlock", "size": "Large", "weight": "Bolder", "text": title, "wrap": True,
                  "color": "Attention"},
                 {"type": "TextBlock", "text": text, "wrap": True}],
        "actions": [{"type": "Action.OpenUrl", "title": link_label or _("Open NPS Hub"), "url": link_url}],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def post_card(section, title, text, image_url=None, link_url=None, link_label=None):
    """An editor's channel post: the section as a small heading, the title, an optional image, the
    text's paragraphs (Adaptive Cards' markdown subset: **bold**, _italic_, [text](link), lists)
    and an optional button. The admin's preview renders this same JSON (npshub.digest.card_html)."""
    body = [{"type": "TextBlock", "text": section, "size": "Small", "weight": "Bolder", "color": "Accent",
             "spacing": "None", "wrap": True}]
    if title:
        body.append({"type": "TextBlock", "size": "Large", "weight": "Bolder", "text": title, "wrap": True})
    if image_url:
        body.append({"type": "Image", "url": image_url, "size": "Stretch", "altText": title})
    for paragraph in (p.strip() for p in text.replace("\r\n", "\n").split("\n\n")):
        if paragraph:
            body.append({"type": "TextBlock", "text": paragraph, "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    if link_url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": link_label or _("Read more"), "url": link_url}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def post(url, payload):
    """POST the card; returns the HTTP status, raises on a network error or a non-2xx answer."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "NPS-Hub"},
    )
    with urllib.request.urlopen(request, timeout=settings.TEAMS_TIMEOUT) as response:  # noqa: S310 (admin-set URL)
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "not accepted", response.headers, None)
        return response.status
