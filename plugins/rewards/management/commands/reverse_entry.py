from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rewards import ledger
from rewards.models import LedgerEntry


class Command(BaseCommand):
    help = "Correct a ledger entry by writing a reversing entry (entries are never edited or deleted)."

    def add_arguments(self, parser):
        parser.add_argument("entry", type=int, help="The id of the entry to reverse")
        parser.add_argument("--approved-by", required=True, help="Username of who approved the correction")
        parser.add_argument("--reason", default="")

    def handle(self, entry, approved_by, reason, **options):
        original = LedgerEntry.objects.filter(pk=entry).first()
        if original is None:
            raise CommandError(f"No ledger entry {entry}.")
        approver = get_user_model().objects.filter(username=approved_by).first()
        if approver is None:
            raise CommandError(f"No user {approved_by!r}.")
        try:
            reversal = ledger.reverse(original, approver, reason)
        except (ValueError, ledger.InsufficientPoints) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Entry {original.pk} reversed by entry {reversal.pk} ({reversal.amount:+d}); "
                          f"balance {ledger.balance(original.user)}")
