"""renew_caches: after rows were changed outside the app (a restore, SQL by hand), nothing cached is served."""

from django.core.management.base import BaseCommand

from core import generations


class Command(BaseCommand):
    help = (
        "Start a new epoch of every cached page, map and signed-in user: run it after changing rows "
        "outside the app (a database restore, SQL by hand), which sends no signals."
    )

    def handle(self, *args, **options):
        generations.renew_all()
        self.stdout.write(
            self.style.SUCCESS("Every cached page, map and signed-in user is read anew from the database.")
        )
