"""The health report: the database decides up or down, the cache only
degrades, and a failure says which part without naming hosts."""

from __future__ import annotations

from dashboard.runtime import health
from dashboard.runtime.health import Check
from dashboard.storage import db


def test_status_follows_the_essential_checks():
    up = Check("database", True, "", 1.0, True)
    down = Check("database", False, "", 1.0, True)
    cache_up = Check("cache", True, "", 1.0, False)
    cache_down = Check("cache", False, "", 1.0, False)
    assert health.report([up, cache_up])[0]["status"] == "ok"
    assert health.report([up, cache_up])[1] == 200
    assert health.report([up, cache_down])[1] == 200
    assert health.report([up, cache_down])[0]["status"] == "degraded"
    assert health.report([down, cache_up])[1] == 503
    assert health.report([down, cache_down])[0]["status"] == "down"
    body = health.report([down, cache_up])[0]
    assert body["checks"]["database"] == {"ok": False, "detail": "", "ms": 1.0,
                                          "essential": True}


def test_database_check_reads_the_data_version(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    db.upgrade(engine)
    check = health.check_database(engine)
    assert check.ok and check.detail == "sqlite, data version 0"
    engine.dispose()


def test_an_unreachable_database_is_down_without_its_address(caplog):
    engine = db.make_engine("postgresql://nobody:secret@127.0.0.1:1/none")
    check = health.check_database(engine)
    assert not check.ok and check.essential
    assert check.detail == "unavailable (OperationalError)"
    assert "127.0.0.1" not in check.detail and "secret" not in check.detail
    assert "health check database failed" in caplog.text
    engine.dispose()


def test_no_cache_configured_is_fine_and_a_failing_ping_is_not():
    assert health.check_cache(None).ok

    def ping():
        raise ConnectionError("Error 111 connecting to 10.0.0.5:6379")

    check = health.check_cache(ping)
    assert not check.ok and not check.essential and "10.0.0.5" not in check.detail
