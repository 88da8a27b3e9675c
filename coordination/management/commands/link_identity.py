import sys
from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coordination.models import User
from coordination.oidc import provider_for
from coordination.services import identity_link


class Command(BaseCommand):
    help = (
        "Lets an existing account sign in at an OpenID provider (e.g. a helper's Entra oid). "
        "The identifying claim is read from standard input, so it stays out of shell history "
        "and the process list; only its keyed hash is stored."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True, help="the account's username")
        parser.add_argument("--provider", required=True, help="a key of SAMMEN_OIDC_PROVIDERS")

    def handle(self, *args: object, **options: str) -> None:
        if provider_for(options["provider"]) is None:
            raise CommandError("No such provider in SAMMEN_OIDC_PROVIDERS.")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active account with that username.")
        subject = sys.stdin.readline().strip()
        if not subject:
            raise CommandError("Give the person's identifying claim on standard input.")
        try:
            identity_link(user=user, provider=options["provider"], subject=subject)
        except ValidationError as error:
            raise CommandError("That identity belongs to another account.") from error
        self.stdout.write(f"{user.username} can now sign in with {options['provider']}.")
