"""Print the current code of the demo authenticator (seed_demo gives it to the demo staff and admin)."""

from django.core.management.base import BaseCommand

from accounts import two_factor


class Command(BaseCommand):
    help = (
        "Print the code the demo authenticator shows now, for the demo staff and admin made by seed_demo. "
        "It knows only the published demo key: no real account has it."
    )

    def handle(self, *args, **options):
        self.stdout.write(two_factor.demo_code())
