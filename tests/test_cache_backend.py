"""core.cache: the Redis cache backend keeps one client per connection pool, and works as Django's."""

import pytest
from django.core.cache import caches

from core.cache import SharedClientRedisCache


@pytest.fixture
def redis_cache(redis_url):
    cache = SharedClientRedisCache(redis_url, {"KEY_PREFIX": "test-cache-backend"})
    yield cache
    cache.clear()


def test_one_client_for_every_operation(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is client


def test_reads_and_writes_like_djangos_backend(redis_cache):
    redis_cache.set("a", {"n": 1}, 60)
    assert redis_cache.get("a") == {"n": 1}
    assert redis_cache.add("a", 2) is False
    assert redis_cache.get_many(["a", "missing"]) == {"a": {"n": 1}}
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"
    assert redis_cache.incr(redis_cache.add("n", 1) and "n") == 2


def test_the_sites_cache_is_this_backend_on_redis(settings, redis_url):
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.SharedClientRedisCache"
    assert isinstance(caches["default"], SharedClientRedisCache)
