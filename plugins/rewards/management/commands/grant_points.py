from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rewards import ledger


class Command(BaseCommand):
    help = "Credit points to an employee (a negative AMOUNT debits), as a ledger entry with a reason."

    def add_arguments(self, parser):
        parser.add_argument("user", help="Username")
        parser.add_argument("amount", type=int)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--approved-by", help="Username of who approved it (recorded on the entry).")
        parser.add_argument("--dry-run", action="store_true", help="Check, but write nothing.")

    def handle(self, user, amount, reason, approved_by=None, dry_run=False, **options):
        users = get_user_model().objects
        employee = users.filter(username=user).first()
        if employee is None:
            raise CommandError(f"No user {user!r}.")
        approver = None
        if approved_by:
            approver = users.filter(username=approved_by).first()
            if approver is None:
                raise CommandError(f"No user {approved_by!r} (--approved-by).")
        if approver is not None and approver.pk == employee.pk:
            raise CommandError("Nobody approves a change of their own points (--approved-by).")
        if amount == 0:
            raise CommandError("AMOUNT must not be 0.")
        if not reason.strip():
            raise CommandError("--reason must not be empty.")
        current = ledger.balance(employee)
        if current + amount < 0:
            raise CommandError(f"{user} has {current} points; a debit of {-amount} would go below zero.")
        if dry_run:
            self.stdout.write(f"{user}: would be {amount:+d} ({reason}); balance {current + amount}")
            return
        try:
            ledger.credit(employee, amount, reason.strip(), approved_by=approver)
        except (ValueError, ledger.InsufficientPoints) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user}: {amount:+d} ({reason}); balance {ledger.balance(employee)}")
