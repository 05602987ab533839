"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, INSTALLED_APPS, REDIS_URL, env

SECRET_KEY = "test-only-secret-key"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests sign staff in with force_login, which has no second step; the tests of two-factor sign-in and the
# browser tests turn this on (tests/test_two_factor.py, tests/browser.py).
TWO_FACTOR_REQUIRED_FOR_STAFF = False
# A worker process started by a test may send through a test backend of its own (tests/worker_mail.py).
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Each test process its own keys: parallel workers (and runs) share one Redis and clear the map's key.
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per run, so parallel runs on one server never drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
