import time

from django.core.management.base import BaseCommand
from django.db import transaction

from content.company import DEMO_PASSWORD, ROLE_LOGINS, load_company
from content.pages import ensure_wagtail_roots, load_pages
from content.responses import load_responses
from content.reference_labels import load_labels
from content.russian import translate_tree
from content.topics import load_topics
from npshub import plugins
from npshub.feedback import rollups
from npshub.people.roles import ensure_groups


def clock():
    return time.monotonic()


class Silent:
    """stdout for --verbosity 0: the stages' own lines go nowhere."""

    def write(self, *args, **kwargs):
        pass


class Command(BaseCommand):
    help = (
        "Load the demo company, people, pages and customer responses, then each plugin's demo "
        "data. Safe to re-run: what exists is left alone. Each stage prints what it added and a "
        "'[n/N] stage: seconds' line when done; the responses report every batch. --verbosity 0: quiet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--responses", type=int, default=20000, help="How many demo responses (default 20000).")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--without-history", dest="reach_history", action="store_false",
                            help="Skip the year of reach history (digest deliveries, visits, lessons): tests count their own.")

    def handle(self, responses, quiet_logins, reach_history=True, **options):
        out = self.stdout if options.get("verbosity", 1) else Silent()
        stages = [
            ("company and pages", lambda: self.company_and_pages(out)),
            ("topics", lambda: load_topics(out)),  # before the responses, which get tagged as they are stored
            ("responses", lambda: load_responses(responses, out)),
            ("reference labels", lambda: load_labels(out)),  # after the responses, whose new values ingestion recorded
            ("pull", lambda: self.atomic(self.pull, out)),
            ("digest and translations", lambda: self.atomic(self.digest, out)),
            ("Teams channel posts", lambda: self.atomic(self.channel_posts, out)),
        ]
        if reach_history:
            stages.append(("reach history", lambda: self.atomic(self.reach_history, out)))
        # Demo data loaded before the rollups existed gets them now.
        stages.append(("rollups", rollups.ensure_built))
        stages += [(f"plugin {plugin.label}", lambda demo=plugin.demo: self.atomic(demo, out))
                   for plugin in plugins.get_plugins() if plugin.demo]
        started = clock()
        for number, (name, run) in enumerate(stages, 1):
            began = clock()
            run()
            out.write(f"[{number}/{len(stages)}] {name}: {clock() - began:.1f} s")
        out.write(self.style.SUCCESS(f"Demo loaded in {clock() - started:.1f} s"))
        if not quiet_logins:
            out.write(self.style.SUCCESS("\nDemo logins (password for all: %s):" % DEMO_PASSWORD))
            out.write("  admin        superuser (every role, Wagtail admin)")
            for username, first, last, role_names, *_ in ROLE_LOGINS:
                out.write(f"  {username:<12} {first} {last}: {', '.join(role_names)}")

    @staticmethod
    def atomic(load, out):
        with transaction.atomic():
            return load(out)

    @staticmethod
    def company_and_pages(out):
        with transaction.atomic():
            ensure_wagtail_roots()
            ensure_groups()  # after the roots: editors get page permissions on the tree's root
            load_company(out)
            load_pages(out)

    @staticmethod
    def pull(out):
        from content.pulls import load_pull

        load_pull(out)

    @staticmethod
    def digest(out):
        from content.digest import load_digest

        home = load_digest(out)
        # The Russian tree: every demo page translated (plugins translate the pages they add).
        out.write(f"russian translations: {translate_tree(home, 'ru')} new")

    @staticmethod
    def channel_posts(out):
        from content.channel_posts import load_channel_posts

        load_channel_posts(out)

    @staticmethod
    def reach_history(out):
        from content.awareness import load_awareness

        load_awareness(out)  # after the lessons and people: a year of reach history
