"""Test-only email backend for real-worker tests: sending is slow and every message lands in a directory.

The worker process picks it with TEST_EMAIL_BACKEND=tests.worker_mail.SlowDirectoryBackend, and
WORKER_MAIL_DIR / WORKER_MAIL_DELAY (seconds per message). The delay comes before the message is
written, like an SMTP server taking its time before it accepts; the write is atomic (rename).
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowDirectoryBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["WORKER_MAIL_DIR"])
        delay = float(os.environ.get("WORKER_MAIL_DELAY", "0.2"))
        for message in email_messages:
            time.sleep(delay)
            name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}.eml"
            partial = directory / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(directory / name)
        return len(email_messages)
