"""`manage.py demo_totp [username ...]`: the authenticator code a demo account needs now."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.totp import NEEDS_CODE, code


class Command(BaseCommand):
    help = "Print the current two-factor code of demo accounts (only with ALONGSIDE_ALLOW_DEMO_DATA=1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="*", default=NEEDS_CODE)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("Demo data is off: set ALONGSIDE_ALLOW_DEMO_DATA=1 (never in production).")
        for username in options["usernames"]:
            self.stdout.write(f"{username:<18} {code(username)}")
