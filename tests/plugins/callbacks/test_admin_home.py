"""The admin home's overdue callbacks: the viewer's scope (access.scoped), counts and departments only."""

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.html import strip_tags

from callbacks.models import Callback
from tests import factories as f

from .helpers import callback


def panel(client, person):
    client.force_login(person)
    html = client.get("/admin/").content.decode()
    match = re.search(r'<section[^>]*id="hub-overdue-callbacks-section".*?</section>', html, re.S)
    if match is None:
        return None
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", match.group(0), re.S)
    figures = {strip_tags(k).strip(): re.sub(r"\s+", " ", strip_tags(v)).strip() for k, v in pairs}
    return figures, re.sub(r"\s+", " ", strip_tags(match.group(0))), match.group(0)


def due(call, hours, status=Callback.Status.OPEN):
    Callback.objects.filter(pk=call.pk).update(due_at=timezone.now() + timedelta(hours=hours), status=status)


def test_overdue_callbacks_in_each_scope(client, org):
    due(callback(team="store-1"), -5)
    due(callback(team="store-1"), -1, Callback.Status.CLAIMED)
    due(callback(team="store-1"), 3)
    due(callback(team="store-1"), -9, Callback.Status.DONE)  # done: not overdue
    due(callback(team="webshop"), -2)
    due(callback(team="webshop"), 48)

    manager = f.user("team_manager", team=org.retail_team)
    figures, text, html = panel(client, manager)
    assert figures == {"Overdue": "2 Retail and its sub-departments", "Due within 24 hours": "1", "Open in the queue": "3"}
    assert 'href="/callbacks/library/"' in html and 'href="/callbacks/"' not in html  # not a caller: no queue

    caller = f.user("caller", team=org.ecommerce_team)
    figures, text, html = panel(client, caller)
    assert figures == {"Overdue": "1 E-commerce and its sub-departments", "Due within 24 hours": "0", "Open in the queue": "2"}
    assert 'href="/callbacks/"' in html

    cx_admin = f.user("cx_admin", team=org.retail_team)
    figures, text, html = panel(client, cx_admin)
    assert figures == {"Overdue": "3 company-wide", "Due within 24 hours": "1", "Open in the queue": "5"}
    assert "Retail 2" in text and "E-commerce 1" in text  # overdue by department
    # No customer data: no name, phone, comment or score on the panel.
    assert "Anna" not in html and "916" not in html and "kettle" not in html.lower()

    central = f.user("caller", team=org.cx_team)  # central CX sees every department
    assert panel(client, central)[0]["Overdue"] == "3 company-wide"

    nowhere = f.user("caller")
    assert panel(client, nowhere)[0] == {"Overdue": "0 no department in your profile", "Due within 24 hours": "0",
                                         "Open in the queue": "0"}
    assert panel(client, f.user("editor")) is None
