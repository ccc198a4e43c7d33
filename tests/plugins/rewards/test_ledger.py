"""The append-only ledger, the maintained wallet balance and the scheduled drift check."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from rewards import ledger
from rewards.models import BalanceDrift, LedgerEntry, Wallet
from rewards.tasks import check_balances


def test_credit_and_debit_move_the_wallet_with_the_entries(employee, cxadmin):
    ledger.credit(employee, 50, "Launch bonus", approved_by=cxadmin)
    ledger.credit(employee, -20, "Correction")
    assert ledger.balance(employee) == 30 == ledger.ledger_sum(employee)
    entry = LedgerEntry.objects.filter(user=employee).last()
    assert (entry.amount, entry.reason, entry.approved_by) == (50, "Launch bonus", cxadmin)


def test_a_debit_never_takes_the_balance_below_zero(employee):
    ledger.credit(employee, 10, "Bonus")
    with pytest.raises(ledger.InsufficientPoints):
        ledger.credit(employee, -11, "Too much")
    assert ledger.balance(employee) == 10
    assert LedgerEntry.objects.filter(user=employee).count() == 1


def test_entries_cannot_be_edited_or_deleted_by_the_orm(employee):
    entry = ledger.credit(employee, 10, "Bonus")
    entry.amount = 1000
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1000)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 10


def test_the_database_refuses_an_update_of_an_entry(employee):
    entry = ledger.credit(employee, 10, "Bonus")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE rewards_ledgerentry SET amount = 1000 WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 10


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the DELETE trigger is PostgreSQL only (see migration 0002)")
def test_the_database_refuses_a_delete_of_an_entry_on_postgresql(employee):
    entry = ledger.credit(employee, 10, "Bonus")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM rewards_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_zero_entries_are_refused(employee):
    with pytest.raises(ValueError):
        ledger.credit(employee, 0, "Nothing")
    Wallet.objects.get_or_create(user=employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(user=employee, amount=0, reason="raw")


def test_corrections_are_reversing_entries(employee, cxadmin):
    entry = ledger.credit(employee, 40, "Wrong bonus")
    reversal = ledger.reverse(entry, cxadmin, "Given by mistake")
    assert reversal.amount == -40 and reversal.reverses == entry and reversal.approved_by == cxadmin
    assert ledger.balance(employee) == 0
    assert LedgerEntry.objects.filter(user=employee).count() == 2  # both stay
    with pytest.raises(ValueError, match="already reversed"):
        ledger.reverse(entry, cxadmin)


def test_reverse_entry_command(employee, cxadmin):
    entry = ledger.credit(employee, 40, "Wrong bonus")
    out = io.StringIO()
    call_command("reverse_entry", entry.pk, approved_by=cxadmin.username, reason="Mistake", stdout=out)
    assert "balance 0" in out.getvalue()
    with pytest.raises(CommandError, match="already reversed"):
        call_command("reverse_entry", entry.pk, approved_by=cxadmin.username, stdout=out)


def test_grant_points_command_credits_debits_and_refuses_overdraft(employee, cxadmin):
    out = io.StringIO()
    call_command("grant_points", employee.username, "100", reason="Store opening", approved_by=cxadmin.username, stdout=out)
    call_command("grant_points", employee.username, "-30", reason="Correction", stdout=out)
    assert "balance 70" in out.getvalue()
    assert ledger.balance(employee) == 70
    entry = LedgerEntry.objects.filter(user=employee, amount=100).get()
    assert entry.kind == LedgerEntry.GRANT and entry.approved_by == cxadmin
    with pytest.raises(CommandError, match="below zero"):
        call_command("grant_points", employee.username, "-71", reason="Too much", stdout=out)
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_points", "nobody", "5", reason="x", stdout=out)
    call_command("grant_points", employee.username, "5", reason="x", dry_run=True, stdout=out)
    assert ledger.balance(employee) == 70


def test_balance_check_detects_drift(employee, caller):
    ledger.credit(employee, 25, "Bonus")
    ledger.credit(caller, 10, "Bonus")
    assert check_balances() == {"checked": 2, "drifts": 0}
    # Something outside the ledger changes a wallet: the check must notice.
    Wallet.objects.filter(user=employee).update(balance=99)
    result = check_balances()
    assert result["drifts"] == 1
    drift = BalanceDrift.objects.get()
    assert (drift.user, drift.wallet_balance, drift.ledger_sum, drift.difference) == (employee, 99, 25, 74)


def test_balance_check_command(employee, capsys):
    ledger.credit(employee, 5, "Bonus")
    out = io.StringIO()
    call_command("check_balances", stdout=out)
    assert "0 drift" in out.getvalue()
