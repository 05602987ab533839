"""Generations: short random tokens in the shared cache, one per kind of data, that every write renews.

Whatever is cached from data of a kind is stored under a key that holds that kind's current token,
read before the data. A write renews the token at once and again when its transaction commits, so a
copy built from data read before the commit is stored under a token nobody asks for any more, and
the next reader builds a new one. Nothing is deleted: old copies expire.

Kinds (see core.signals for which model renews which): "campaign:<pk>" (one campaign and everything
on its page), "campaigns" (any campaign's data, for lists and counts), "people" (names of users),
"places" (states, counties, agencies, laws, policy), "resources" (the library), "questions"
(question sets). "epoch" is in every key: renew_all() renews it after a bulk load that bypasses the
models' signals (importers, seeders, a restore).
"""

import secrets

from django.core.cache import cache
from django.db import transaction

PREFIX = "generation:"
EPOCH = "epoch"


def _token():
    return secrets.token_hex(6)


def current(*kinds):
    """The current token of each kind (and of the epoch first), in one read of the cache.

    A kind the cache holds no token for (first use, eviction, a flush) gets one; of two processes
    starting it at once, the first to add wins.
    """
    keys = [PREFIX + kind for kind in (EPOCH, *kinds)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, _token(), None)
    if missing:
        found.update(cache.get_many(missing))
    # A cache that keeps nothing still gives a token, never shared: nothing cached is ever reused.
    return tuple(found.get(key) or _token() for key in keys)


def renew_at_once(kinds):
    """New tokens for these kinds now, outside any transaction's bookkeeping (a test's clean slate)."""
    cache.set_many({PREFIX + kind: _token() for kind in kinds}, None)


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
