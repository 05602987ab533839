"""Developer settings: `make run` on SQLite with a broker that needs no server."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-key-not-for-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# `manage.py seed_bench` builds the benchmark data set (see the README's Benchmarks).
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
