"""python manage.py rebuild_rollups: recompute every daily and monthly rollup from the raw responses."""

import time

from django.core.management.base import BaseCommand

from npshub.feedback import rollups


class Command(BaseCommand):
    help = (
        "Recompute the statistics rollups from the raw responses (one INSERT ... SELECT ... GROUP BY "
        "per rollup table, in one transaction). Safe to re-run; readers see the old rollups until it commits."
    )

    def handle(self, **options):
        started = time.monotonic()
        width = 30

        def progress(done, total, label):
            filled = round(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            self.stdout.write(f"[{bar}] {done}/{total} {label} ({time.monotonic() - started:.1f} s)")

        written = rollups.rebuild(progress=progress)
        rows = ", ".join(f"{table}: {count:,} rows" for table, count in written.items())
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt {len(written)} rollups in {time.monotonic() - started:.1f} s ({rows})."
        ))
