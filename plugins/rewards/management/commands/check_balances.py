from django.core.management.base import BaseCommand

from rewards.tasks import check_balances


class Command(BaseCommand):
    help = "Check every wallet against the sum of its ledger entries now (the beat task does it hourly)."

    def handle(self, **options):
        result = check_balances()
        self.stdout.write(f"checked {result['checked']} wallets, {result['drifts']} drift(s)")
        if result["drifts"]:
            self.stderr.write("Drift recorded: see Rewards records → Balance checks in the admin.")
