"""Four eyes: nobody decides on their own redemption request, CX admins included, whether on the
approvals page, through the API or in the Wagtail admin; nor reverses or approves their own points."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from npshub.people.roles import ensure_groups
from rewards import ledger
from rewards.models import LedgerEntry, Redemption, RewardItem
from tests import factories as f


@pytest.fixture
def approval_item(db):
    return RewardItem.objects.create(name="Headphones", price=100, stock=5, needs_approval=True)


@pytest.fixture
def own_request(cxadmin, approval_item):
    """A CX admin's own pending redemption."""
    ledger.credit(cxadmin, 300, "Bonus")
    response = f.api(cxadmin).post(f"/api/v1/rewards/items/{approval_item.pk}/redeem/")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    return Redemption.objects.get(pk=response.json()["id"])


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def assert_still_pending(redemption, balance):
    redemption.refresh_from_db()
    assert redemption.status == Redemption.PENDING and redemption.decided_by is None
    assert ledger.balance(redemption.user) == balance


def test_a_cx_admin_cannot_decide_their_own_request_through_the_api(cxadmin, own_request):
    client = f.api(cxadmin)
    for action in ("approve", "reject"):
        response = client.post(f"/api/v1/rewards/redemptions/{own_request.pk}/{action}/")
        assert response.status_code == 403
        assert response.json() == {"detail": "Nobody decides on their own request: another manager or CX admin has to."}
    assert client.get("/api/v1/rewards/redemptions/?pending=1").json()["results"] == []
    assert_still_pending(own_request, 200)


def test_another_cx_admin_decides_it(cxadmin, own_request):
    colleague = f.user("cx_admin")
    assert [row["id"] for row in f.api(colleague).get("/api/v1/rewards/redemptions/?pending=1").json()["results"]] == [own_request.pk]
    response = f.api(colleague).post(f"/api/v1/rewards/redemptions/{own_request.pk}/reject/")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert ledger.balance(cxadmin) == 300  # refunded


def test_a_team_manager_cannot_decide_their_own_request_either(team, approval_item):
    manager = f.user("team_manager", team=team)
    team.manager = manager
    team.save()
    ledger.credit(manager, 100, "Bonus")
    redemption_id = f.api(manager).post(f"/api/v1/rewards/items/{approval_item.pk}/redeem/").json()["id"]
    assert f.api(manager).post(f"/api/v1/rewards/redemptions/{redemption_id}/approve/").status_code == 403
    assert Redemption.objects.get(pk=redemption_id).status == Redemption.PENDING


def test_the_approvals_page_neither_lists_nor_decides_ones_own_request(cxadmin, own_request, employee, approval_item):
    ledger.credit(employee, 100, "Bonus")
    theirs = f.api(employee).post(f"/api/v1/rewards/items/{approval_item.pk}/redeem/").json()["id"]
    client = browser(cxadmin)
    page = client.get("/rewards/approvals/")
    html = page.content.decode()
    assert f'action="/rewards/approvals/{theirs}/"' in html
    assert f'action="/rewards/approvals/{own_request.pk}/"' not in html
    assert "data-own-pending" in html and "nobody decides on their own request" in html
    assert client.post(f"/rewards/approvals/{own_request.pk}/", {"decision": "approve"}).status_code == 403
    assert_still_pending(own_request, 200)
    assert client.post(f"/rewards/approvals/{theirs}/", {"decision": "approve"}).status_code == 302
    assert Redemption.objects.get(pk=theirs).status == Redemption.APPROVED


def test_the_admin_offers_decisions_to_others_and_refuses_ones_own(cxadmin, own_request, employee, approval_item):
    ensure_groups()
    ledger.credit(employee, 100, "Bonus")
    theirs = f.api(employee).post(f"/api/v1/rewards/items/{approval_item.pk}/redeem/").json()["id"]
    client = browser(cxadmin)
    listing = client.get("/admin/rewards/redemption/").content.decode()
    assert f"/admin/rewards/redemptions/{theirs}/decide/" in listing
    assert f"/admin/rewards/redemptions/{own_request.pk}/decide/" not in listing
    for refused in (client.get(f"/admin/rewards/redemptions/{own_request.pk}/decide/"),
                    client.post(f"/admin/rewards/redemptions/{own_request.pk}/decide/", {"decision": "approve"})):
        assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's "permission denied"
    assert_still_pending(own_request, 200)
    assert client.get(f"/admin/rewards/redemptions/{theirs}/decide/").status_code == 200
    assert client.post(f"/admin/rewards/redemptions/{theirs}/decide/", {"decision": "reject"}).status_code == 302
    assert Redemption.objects.get(pk=theirs).status == Redemption.REJECTED and ledger.balance(employee) == 100


def test_nobody_reverses_or_approves_their_own_points(cxadmin, own_request):
    ensure_groups()
    debit = own_request.debit
    client = browser(cxadmin)
    assert f"/admin/rewards/ledger/{debit.pk}/reverse/" not in client.get("/admin/rewards/ledgerentry/").content.decode()
    refused = client.post(f"/admin/rewards/ledger/{debit.pk}/reverse/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    with pytest.raises(CommandError, match="their own"):
        call_command("reverse_entry", debit.pk, approved_by=cxadmin.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="their own"):
        call_command("grant_points", cxadmin.username, "1000", reason="Me", approved_by=cxadmin.username, stdout=io.StringIO())
    assert not LedgerEntry.objects.filter(reverses=debit).exists() and ledger.balance(cxadmin) == 200
