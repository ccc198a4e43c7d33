"""Bearer-token authentication of the directory's SCIM client."""

import json

from django.http import HttpResponse
from django_scim import constants
from django_scim.middleware import SCIMAuthCheckMiddleware
from django_scim.settings import scim_settings

from npshub.people.models import ProvisioningToken


def _token_of(request):
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


class BearerTokenCheck(SCIMAuthCheckMiddleware):
    """Every /scim/v2/ request needs ``Authorization: Bearer <token>`` of an active token:
    otherwise 401 with a SCIM error body, and nothing is read or written."""

    def process_request(self, request):
        if self.should_log_request(request):
            self.log_request(request)
        token = ProvisioningToken.verify(_token_of(request))
        if token is None:
            response = HttpResponse(
                json.dumps({"schemas": [constants.SchemaURI.ERROR], "status": "401",
                            "detail": "A valid bearer token is required (Authorization: Bearer <token>)."}),
                content_type=constants.SCIM_CONTENT_TYPE, status=401)
            response["WWW-Authenticate"] = scim_settings.WWW_AUTHENTICATE_HEADER
            return response
        request.scim_token = token
        return None
