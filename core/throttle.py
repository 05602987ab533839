"""Counting attempts per key in a time window, in the shared cache: password-reset requests, failed API tokens.

Failed sign-ins on the login form are counted by django-axes, in the database; its address is this
module's `client_ip`, so both count the same address.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Tests give each test a prefix of its own, so counts never carry from one test to the next.
KEY_PREFIX = "throttle"


def client_ip(request):
    """The address a request came from: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies in front of us
    were given (the X-Forwarded-For entry that many places from its end)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope, key):
    return f"{KEY_PREFIX}:{scope}:{hashlib.sha256(str(key).lower().encode()).hexdigest()[:32]}"


def throttle_count(scope, key):
    """How many attempts `key` made in `scope`'s current window (0 when the cache does not answer)."""
    try:
        return cache.get(_key(scope, key), 0)
    except Exception:  # a cache that is down lets attempts through rather than lock everyone out
        logger.warning("The cache did not answer; %s is not throttled", scope, exc_info=True)
        return 0


def throttle_hit(scope, key, *, window):
    """Count one attempt of `key` in `scope`; the window starts with the first attempt. Returns the count."""
    cache_key = _key(scope, key)
    try:
        cache.add(cache_key, 0, timeout=window)
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return 1
    except Exception:
        logger.warning("The cache did not answer; %s is not throttled", scope, exc_info=True)
        return 0
