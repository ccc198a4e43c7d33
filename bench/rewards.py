"""Rewards benchmark: event processing, leaderboards and redemptions on a ledger of realistic size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/npshub_rewards_bench .venv/bin/python bench/rewards.py --users 2000 --entries 200000
    NPSHUB_VAR_DIR=/tmp/rewards-bench .venv/bin/python bench/rewards.py            # SQLite

Use a database of its own (it is migrated and filled with bench users and entries). Prints a
Markdown table for bench/README.md. Measured in-process (no HTTP):
- ``process_event``: one event through rules, caps, wallet and badge checks (the Celery task body);
- individual and team leaderboards for a month and for all time, over the whole ledger;
- ``redeem``: one store redemption (conditional updates, ledger entry);
- ``check_balances``: the hourly drift check over every wallet.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=200000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from npshub.people.models import Department, Profile, Team
    from rewards import ledger, services
    from rewards.models import Badge, LedgerEntry, RewardItem, Rule, Wallet
    from rewards.tasks import check_balances, process_event

    User = get_user_model()
    rng = random.Random(6)
    if User.objects.filter(username__startswith="bench").count() < args.users:
        department, _ = Department.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        teams = [Team.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}", "department": department})[0] for n in range(40)]
        User.objects.bulk_create([User(username=f"bench{n}") for n in range(args.users)], ignore_conflicts=True)
        users = list(User.objects.filter(username__startswith="bench"))
        Profile.objects.bulk_create([Profile(user=u, team=rng.choice(teams), department=department) for u in users], ignore_conflicts=True)
    users = list(User.objects.filter(username__startswith="bench"))
    rule, _ = Rule.objects.get_or_create(name="Bench callback", defaults={"event_type": "callback_completed", "amount": 10, "daily_cap": 1000})
    Badge.objects.get_or_create(slug="bench-ten", defaults={"name": "Bench ten", "event_type": "callback_completed", "threshold": 10})
    have = LedgerEntry.objects.filter(event_id__startswith="bench:").count()
    if have < args.entries:
        now = timezone.now()
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            # One INSERT ... SELECT on the server; the monthly-points trigger is paused for the fill and the
            # totals computed afterwards by the migration's own rebuild query (one GROUP BY).
            import importlib

            rebuild = importlib.import_module("rewards.migrations.0004_monthly_points").rebuild_sql("postgresql")
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE rewards_ledgerentry DISABLE TRIGGER rewards_monthly_points")
                cursor.execute(
                    "INSERT INTO rewards_ledgerentry (user_id, amount, kind, reason, event_type, event_id, rule_id, "
                    "created_at) SELECT (%s::bigint[])[1 + floor(random() * %s)::int], 10, 'award', 'bench', "
                    "'callback_completed', 'bench:' || n, %s, %s - random() * interval '400000 minutes' "
                    "FROM generate_series(%s, %s) AS n",
                    [[user.pk for user in users], len(users), rule.pk, now, have, args.entries - 1])
                cursor.execute("ALTER TABLE rewards_ledgerentry ENABLE TRIGGER rewards_monthly_points")
                cursor.execute("DELETE FROM rewards_monthlypoints")
                cursor.execute(rebuild)
        else:
            batch = []
            for n in range(have, args.entries):
                batch.append(LedgerEntry(user=rng.choice(users), amount=10, kind="award", reason="bench",
                                         event_type="callback_completed", event_id=f"bench:{n}", rule=rule,
                                         created_at=now - datetime.timedelta(minutes=rng.randint(0, 400000))))
                if len(batch) == 5000:
                    LedgerEntry.objects.bulk_create(batch)
                    batch = []
            LedgerEntry.objects.bulk_create(batch)
        print(f"filled {args.entries - have:,} entries in {time.perf_counter() - started:.1f} s")
        for user in users:  # wallets = sums (the bench writes entries in bulk, bypassing post())
            Wallet.objects.update_or_create(user=user, defaults={"balance": ledger.ledger_sum(user)})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    item, _ = RewardItem.objects.get_or_create(name="Bench item", defaults={"price": 1, "stock": 10**9})

    from django.core.cache import cache
    from django.db.models import Sum

    def uncached(board, *args):
        def run():
            cache.clear()  # every call computes its totals (boards are otherwise cached for a minute)
            return board(*args)
        return run

    def anchor_all_time():  # the same totals by a plain GROUP BY over every earned entry, as before the rollup
        return list(LedgerEntry.objects.filter(kind__in=LedgerEntry.EARNED_KINDS).values("user")
                    .annotate(points=Sum("amount")).filter(points__gt=0).order_by("-points", "user")[:20])

    counter = iter(range(10**9))
    rows = [
        ("process_event (rules, caps, wallet, badges)", timed(lambda: process_event("callback_completed", f"run:{time.time_ns()}", rng.choice(users).pk, "reached"), 200)),
        ("individual leaderboard, this month, uncached", timed(uncached(services.individual_board, "month"), 20)),
        ("individual leaderboard, all time, uncached (monthly points)", timed(uncached(services.individual_board, "all"), 20)),
        ("team leaderboard, all time, uncached (monthly points)", timed(uncached(services.team_board, "all"), 20)),
        ("anchor: all-time totals by GROUP BY over the entries", timed(anchor_all_time, 5)),
        ("redeem (one store redemption)", timed(lambda: services.redeem(users[next(counter) % len(users)], item.pk), 200)),
        ("check_balances (every wallet)", timed(check_balances, 5)),
    ]
    print(f"\n{connection.vendor}, {len(users)} users, {LedgerEntry.objects.count()} ledger entries\n")
    print("| operation | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for name, (p50, p95) in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
