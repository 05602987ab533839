"""What send_reminders and send_digests share: the same planning and sending as the hourly tasks."""

from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns import notifications, tasks


class NotifyCommand(BaseCommand):
    what = ""  # "reminders" or "digests"

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the emails to the Celery workers instead of sending them from this process.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say which emails are due now; record and send nothing."
        )

    def handle(self, *args, queue=False, dry_run=False, verbosity=1, **options):

        if dry_run:
            self.dry_run()
            return
        ids = notifications.dispatch(self.what, queue=tasks.send_deliveries.delay if queue else None)
        if queue:
            self.stdout.write(f"Queued {len(ids)} emails in {len(notifications.batches(ids))} batches.")
            return
        report = notifications.Report()
        for batch in notifications.batches(ids):
            result = notifications.deliver(batch)
            for delivery_id, delay in result.retry.items():
                # The row keeps its retry time: the next run sends it if the broker is not there.
                try:
                    tasks.send_delivery.apply_async((delivery_id,), countdown=delay)
                except Exception as exc:  # no broker: the next hourly run retries it
                    self.stderr.write(f"Could not queue a retry of email {delivery_id}: {exc}")
            report.add(result)
            if verbosity > 1:
                self.stdout.write(f"  batch of {len(batch)}: {len(result.sent)} sent")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.sent)} sent, {len(report.skipped)} not needed any more, "
                f"{len(report.retry)} to retry, {len(report.failed)} failed, {len(report.taken)} sent by another run."
            )
        )

    def dry_run(self):
        with transaction.atomic():
            due = notifications.plan_reminders() if self.what == "reminders" else notifications.plan_digests()
            kinds = notifications.REMINDER_KINDS if self.what == "reminders" else (notifications.Kind.DIGEST,)
            pending = notifications.pending_ids(kinds)
            transaction.set_rollback(True)
        self.stdout.write(f"{due} {self.what} due now; {len(pending)} emails would be sent.")
