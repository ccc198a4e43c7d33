from django.core.management.base import BaseCommand, CommandError

from npshub.people.models import ProvisioningToken


class Command(BaseCommand):
    help = (
        "Create a bearer token for a directory's SCIM client (Entra ID, Okta, ...) and print it once: "
        "only its hash is stored. --revoke NAME switches off every token of that name; --list shows them."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="What the token is for, e.g. 'entra-id'.")
        parser.add_argument("--revoke", action="store_true", help="Switch off the tokens named NAME.")
        parser.add_argument("--list", action="store_true", help="List tokens (name, start, active, last used).")

    def handle(self, name, revoke, list, **options):
        if list:
            for token in ProvisioningToken.objects.all():
                used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
                self.stdout.write(f"{token.name}\t{token.prefix}…\t{'active' if token.active else 'revoked'}\t{used}")
            return
        if not name:
            raise CommandError("Name the token, e.g. `create_scim_token entra-id`.")
        if revoke:
            count = ProvisioningToken.objects.filter(name=name, active=True).update(active=False)
            if not count:
                raise CommandError(f"No active token named {name!r}.")
            self.stdout.write(f"revoked: {count}")
            return
        _, key = ProvisioningToken.issue(name)
        self.stdout.write(key)
        self.stderr.write("Give this token to the directory's SCIM client (Authorization: Bearer <token>); "
                          "it is not shown again.")
