"""The rewards pages: who sees what, and forms that work without JavaScript."""

import pytest
from django.test import Client

from rewards import ledger
from rewards.models import Kudos, Preference, Redemption
from tests import factories as f


@pytest.fixture
def browser_for(db):
    def client_for(user):
        client = Client()
        client.force_login(user)
        return client
    return client_for


def test_pages_need_sign_in(client):
    for path in ("/rewards/", "/me/", "/rewards/leaderboards/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_store_page_and_redeem_form(browser_for, employee, item):
    ledger.credit(employee, 150, "Bonus")
    client = browser_for(employee)
    page = client.get("/rewards/")
    assert page.status_code == 200 and b"Mug" in page.content
    confirm = client.get(f"/rewards/items/{item.pk}/redeem/").content.decode()  # the cost and what it leaves, first
    assert "Confirm the redemption" in confirm and "<dd data-after>50</dd>" in confirm and "Spend 100 points" in confirm
    assert ledger.balance(employee) == 150 and not Redemption.objects.exists()  # looking costs nothing
    assert client.get("/rewards/items/999999/redeem/").status_code == 404
    response = client.post(f"/rewards/items/{item.pk}/redeem/", follow=True)
    assert b"is yours" in response.content
    assert ledger.balance(employee) == 50
    response = client.post(f"/rewards/items/{item.pk}/redeem/", follow=True)
    assert b"Not enough points" in response.content
    assert Redemption.objects.count() == 1


def test_profile_shows_balance_to_self_only_and_takes_kudos(browser_for, employee, caller):
    ledger.credit(caller, 77, "Bonus")
    own = browser_for(caller).get("/me/", follow=True)
    assert own.status_code == 200 and b'data-balance>77<' in own.content
    other = browser_for(employee).get(f"/people/{caller.pk}/")
    assert other.status_code == 200 and b"data-balance" not in other.content
    response = browser_for(employee).post(f"/people/{caller.pk}/kudos/", {"message": "<img src=x onerror=alert(1)>Well done"}, follow=True)
    assert b"Kudos sent" in response.content
    assert b"onerror" not in response.content and b"Well done" in response.content
    assert Kudos.objects.get().message == "Well done"


def test_opt_out_toggle(browser_for, employee):
    client = browser_for(employee)
    client.post("/rewards/preferences/", {"hide": "1"})
    assert Preference.objects.get(user=employee).hide_from_leaderboards
    client.post("/rewards/preferences/", {"hide": "0"})
    assert not Preference.objects.get(user=employee).hide_from_leaderboards


def test_coaching_view_only_for_the_teams_managers(browser_for, team, employee):
    manager = f.user("team_manager", team=team)
    outsider_manager = f.user("team_manager")
    assert b"Engagement (for coaching)" in browser_for(manager).get(f"/teams/{team.slug}/").content
    assert b"Engagement (for coaching)" not in browser_for(employee).get(f"/teams/{team.slug}/").content
    assert b"Engagement (for coaching)" not in browser_for(outsider_manager).get(f"/teams/{team.slug}/").content


def test_approvals_page_is_for_managers(browser_for, employee):
    assert browser_for(employee).get("/rewards/approvals/").status_code == 403


def test_leaderboard_page_query_count_does_not_grow_with_people(browser_for, team, django_assert_max_num_queries):
    from rewards.models import Rule

    rule = Rule.objects.create(name="R", event_type="lesson_completed", amount=10)
    people = [f.user("employee", team=team) for n in range(15)]
    for person in people:
        ledger.award(rule, person, "e")
    client = browser_for(people[0])
    client.get("/rewards/leaderboards/")  # warm caches (site, theme)
    with django_assert_max_num_queries(25):
        assert client.get("/rewards/leaderboards/").status_code == 200


def test_admin_ledger_is_read_only_and_reversal_works(browser_for, cxadmin, employee):
    from npshub.people.roles import ensure_groups
    from rewards.models import LedgerEntry

    ensure_groups()  # the role permissions (rewards adds its own) as after migrate
    entry = ledger.credit(employee, 40, "Wrong bonus")
    client = browser_for(cxadmin)
    index = client.get("/admin/rewards/ledgerentry/")
    assert index.status_code == 200 and b"Wrong bonus" in index.content and b"Reverse" in index.content
    assert client.get(f"/admin/rewards/ledgerentry/edit/{entry.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/rewards/ledgerentry/delete/{entry.pk}/").status_code in (302, 403)
    assert client.get("/admin/rewards/ledgerentry/create/").status_code in (302, 403)
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
    response = client.post(f"/admin/rewards/ledger/{entry.pk}/reverse/", {"reason": "Mistake"})
    assert response.status_code == 302
    assert ledger.balance(employee) == 0 and LedgerEntry.objects.get(reverses=entry).approved_by == cxadmin
    assert browser_for(employee).post(f"/admin/rewards/ledger/{entry.pk}/reverse/").status_code in (302, 403)


def test_admin_exports_redemptions_as_csv(browser_for, cxadmin, employee, item):
    from npshub.people.roles import ensure_groups
    from rewards import services

    ensure_groups()
    ledger.credit(employee, 500, "Bonus")
    services.redeem(employee, item.pk)
    response = browser_for(cxadmin).get("/admin/rewards/redemption/?export=csv")
    assert response.status_code == 200 and "csv" in response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Mug" in body and employee.username.encode() in body
