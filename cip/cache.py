"""The shared cache's Redis backend, with one Redis client per connection pool.

Django's own backend builds a new `redis.Redis` for every cache call, and redis-py fills a table
of response handlers in each one: on a public page served from the cache that was a sixth of the
web process's time. A client is safe to share between threads (each command borrows a
connection from the pool), so one is made per pool and kept.
"""

from __future__ import annotations

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
