"""Start the test OpenID Connect provider:  python serve.py PORT DATA_DIR

DATA_DIR/directory.json: {"client": {"id", "secret", "redirect_uri"}, "users": {username:
{"password", "email", "given_name", "family_name", "groups", ...claims}}}. Creates the database,
the signing key, the users and the client, writes DATA_DIR/ready, then serves until stopped."""

import json
import os
import sys
from pathlib import Path


def main():
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    os.environ["OP_DATA_DIR"] = str(data_dir)
    key_path = data_dir / "signing-key.pem"
    if not key_path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    os.environ["DJANGO_SETTINGS_MODULE"] = "op_settings"
    sys.path.insert(0, str(Path(__file__).parent))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    directory = json.loads((data_dir / "directory.json").read_text())
    for username, person in directory["users"].items():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.set_password(person["password"])
        user.save()
    client = directory["client"]
    Application.objects.filter(client_id=client["id"]).delete()
    Application.objects.create(
        name="NPS Hub", client_id=client["id"], client_secret=client["secret"], redirect_uris=client["redirect_uri"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    from socketserver import ThreadingMixIn

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            sys.stderr.write("op: " + format % args + "\n")

    httpd = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=QuietHandler)
    (data_dir / "ready").write_text("ok")
    httpd.serve_forever()


if __name__ == "__main__":
    main()
