import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class DirectoryValidator(OAuth2Validator):
    """Claims of the signed-in user, as the company directory (directory.json) has them now."""

    oidc_claim_scope = None  # every claim, whatever the scopes (as Entra ID sends groups)

    def get_additional_claims(self, request):
        people = json.loads((settings.DATA_DIR / "directory.json").read_text())["users"]
        person = dict(people.get(request.user.username, {}))
        person.pop("password", None)
        return {"preferred_username": request.user.username, **person}
