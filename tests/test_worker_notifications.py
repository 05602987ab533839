"""Real Celery worker processes against the real Redis and PostgreSQL (no eager mode).

- A worker reads an uploaded document's text, which the request only stored.

- A worker is killed with SIGKILL in the middle of a batch; another worker and the next scheduled
  runs send every email, each exactly once.
- The schedule fires twice at once and two workers run both ticks; every digest still goes out once.

The workers share the test database (its real connection settings are passed in DATABASE_URL), use a
Redis database of their own as broker (flushed first), and send through tests.worker_mail, which
takes a moment per message and writes each one to a directory the test reads.
"""

import email
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from accounts.models import Profile
from campaigns import tasks
from campaigns.models import EmailDelivery
from core import roles
from resources import services as resource_services
from resources import tasks as resource_tasks
from resources.demo import simple_pdf
from resources.models import Kind
from tests import factories as f
from tests.conftest import missing_service

pytestmark = [pytest.mark.worker, pytest.mark.services]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
# Each test has a Redis database of its own as broker, so the two never meet even when run in parallel.
BROKER_DBS = {
    "test_worker_killed_mid_batch_loses_no_email_and_sends_none_twice": 6,
    "test_schedule_firing_twice_at_once_on_two_workers_sends_each_digest_once": 7,
    "test_a_287g_alert_is_sent_by_a_real_worker_once_as_html_in_english_and_spanish": 8,
    "test_a_worker_reads_an_uploaded_documents_text_out_of_the_request": 9,
}
MAIL_DELAY = 0.25
STALE_SECONDS = 3
# Zones with whole-hour offsets; the test picks one where it is the local daytime now.
ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Chicago",
    "America/New_York",
    "UTC",
    "Europe/Madrid",
    "Asia/Dubai",
    "Asia/Dhaka",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
]


def daytime_zone():
    """A zone where it is between 09:00 and 22:59 now: reminders are due and no midnight comes soon."""
    now = timezone.now()
    for name in ZONES:
        if 9 <= now.astimezone(ZoneInfo(name)).hour <= 22:
            return name
    raise AssertionError("every zone is at night")  # impossible: the offsets span more than 14 hours


def database_url():
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


@pytest.fixture
def broker_url(redis_url, request):
    import redis

    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DBS[request.node.name]}", "", ""))
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def workers(transactional_db, broker_url, tmp_path):
    """Start and stop real `celery worker` processes sharing the test database."""
    if connection.vendor != "postgresql":
        missing_service("real-worker tests need PostgreSQL (set DATABASE_URL)")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "TEST_EMAIL_BACKEND": "tests.worker_mail.SlowDirectoryBackend",
        "WORKER_MAIL_DIR": str(mail_dir),
        "WORKER_MAIL_DELAY": str(MAIL_DELAY),
        "NOTIFICATIONS_CLAIM_STALE_SECONDS": str(STALE_SECONDS),
        "NOTIFICATIONS_BATCH_SIZE": "5",
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    started = []

    class Workers:
        mail = mail_dir

        def start(self, name):
            log = tmp_path / f"{name}.log"
            process = subprocess.Popen(
                [CELERY, "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2", f"--hostname={name}@%h"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=BASE_DIR,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
            )
            process.log = log
            started.append(process)
            return process

        def wait_ready(self, *processes, timeout=30):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if all(" ready." in p.log.read_text(errors="replace") for p in processes):
                    return
                for p in processes:
                    assert p.poll() is None, p.log.read_text(errors="replace")
                time.sleep(0.1)
            raise AssertionError("worker not ready:\n" + "\n".join(p.log.read_text() for p in processes))

        def send(self, task, *args):
            """Queue a task on the workers' broker, as beat (or a committed upload) does."""
            with tasks.send_reminders.app.connection_for_write(broker_url) as conn:
                task.apply_async(args, connection=conn)

        def logs(self):
            return "\n".join(p.log.read_text(errors="replace") for p in started)

    yield Workers()
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def sent_messages(directory):
    messages = []
    for path in sorted(directory.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        messages.append((message["Message-ID"], message["To"]))
    return messages


def wait_for(condition, timeout, interval=0.1, tick=None, tick_every=None):
    deadline = time.monotonic() + timeout
    last_tick = time.monotonic()
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick and time.monotonic() - last_tick >= tick_every:
            tick()
            last_tick = time.monotonic()
        time.sleep(interval)
    return condition()


def delivery_pk(message_id):
    # <campaign-desk.reminder.42@127.0.0.1>
    return int(message_id.strip("<>").split("@")[0].rsplit(".", 1)[1])


def stop_outside_the_send_window(process, mail_dir):
    """Freeze the worker where every message it wrote is also recorded as sent.

    Between the mail server accepting a message and the row being marked sent there is a moment
    (one UPDATE) where a crash would send that email again; no database can close it. The test kills
    the worker anywhere else — in the middle of a send, between sends, with messages claimed.
    """
    for _ in range(50):
        os.killpg(process.pid, signal.SIGSTOP)
        time.sleep(0.05)  # an UPDATE the worker had sent completes in the server meanwhile
        written = {delivery_pk(mid) for mid, _to in sent_messages(mail_dir)}
        recorded = set(EmailDelivery.objects.filter(pk__in=written, status="sent").values_list("pk", flat=True))
        if written == recorded:
            return
        os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("could not stop the worker between two sends")


def test_worker_killed_mid_batch_loses_no_email_and_sends_none_twice(workers):
    zone = daytime_zone()
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    owners = []
    for _ in range(30):
        owner = f.UserFactory(role=roles.ORGANIZER)
        Profile.objects.create(user=owner, time_zone=zone)
        f.DeadlineFactory(owner=owner, due_date=today + timedelta(days=1))  # the 1-day reminder is due
        owners.append(owner)

    first = workers.start("first")
    workers.wait_ready(first)
    workers.send(tasks.send_reminders)
    assert wait_for(lambda: len(sent_messages(workers.mail)) >= 8, timeout=20), workers.logs()
    stop_outside_the_send_window(first, workers.mail)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    sent_before = len(sent_messages(workers.mail))
    assert 8 <= sent_before < 30, "the kill must come in the middle of the batch"
    assert EmailDelivery.objects.count() == 30
    # Emails the dead worker had claimed and not sent: only a stale claim lets them go out.
    orphaned = set(
        EmailDelivery.objects.filter(status="pending", claimed_at__isnull=False).values_list("pk", flat=True)
    )

    second = workers.start("second")
    workers.wait_ready(second)
    # The next scheduled runs pick up what the dead worker left: unclaimed rows at once, its claims
    # once they are stale. Beat would tick hourly; here every two seconds.
    workers.send(tasks.send_reminders)
    done = wait_for(
        lambda: not EmailDelivery.objects.filter(status="pending").exists(),
        timeout=30,
        tick=lambda: workers.send(tasks.send_reminders),
        tick_every=2,
    )
    assert done, workers.logs()
    time.sleep(2 * MAIL_DELAY)  # a duplicate, if any, would be written by now

    messages = sent_messages(workers.mail)
    ids = [mid for mid, _to in messages]
    assert len(ids) == len(set(ids)) == 30, "every email exactly once"
    assert sorted(to for _mid, to in messages) == sorted(o.email for o in owners)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(EmailDelivery.objects.filter(attempts=2).values_list("pk", flat=True)) == orphaned


def test_schedule_firing_twice_at_once_on_two_workers_sends_each_digest_once(workers):
    zone = daytime_zone()
    users = []
    for n in range(20):
        user = f.UserFactory(role=[roles.ORGANIZER, roles.STAFF][n % 2])
        # Daily at midnight local time: due all day today, once.
        Profile.objects.create(
            user=user, time_zone=zone, digest_frequency="daily", digest_hour=0, digest_when_empty=True
        )
        users.append(user)

    one, two = workers.start("one"), workers.start("two")
    workers.wait_ready(one, two)
    workers.send(tasks.send_digests)
    workers.send(tasks.send_digests)  # the duplicated tick
    assert wait_for(lambda: len(sent_messages(workers.mail)) >= 20, timeout=45), workers.logs()
    assert wait_for(lambda: not EmailDelivery.objects.filter(status="pending").exists(), timeout=10)
    time.sleep(4 * MAIL_DELAY)

    messages = sent_messages(workers.mail)
    assert sorted(to for _mid, to in messages) == sorted(u.email for u in users)
    assert EmailDelivery.objects.filter(kind="digest", status="sent").count() == 20
    # Both ticks ran to the end (with prefetch 1, usually one on each worker): still once per user.
    logs = workers.logs()
    dispatches = [line for line in logs.splitlines() if "send_digests[" in line and "succeeded" in line]
    assert len(dispatches) == 2, logs


def test_a_287g_alert_is_sent_by_a_real_worker_once_as_html_in_english_and_spanish(
    workers, broker_url, counties_of, tmp_path, monkeypatch
):
    from campaigns import services
    from campaigns.models import Goal
    from jurisdictions.models import Jurisdiction
    from tests.importer_fixtures import PARTICIPATING_XLSX, run, sheet_rows, write_sheet

    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    alabama = [row for row in rows if row[0][0] == "ALABAMA"]
    run("import_287g", write_sheet(tmp_path / "participatingAgencies07182025pm.xlsx", header, alabama))
    lead, organizer = f.UserFactory(role=roles.STAFF), f.UserFactory(role=roles.ORGANIZER)
    Profile.objects.create(user=lead, language="en")
    Profile.objects.create(user=organizer, language="es")
    services.campaign_create(
        user=lead,
        name="End 287(g) in Cherokee County",
        jurisdiction=Jurisdiction.objects.get(name="Cherokee County", state__postal="AL"),
        goal=Goal.END_287G,
        lead=lead,
        organizers=[organizer],
    )

    def queue(batch):  # as the app queues on its own broker, here on the workers'
        with tasks.send_deliveries.app.connection_for_write(broker_url) as conn:
            tasks.send_deliveries.apply_async((batch,), connection=conn)

    monkeypatch.setattr("campaigns.signals._queue", queue)
    worker = workers.start("alerts")
    workers.wait_ready(worker)
    later = [row for row in alabama if row[1][0] != "Cherokee County Sheriff's Office"]
    run("import_287g", write_sheet(tmp_path / "participatingAgencies07252025pm.xlsx", header, later), "--force")

    assert wait_for(lambda: len(sent_messages(workers.mail)) >= 2, timeout=45), workers.logs()
    assert wait_for(lambda: not EmailDelivery.objects.filter(status="pending").exists(), timeout=10)
    time.sleep(4 * MAIL_DELAY)
    html = {}
    for path in sorted(workers.mail.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/html"]
        html[message["To"]] = part.get_payload(decode=True).decode()
    assert sorted(html) == sorted([lead.email, organizer.email])
    assert "Agreement ended" in html[lead.email] and "Cherokee County Sheriff&#x27;s Office" in html[lead.email]
    assert '<html lang="en">' in html[lead.email]
    assert "Acuerdo terminado" in html[organizer.email] and '<html lang="es">' in html[organizer.email]
    assert "La lista de ICE del 25 de julio de 2025" in html[organizer.email]
    assert EmailDelivery.objects.filter(kind="ice287g", status="sent").count() == 2


def test_a_worker_reads_an_uploaded_documents_text_out_of_the_request(workers):
    staff = f.UserFactory(role=roles.STAFF)
    upload = ContentFile(simple_pdf(["Annotated detainer form", "Look for the probable cause box"]), name="w.pdf")
    resource = resource_services.resource_create(
        user=staff, title="Detainer form", kind=Kind.FACT_SHEET, published_on=date(2026, 1, 5), upload=upload
    )
    try:
        assert resource.text_pending and resource.extracted_text == ""
        worker = workers.start("reader")
        workers.wait_ready(worker)
        workers.send(resource_tasks.read_document_text, resource.pk, resource.file.name)

        def read():
            resource.refresh_from_db()
            return not resource.text_pending

        assert wait_for(read, timeout=30), workers.logs()
        assert "probable cause" in resource.extracted_text
    finally:
        resource.file.delete(save=False)
