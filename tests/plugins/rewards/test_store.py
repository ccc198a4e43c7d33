"""The store API: redemption, its 409 cases, approvals with refunds, permissions, and real
concurrent redemptions that never take a stock or a balance below zero."""

import threading

import pytest
from django.db import connections

from rewards import ledger
from rewards.models import LedgerEntry, Redemption, RewardItem
from tests import factories as f


def test_anonymous_gets_401_everywhere(item):
    client = f.api()
    assert client.get("/api/v1/rewards/me/").status_code == 401
    assert client.get("/api/v1/rewards/items/").status_code == 401
    assert client.post(f"/api/v1/rewards/items/{item.pk}/redeem/").status_code == 401


def test_me_shows_balance_and_badges(caller, callback_rule, first_callback_badge):
    from rewards.tasks import process_event

    process_event("callback_completed", "c1", caller.pk, "reached")
    data = f.api(caller).get("/api/v1/rewards/me/").json()
    assert data["balance"] == 10
    assert [(b["slug"], b["name"]) for b in data["badges"]] == [("first-callback", "First callback")]
    assert data["badges"][0]["awarded_at"]


def test_items_list_and_only_cx_admins_create(employee, cxadmin, item):
    rows = f.api(employee).get("/api/v1/rewards/items/").json()
    assert rows[0]["id"] == item.pk and {"name", "price", "stock", "per_person_limit"} <= set(rows[0])
    body = {"name": "Hoodie", "price": 400, "stock": 5, "per_person_limit": 1}
    assert f.api(employee).post("/api/v1/rewards/items/", body, format="json").status_code == 403
    created = f.api(cxadmin).post("/api/v1/rewards/items/", body, format="json")
    assert created.status_code == 201 and created.json()["name"] == "Hoodie"
    bad = f.api(cxadmin).post("/api/v1/rewards/items/", {"name": "X", "price": -1}, format="json")
    assert bad.status_code == 400 and "detail" in bad.json()


def test_redeem_reduces_balance_and_stock(employee, item):
    ledger.credit(employee, 250, "Bonus")
    response = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "approved" and data["balance"] == 150
    item.refresh_from_db()
    assert item.stock == 2
    redemption = Redemption.objects.get(pk=data["id"])
    assert redemption.debit.amount == -100 and redemption.debit.kind == LedgerEntry.REDEMPTION
    history = f.api(employee).get("/api/v1/rewards/redemptions/").json()
    assert history["results"][0]["item"] == "Mug"


def test_409_when_the_balance_is_too_low(employee, item):
    ledger.credit(employee, 99, "Bonus")
    response = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/")
    assert response.status_code == 409 and "Not enough points" in response.json()["detail"]
    item.refresh_from_db()
    assert item.stock == 3 and ledger.balance(employee) == 99


def test_409_when_out_of_stock(employee, item):
    RewardItem.objects.filter(pk=item.pk).update(stock=0)
    ledger.credit(employee, 500, "Bonus")
    response = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/")
    assert response.status_code == 409 and response.json()["detail"] == "Out of stock."
    assert ledger.balance(employee) == 500  # the debit rolled back with the refusal


def test_409_over_the_per_person_limit(employee, item):
    ledger.credit(employee, 1000, "Bonus")
    client = f.api(employee)
    assert [client.post(f"/api/v1/rewards/items/{item.pk}/redeem/").status_code for _ in range(3)] == [201, 201, 409]
    assert ledger.balance(employee) == 800


def test_409_outside_the_availability_dates(employee, item):
    import datetime

    from django.utils import timezone

    RewardItem.objects.filter(pk=item.pk).update(available_from=timezone.now() + datetime.timedelta(days=1))
    ledger.credit(employee, 500, "Bonus")
    assert f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/").status_code == 409


def test_404_for_an_unknown_item(employee):
    assert f.api(employee).post("/api/v1/rewards/items/999999/redeem/").status_code == 404


def test_approval_and_rejection_with_refund(team, employee, item):
    manager = f.user("team_manager", team=team)
    team.manager = manager
    team.save()
    other_manager = f.user("team_manager")
    RewardItem.objects.filter(pk=item.pk).update(needs_approval=True)
    ledger.credit(employee, 300, "Bonus")
    first = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/").json()
    second = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/").json()
    assert first["status"] == second["status"] == "pending" and second["balance"] == 100

    assert f.api(employee).post(f"/api/v1/rewards/redemptions/{first['id']}/approve/").status_code == 403
    assert f.api(other_manager).post(f"/api/v1/rewards/redemptions/{first['id']}/reject/").status_code == 403
    pending = f.api(manager).get("/api/v1/rewards/redemptions/?pending=1").json()["results"]
    assert {row["id"] for row in pending} == {first["id"], second["id"]}

    assert f.api(manager).post(f"/api/v1/rewards/redemptions/{first['id']}/approve/").json()["status"] == "approved"
    rejected = f.api(manager).post(f"/api/v1/rewards/redemptions/{second['id']}/reject/")
    assert rejected.json()["status"] == "rejected"
    assert f.api(manager).post(f"/api/v1/rewards/redemptions/{second['id']}/approve/").status_code == 409
    assert ledger.balance(employee) == 200 == ledger.ledger_sum(employee)
    refund = Redemption.objects.get(pk=second["id"]).refund
    assert refund.amount == 100 and refund.kind == LedgerEntry.REFUND and refund.approved_by == manager
    item.refresh_from_db()
    assert item.stock == 2


def test_the_buyer_cancels_a_pending_redemption_and_gets_points_and_stock_back(team, employee, item):
    manager = f.user("team_manager", team=team)
    colleague = f.user("employee", team=team)
    RewardItem.objects.filter(pk=item.pk).update(needs_approval=True)
    ledger.credit(employee, 300, "Bonus")
    first = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/").json()
    second = f.api(employee).post(f"/api/v1/rewards/items/{item.pk}/redeem/").json()
    stock = RewardItem.objects.get(pk=item.pk).stock
    # Nobody else may cancel it: a colleague and the manager who decides it get a 404, as for a stranger's.
    assert f.api(colleague).post(f"/api/v1/rewards/redemptions/{first['id']}/cancel/").status_code == 404
    assert f.api(manager).post(f"/api/v1/rewards/redemptions/{first['id']}/cancel/").status_code == 404
    assert f.api(employee).post("/api/v1/rewards/redemptions/99999999999999999999/cancel/").status_code == 404

    cancelled = f.api(employee).post(f"/api/v1/rewards/redemptions/{first['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert ledger.balance(employee) == 200 == ledger.ledger_sum(employee)
    refund = Redemption.objects.get(pk=first["id"]).refund
    assert (refund.amount, refund.kind, refund.reverses_id, refund.approved_by) == (
        100, LedgerEntry.REFUND, Redemption.objects.get(pk=first["id"]).debit_id, None)
    assert RewardItem.objects.get(pk=item.pk).stock == stock + 1
    # Once ended or decided, no second refund.
    assert f.api(employee).post(f"/api/v1/rewards/redemptions/{first['id']}/cancel/").status_code == 409
    manager.managed_teams.add(team)
    assert f.api(manager).post(f"/api/v1/rewards/redemptions/{second['id']}/approve/").json()["status"] == "approved"
    assert f.api(employee).post(f"/api/v1/rewards/redemptions/{second['id']}/cancel/").status_code == 409
    assert ledger.balance(employee) == 200


def test_cancel_from_the_store_page(client, employee, item):
    RewardItem.objects.filter(pk=item.pk).update(needs_approval=True)
    ledger.credit(employee, 100, "Bonus")
    client.force_login(employee)
    client.post(f"/rewards/items/{item.pk}/redeem/")
    redemption = Redemption.objects.get(user=employee)
    page = client.get("/rewards/").content.decode()
    assert f'action="/rewards/redemptions/{redemption.pk}/cancel/"' in page
    assert client.get(f"/rewards/redemptions/{redemption.pk}/cancel/").status_code == 405  # GET changes nothing
    answer = client.post(f"/rewards/redemptions/{redemption.pk}/cancel/", follow=True)
    assert "is cancelled; its 100 points are back." in answer.content.decode()
    assert ledger.balance(employee) == 100
    assert f'action="/rewards/redemptions/{redemption.pk}/cancel/"' not in answer.content.decode()
    client.force_login(f.user("employee"))
    assert client.post(f"/rewards/redemptions/{redemption.pk}/cancel/").status_code == 404


def test_redeem_costs_a_bounded_number_of_queries(employee, item, django_assert_max_num_queries):
    ledger.credit(employee, 500, "Bonus")
    client = f.api(employee)
    with django_assert_max_num_queries(25):  # 23 today, savepoints included; independent of history
        assert client.post(f"/api/v1/rewards/items/{item.pk}/redeem/").status_code == 201


def _concurrently(count, work):
    """Run ``work(i)`` in ``count`` threads started together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_oversell_or_overdraw():
    """Real concurrent transactions: on PostgreSQL they race for the row locks; on SQLite the
    IMMEDIATE transactions serialise them. Either way stock and balances never go below zero."""
    from rest_framework.test import APIClient

    buyers = [f.user("employee") for n in range(6)]
    for buyer in buyers:
        ledger.credit(buyer, 250, "Bonus")  # enough for two at 100 each, not three
    stocked = RewardItem.objects.create(name="Hoodie", price=100, stock=7)

    def buy(i):
        client = APIClient()
        client.force_authenticate(buyers[i % len(buyers)])
        return client.post(f"/api/v1/rewards/items/{stocked.pk}/redeem/").status_code

    statuses = _concurrently(18, buy)  # 3 attempts per buyer, 18 attempts for 7 in stock
    assert set(statuses) <= {201, 409}
    stocked.refresh_from_db()
    created = statuses.count(201)
    assert created == 7 and stocked.stock == 0
    assert Redemption.objects.count() == 7
    for buyer in buyers:
        assert 0 <= ledger.balance(buyer) == ledger.ledger_sum(buyer)
        assert Redemption.objects.filter(user=buyer).count() <= 2


@pytest.mark.django_db(transaction=True)
def test_one_person_racing_themselves_cannot_overdraw():
    buyer = f.user("employee")
    ledger.credit(buyer, 300, "Bonus")
    stocked = RewardItem.objects.create(name="Voucher", price=100, stock=50)
    from rewards import services

    def buy(i):
        try:
            services.redeem(buyer, stocked.pk)
            return "ok"
        except services.StoreConflict:
            return "refused"

    outcomes = _concurrently(8, buy)
    assert outcomes.count("ok") == 3
    assert ledger.balance(buyer) == 0 == ledger.ledger_sum(buyer)
    stocked.refresh_from_db()
    assert stocked.stock == 47


def test_a_free_item_is_refused_at_creation_and_a_409_at_redemption_never_a_500(employee, cxadmin):
    """Found by the API fuzzer: a price of 0 made the redemption's ledger entry fail (500)."""
    from django.core.exceptions import ValidationError

    answer = f.api(cxadmin).post("/api/v1/rewards/items/", {"name": "Free", "price": 0, "stock": 3}, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"price": ["Ensure this value is greater than or equal to 1."]}
    with pytest.raises(ValidationError) as refused:
        RewardItem(name="Free", price=0, stock=3).full_clean()
    assert refused.value.message_dict == {"price": ["A reward costs at least one point."]}
    legacy = RewardItem.objects.create(name="Free", price=0, stock=3)  # made before the minimum
    answer = f.api(employee).post(f"/api/v1/rewards/items/{legacy.pk}/redeem/")
    assert (answer.status_code, answer.json()) == (409, {"detail": "This reward is not available now."})
    assert Redemption.objects.count() == 0
