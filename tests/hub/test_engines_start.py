"""The real engines the hub tests run on start from the Debian packages, as the fixtures promise."""

from __future__ import annotations

import psycopg
import pytest
import redis

from tests.fixtures.servers import or_fail, running_redis


def test_redis_and_postgresql_answer(redis_url, postgres_url):
    client = redis.Redis.from_url(redis_url)
    assert client.ping()
    client.close()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_missing_engine_fails_the_test_with_the_install_hint(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="install the Debian packages"), or_fail(running_redis()):
        pass
