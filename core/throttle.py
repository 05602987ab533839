"""Counting attempts per key in a time window, in the database: password-reset requests, failed API tokens.

Failed sign-ins on the login form are counted by django-axes, also in the database; its address is this
module's `client_ip`, so both count the same address. A count is the attempts of the last `window` seconds.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ThrottleAttempt


def client_ip(request):
    """The address a request came from: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies in front of us
    were given (the X-Forwarded-For entry that many places from its end)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _hash(key):
    return hashlib.sha256(str(key).lower().encode()).hexdigest()


def throttle_count(scope, key, *, window):
    """How many attempts `key` made in `scope` in the last `window` seconds (one query)."""
    since = timezone.now() - timedelta(seconds=window)
    return ThrottleAttempt.objects.filter(scope=scope, key=_hash(key), at__gte=since).count()


def throttle_hit(scope, key, *, window):
    """Count one attempt of `key` in `scope`, forgetting the scope's attempts older than the window."""
    now = timezone.now()
    ThrottleAttempt.objects.filter(scope=scope, at__lt=now - timedelta(seconds=window)).delete()
    ThrottleAttempt.objects.create(scope=scope, key=_hash(key), at=now)
