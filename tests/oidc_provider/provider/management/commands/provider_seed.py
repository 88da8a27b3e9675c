"""Migrates, then makes the test people and Sammen's clients on this provider (idempotent: run at
every start; one process for both saves a start of Django and a new RSA key)."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

PASSWORD = "test-passord"
PEOPLE = {
    # pid -> name: a youth Sammen links in its tests, one who reaches only idporten-loa-low,
    # one Sammen does not know, one at idporten-loa-high.
    "idporten": {
        "24079400001": "Ida Test",
        "24079400002": "Lav Niva",
        "24079400003": "Ukjent Person",
        "24079400004": "Hoy Niva",
    },
    "kommune": {"kari.bup": "Kari BUP", "ola.ukjent": "Ola Ukjent"},
}
# Sammen, and another service of the same provider (an ID token for it is not for Sammen).
CLIENTS = ["sammen", "annen-tjeneste"]


class Command(BaseCommand):
    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        user_model = get_user_model()
        for username, name in PEOPLE[settings.FLAVOR].items():
            user, _ = user_model.objects.get_or_create(username=username)
            user.first_name, _, user.last_name = name.partition(" ")
            user.set_password(PASSWORD)
            user.save()
        secret = os.environ.get("OIDC_CLIENT_SECRET", "sammen-test-secret")
        # Loopback addresses match on any port (RFC 8252); Django's test client is "testserver".
        hosts = ("127.0.0.1", "localhost", "testserver")
        callbacks = [f"http://{host}/accounts/oidc/{settings.FLAVOR}/callback/" for host in hosts]
        after_logout = [f"http://{host}/accounts/login/" for host in hosts]
        for client_id in CLIENTS:
            Application.objects.filter(client_id=client_id).delete()
            Application.objects.create(
                client_id=client_id,
                client_secret=secret,
                name=client_id,
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                redirect_uris=" ".join(callbacks),
                post_logout_redirect_uris=" ".join(after_logout),
                algorithm=Application.RS256_ALGORITHM,
                skip_authorization=True,
            )
