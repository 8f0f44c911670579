"""Faults on the production stack, each the way it happens for real: a database
that is not there at start, a database lost while users work, Redis going
down, an import killed with SIGKILL half-way through its write, and two
managers saving the same scenario through two different workers."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import make_url, text

from dashboard.access import users
from dashboard.storage import db, store
from dashboard.views import whatif as view
from dashboard.whatif import changeset
from layouts import ids
from tests.prod import prod_stack

pytestmark = [pytest.mark.prod]

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
OVERVIEW = (ids.KPI_STRIP, "children")
OVERVIEW_VALUES = {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
                   f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
                   f"{ids.URL}.search": ""}


def banner(body) -> dict | None:
    return ((body or {}).get("sideUpdate") or {}).get(ids.ERROR_BANNER)


# -- the database is not there at start ----------------------------------------


@pytest.mark.parametrize("command", [
    ["-c", "import app; raise SystemExit(app.main())", "serve", "--prod", "--port", "1"],
    ["-m", "gunicorn", "--preload", "--bind", "127.0.0.1:0", "wsgi:server"],
], ids=["serve --prod", "gunicorn wsgi:server"])
def test_unreachable_database_at_start_is_one_line_and_an_exit_code(command, tmp_path):
    env = {**os.environ, "DATABASE_URL": UNREACHABLE, "SECRET_KEY": "x", "TD_DEMO": "0",
           "TD_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, *command], cwd=prod_stack.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr + done.stdout
    ours = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert ours == [ours[0]] and ours[0].startswith("error: cannot reach the database (")
    assert "Connection refused" in ours[0]


# -- the database goes away while users work ------------------------------------


@pytest.mark.postgres
def test_lost_database_shows_the_banner_and_recovers_by_itself(prod_db, redis_url, tmp_path):
    url = make_url(prod_db)
    proxy = prod_stack.Proxy(url.host, url.port)
    through_proxy = url.set(port=proxy.port).render_as_string(False)
    try:
        with prod_stack.Gunicorn(through_proxy, redis_url, tmp_path) as server:
            browser = prod_stack.Browser(server.base)
            status, body, _ = browser.post(OVERVIEW, OVERVIEW_VALUES)
            assert status == 200 and banner(body) is None
            healthy = body["response"]

            proxy.cut()
            for _ in range(3):  # every worker, every pooled connection: the same answer
                status, body, raw = browser.post(OVERVIEW, OVERVIEW_VALUES)
                assert status == 200, raw[:300]
                assert banner(body)["is_open"] is True
                assert "Traceback" not in raw and "psycopg" not in raw
                assert body["response"] == {} or body["response"] == healthy
            probe = requests.get(server.base + "/healthz", timeout=30)
            assert probe.status_code == 503 and probe.json()["status"] == "down"
            page = requests.get(server.base + "/login", timeout=30)
            assert page.status_code in (200, 503) and "Traceback" not in page.text

            proxy.restore()
            status, body, _ = browser.post(OVERVIEW, OVERVIEW_VALUES)
            assert status == 200 and banner(body) is None
            assert body["response"] == healthy
            assert requests.get(server.base + "/healthz", timeout=30).status_code == 200
            browser.close()
            assert "Traceback" not in server.log()
            assert "database unavailable" in server.log() or "callback failed" in server.log()
    finally:
        proxy.close()


# -- Redis goes down ------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of this test's own, so stopping it disturbs nobody else."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (.ci/run installs it)")
    port = prod_stack.free_port()
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", str(tmp_path)]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
            import redis

            for _ in range(100):
                try:
                    if redis.Redis(port=port).ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError("private redis did not start")

        def stop(self):
            if self.process and self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(timeout=10)

    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.mark.postgres
def test_redis_down_keeps_serving_without_the_cache(prod_db, private_redis, tmp_path):
    with prod_stack.Gunicorn(prod_db, private_redis.url, tmp_path) as server:
        browser = prod_stack.Browser(server.base)
        status, body, _ = browser.post(OVERVIEW, OVERVIEW_VALUES)
        assert status == 200 and banner(body) is None
        cached = body["response"]

        private_redis.stop()
        status, body, raw = browser.post(OVERVIEW, OVERVIEW_VALUES)
        assert status == 200, raw[:300]
        assert banner(body) is None and body["response"] == cached
        probe = requests.get(server.base + "/healthz", timeout=30)
        assert probe.status_code == 200
        assert probe.json()["status"] == "degraded"
        assert prod_stack.health(server.base)["checks"]["cache"]["ok"] is False
        # signing in counts failures in the cache: it works without it
        other = prod_stack.Browser(server.base, "manager-west")
        status, body, _ = other.post(OVERVIEW, OVERVIEW_VALUES)
        assert status == 200 and banner(body) is None
        assert "Redis cache unavailable" in server.log()

        private_redis.start()
        status, body, _ = browser.post(OVERVIEW, OVERVIEW_VALUES)
        assert status == 200 and body["response"] == cached
        assert requests.get(server.base + "/healthz", timeout=30).json()["status"] == "ok"
        browser.close()
        other.close()


# -- an import killed half-way --------------------------------------------------------


def fingerprint(engine) -> dict:
    """Row counts and a digest of every table the import writes, plus the stamp."""
    tables = {"territories": "territory_id", "reps": "rep_id", "alignment": "county_fips",
              "accounts": "account_id", "opportunities": "opportunity_id",
              "quotas": "territory_id, period"}
    out = {"stamp": store.data_stamp(engine)}
    with engine.connect() as conn:
        for table, key in tables.items():
            out[table] = conn.execute(text(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY {key})) FROM {table} t"
            )).one()
        out["audit"] = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
    return out


@pytest.mark.postgres
def test_an_import_killed_mid_write_leaves_the_database_as_it_was(prod_db, tmp_path):
    from dashboard.ingest.export import export_dataset

    engine = db.make_engine(prod_db)
    dataset = store.read_dataset(engine)
    folder = tmp_path / "files"
    folder.mkdir()
    export_dataset(dataset, folder)
    # a change to every territory, so a half-written import would show
    names = folder / "territories.csv"
    with names.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with names.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "territory_name": r["territory_name"] + " (renamed)"}
                         for r in rows)
    before = fingerprint(engine)
    database = make_url(prod_db).database

    env = {**os.environ, "DATABASE_URL": prod_db, "TD_INSTANCE_PATH": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-c", "import app; raise SystemExit(app.main())", "import",
         str(folder)], cwd=prod_stack.ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    writing = False
    deadline = time.monotonic() + 240
    with engine.connect() as conn:
        while time.monotonic() < deadline and child.poll() is None:
            # a transaction of the import's connection that has written something
            writing = bool(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> "
                "pg_backend_pid() AND backend_xid IS NOT NULL"), {"d": database}).scalar())
            conn.rollback()
            if writing:
                child.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    child.wait(timeout=30)
    child.stdout.close()
    child.stderr.close()
    assert writing and child.returncode == -signal.SIGKILL, "the import finished before the kill"

    with engine.connect() as conn:  # PostgreSQL notices the dead client and rolls back
        for _ in range(200):
            left = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND "
                "pid <> pg_backend_pid()"), {"d": database}).scalar()
            conn.rollback()
            if not left:
                break
            time.sleep(0.05)
    engine.dispose()
    engine = db.make_engine(prod_db)
    assert fingerprint(engine) == before
    engine.dispose()


# -- two managers save the same scenario ------------------------------------------


@pytest.mark.postgres
def test_two_managers_saving_one_scenario_one_wins_the_other_is_told(prod_db, redis_url,
                                                                       tmp_path):
    engine = db.make_engine(prod_db)
    users.add_user(engine, "manager-west-2", prod_stack.DEMO_PASSWORD, "manager", scope="West")
    dataset = store.read_dataset(engine)
    territories = dataset.territories
    west = set(territories.loc[territories["region"] == "West", "territory_id"])
    # managers edit their own region only: a western county between western territories
    alignment = dataset.alignment[dataset.alignment["territory_id"].isin(west)]
    fips, owner = alignment.iloc[0]["county_fips"], alignment.iloc[0]["territory_id"]
    others = sorted(t for t in west if t != owner)
    ann_steps = view.push_step([], changeset.Changes(county_moves={fips: others[0]}), "moved")
    bob_steps = view.push_step([], changeset.Changes(county_moves={fips: others[1]}), "moved")
    engine.dispose()

    def press(browser, button, **form):
        values = {f"{button}.n_clicks": 1, f"{ids.SC_NAME}.value": form.get("name"),
                  f"{ids.SC_GRID}.selectedRows": form.get("selected"),
                  f"{ids.SC_OPENED}.data": form.get("opened"),
                  f"{ids.WI_HISTORY}.data": form.get("history"), f"{ids.SC_CHANGED}.data": 0}
        status, body, raw = browser.post((ids.SC_ALERT, "children"), values,
                                         changed=[f"{button}.n_clicks"])
        assert status == 200, raw[:300]
        return body["response"]

    def listed(browser):
        status, body, _ = browser.post((ids.SC_GRID, "rowData"), {f"{ids.SC_CHANGED}.data": 1})
        assert status == 200
        return {r["name"]: r for r in body["response"][ids.SC_GRID]["rowData"]}

    with prod_stack.Gunicorn(prod_db, redis_url, tmp_path) as server:
        ann, bob = prod_stack.browsers_on_two_workers(server.base, "manager-west",
                                                      "manager-west-2")
        assert ann.worker() != bob.worker()
        saved = press(ann, ids.SC_SAVE, name="West plan", history=ann_steps)
        opened_by_ann = saved[ids.SC_OPENED]["data"]
        rows = listed(bob)
        opened_by_bob = press(bob, ids.SC_OPEN, selected=[rows["West plan"]])[ids.SC_OPENED]
        opened_by_bob = opened_by_bob["data"]
        assert opened_by_bob["revision"] == opened_by_ann["revision"] == 1

        won = press(ann, ids.SC_SAVE, name="West plan", history=ann_steps, opened=opened_by_ann)
        lost = press(bob, ids.SC_SAVE, name="West plan", history=bob_steps, opened=opened_by_bob)
        assert won[ids.SC_ALERT]["color"] == "success"
        assert won[ids.SC_OPENED]["data"]["revision"] == 2
        assert lost[ids.SC_ALERT]["color"] == "warning"
        told = lost[ids.SC_ALERT]["children"]
        assert "changed by manager-west" in told and "after you opened it" in told
        copy_name = "West plan (copy by manager-west-2)"
        assert copy_name in told
        ann.close()
        bob.close()

    # both versions survive a restart of the whole app
    with prod_stack.Gunicorn(prod_db, redis_url, tmp_path) as server:
        reader = prod_stack.Browser(server.base, "manager-west")
        rows = listed(reader)
        assert set(rows) == {"West plan", copy_name}
        assert rows["West plan"]["revision"] == 2
        assert rows["West plan"]["updated_by"] == "manager-west"
        assert rows[copy_name]["updated_by"] == "manager-west-2"
        for name, steps in (("West plan", ann_steps), (copy_name, bob_steps)):
            back = press(reader, ids.SC_OPEN, selected=[rows[name]])
            history = next(v for k, v in back[ids.WI_HISTORY].items() if k.startswith("data"))
            assert history[-1]["changes"] == steps[-1]["changes"], name
        reader.close()
