"""The admin home's panel of redemptions waiting for the viewer's decision (team managers, CX admins)."""

import re

import pytest
from django.utils.html import strip_tags

from rewards import ledger
from rewards.models import Redemption, RewardItem
from tests import factories as f

pytestmark = pytest.mark.django_db


def waiting_for(client, person):
    client.force_login(person)
    html = client.get("/admin/").content.decode()
    match = re.search(r'<section[^>]*id="hub-pending-redemptions-section".*?</section>', html, re.S)
    if match is None:
        return None
    text = re.sub(r"\s+", " ", strip_tags(match.group(0)))
    assert 'href="/rewards/approvals/"' in match.group(0)
    return int(re.search(r"Waiting for you (\d+)", text).group(1))


def request(person, item):
    ledger.credit(person, 500, "Bonus")
    response = f.api(person).post(f"/api/v1/rewards/items/{item.pk}/redeem/")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    return Redemption.objects.get(pk=response.json()["id"])


def test_each_approver_counts_only_what_they_may_decide(client):
    item = RewardItem.objects.create(name="Headphones", price=100, stock=10, needs_approval=True)
    shop, web = f.team(), f.team()
    manager, other_manager = f.user("team_manager", team=shop), f.user("team_manager", team=web)
    shop.manager, web.manager = manager, other_manager
    shop.save(), web.save()
    cx_admin = f.user("cx_admin")
    request(f.user("employee", team=shop), item)
    request(f.user("employee", team=shop), item)
    request(f.user("employee", team=web), item)
    request(manager, item)  # their own: someone else decides
    request(cx_admin, item)
    decided = request(f.user("employee", team=shop), item)
    decided.status = Redemption.APPROVED
    decided.save()

    assert waiting_for(client, manager) == 2
    assert waiting_for(client, other_manager) == 1
    assert waiting_for(client, cx_admin) == 4  # everyone's but their own
    assert waiting_for(client, f.user("editor")) is None  # editors do not approve: no panel
