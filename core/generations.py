"""Generations: short random tokens in the shared cache, one per kind of data, that every write renews.

Whatever is cached from data of a kind is stored under a key that holds that kind's current token,
read before the data. A write renews the token at once and again when its transaction commits, so a
copy built from data read before the commit is stored under a token nobody asks for any more, and
the next reader builds a new one. Nothing is deleted: old copies expire.

Kinds (see core.signals for which model renews which): "campaign:<pk>" (one campaign and everything
on its page), "campaigns" (any campaign's data, for lists and counts), "people" (names and roles of
users), "account:<pk>" and "accounts" (what signing in reads: one user's row, roles and time zone;
anyone's, when a role itself changes), "places" (states, counties, agencies, laws, policy),
"resources" (the library), "questions" (question sets). "epoch" is in every key: renew_all() renews
it after a bulk load that bypasses the models' signals (importers, seeders, a restore).

Within a request (scope(), entered by core.middleware.generations_scope) the tokens are read once,
all shared kinds together, at the first ask: reading a token earlier than the data it guards is
always safe, and a page then pays one read of the cache for all its generations. A renewal in the
request updates what the request holds.
"""

import contextvars
import secrets
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction

PREFIX = "generation:"
EPOCH = "epoch"
# Every user's sign-in data (core.backends); one user's is "account:<pk>".
ACCOUNTS = "accounts"
# The kinds a request reads together at its first ask (per-campaign kinds are read when asked for).
SHARED = (ACCOUNTS, "people", "places", "campaigns", "resources", "questions")

# The tokens read in the current request, by key; None outside a request.
_held = contextvars.ContextVar("generations_held", default=None)


def _token():
    return secrets.token_hex(6)


@contextmanager
def scope():
    """Read each token at most once inside this block (one request); see the module's docstring."""
    reset = _held.set({})
    try:
        yield
    finally:
        _held.reset(reset)


def _read(keys):
    """{key: token} for these keys, in one read of the cache.

    A kind the cache holds no token for (first use, eviction, a flush) gets one; of two processes
    starting it at once, the first to add wins.
    """
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, _token(), None)
    if missing:
        found.update(cache.get_many(missing))
    # A cache that keeps nothing still gives a token, never shared: nothing cached is ever reused.
    return {key: found.get(key) or _token() for key in keys}


def current(*kinds):
    """The current token of each kind (and of the epoch first), in at most one read of the cache."""
    keys = [PREFIX + kind for kind in (EPOCH, *kinds)]
    held = _held.get()
    if held is None:
        found = _read(keys)
    else:
        wanted = [key for key in keys if key not in held]
        if wanted:
            if not held:
                wanted = list(dict.fromkeys([*wanted, *(PREFIX + kind for kind in SHARED)]))
            held.update(_read(wanted))
        found = held
    return tuple(found[key] for key in keys)


def renew_at_once(kinds):
    """New tokens for these kinds now, outside any transaction's bookkeeping (a test's clean slate)."""
    tokens = {PREFIX + kind: _token() for kind in kinds}
    cache.set_many(tokens, None)
    held = _held.get()
    if held is not None:
        held.update(tokens)


def renew(*kinds):
    """New tokens for these kinds: now (for reads in this transaction) and when the transaction commits."""
    kinds = tuple(dict.fromkeys(kinds))
    if not kinds:
        return
    renew_at_once(kinds)
    transaction.on_commit(lambda: renew_at_once(kinds))


def renew_all():
    """A new epoch: everything cached from data is built anew (after a bulk load that sends no signals)."""
    renew(EPOCH)
