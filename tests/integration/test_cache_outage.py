"""The Redis cache backend against a Redis that is not there: reads are misses,
writes are dropped, one warning is logged, and the app's sign-in and views
keep working; background jobs go to Celery only when Redis is configured."""

from __future__ import annotations

import logging
import socket

import pytest
from flask import Flask
from flask_caching import Cache

from callbacks.background import background_manager
from callbacks.cache import ResilientRedisCache, cache_config


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def dead_redis_cache():
    server = Flask(__name__)
    return Cache(server, config=cache_config(f"redis://127.0.0.1:{closed_port()}/0", 60))


def test_every_operation_answers_as_an_empty_cache(dead_redis_cache, caplog):
    cache = dead_redis_cache
    assert isinstance(cache.cache, ResilientRedisCache)
    with caplog.at_level(logging.WARNING, logger="territory_dashboard.cache"):
        assert cache.get("k") is None
        assert cache.set("k", 1) is False
        assert cache.add("k", 1) is False
        assert cache.has("k") is False
        assert cache.get_many("a", "b") == [None, None]
        assert cache.delete("k") is False
        assert cache.cache.inc("n") is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per outage, not once per call
    assert "Redis cache unavailable" in warnings[0].getMessage()
    with pytest.raises(Exception, match="onnect"):
        cache.cache.ping()  # the health check sees the real error


def test_the_app_serves_and_signs_in_with_redis_down(demo_settings, caplog):
    from app import create_app
    from layouts import ids
    from tests.dash_http import post_callback, sign_in

    settings = demo_settings.with_(cache_redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    app = create_app(settings)
    client = sign_in(app.server.test_client())
    status, body = post_callback(client, app, (ids.KPI_STRIP, "children"), {
        f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
        f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
        f"{ids.URL}.search": ""})
    assert status == 200 and ids.ERROR_BANNER not in (body.get("sideUpdate") or {})
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"
    assert "Redis cache unavailable" in caplog.text


def test_background_jobs_use_celery_on_redis_and_diskcache_without(demo_settings):
    from dash import CeleryManager, DiskcacheManager

    on_redis = background_manager(demo_settings.with_(cache_redis_url="redis://127.0.0.1:1/0"))
    assert isinstance(on_redis, CeleryManager)
    assert on_redis.handle.conf.broker_url == "redis://127.0.0.1:1/0"
    assert isinstance(background_manager(demo_settings), DiskcacheManager)
