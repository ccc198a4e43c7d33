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


class Command(BaseCommand):
    help = (
        "Load the demo company, people, pages and customer responses, then each plugin's demo "
        "data. Safe to re-run: what exists is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--responses", type=int, default=20000, help="How many demo responses (default 20000).")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--without-history", dest="reach_history", action="store_false",
                            help="Skip the year of reach history (digest deliveries, visits, lessons): tests count their own.")

    def handle(self, responses, quiet_logins, reach_history=True, **options):
        with transaction.atomic():
            ensure_wagtail_roots()
            ensure_groups()  # after the roots: editors get page permissions on the tree's root
            load_company(self.stdout)
            load_pages(self.stdout)
        load_topics(self.stdout)  # before the responses, which get tagged as they are stored
        load_responses(responses, self.stdout)
        load_labels(self.stdout)  # after the responses, whose new values ingestion recorded
        from content.pulls import load_pull

        with transaction.atomic():
            load_pull(self.stdout)
        from content.digest import load_digest

        with transaction.atomic():
            home = load_digest(self.stdout)
            # The Russian tree: every demo page translated (plugins translate the pages they add).
            self.stdout.write(f"russian translations: {translate_tree(home, 'ru')} new")
        from content.channel_posts import load_channel_posts

        with transaction.atomic():
            load_channel_posts(self.stdout)
        if reach_history:
            from content.awareness import load_awareness

            with transaction.atomic():
                load_awareness(self.stdout)  # after the lessons and people: a year of reach history
        rollups.ensure_built()  # demo data loaded before the rollups existed gets them now
        for plugin in plugins.get_plugins():
            if plugin.demo:
                with transaction.atomic():
                    plugin.demo(self.stdout)
        if not quiet_logins:
            self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: %s):" % DEMO_PASSWORD))
            self.stdout.write("  admin        superuser (every role, Wagtail admin)")
            for username, first, last, role_names, *_ in ROLE_LOGINS:
                self.stdout.write(f"  {username:<12} {first} {last}: {', '.join(role_names)}")
