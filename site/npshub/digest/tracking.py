"""Signed tokens for the open pixel, click redirects and the unsubscribe link (no login needed).

A token is ``<id>-<hmac>``: the HMAC (SECRET_KEY, salted per purpose) covers the id, so a changed
id or signature is rejected. Click links also carry the link's index in the mailing's own list of
links, so a redirect can only ever go to a URL that was in the email.
"""

import hmac

from django.utils.crypto import salted_hmac

from npshub import params

SALTS = {"log": "npshub.digest.track", "user": "npshub.digest.unsubscribe"}


def sign(kind, pk):
    return f"{pk}-{salted_hmac(SALTS[kind], str(pk)).hexdigest()[:24]}"


def verify(kind, token):
    """The id in a valid token, else None."""
    pk, _sep, signature = str(token).partition("-")
    if params.as_id(pk) is None or not signature:
        return None
    expected = salted_hmac(SALTS[kind], pk).hexdigest()[:24]
    return int(pk) if hmac.compare_digest(expected, signature) else None
