"""The production stack for real: PostgreSQL + Redis + gunicorn with two
workers. Migrations bring an empty PostgreSQL database to the newest schema,
views answer through both workers with results shared in Redis, and an
import made through one worker is what the other worker shows next."""

from __future__ import annotations

import base64

import pytest
import redis
from sqlalchemy import inspect

from dashboard.storage import db, store
from layouts import ids
from tests.prod import prod_stack

pytestmark = [pytest.mark.prod, pytest.mark.postgres]

OVERVIEW = (ids.KPI_STRIP, "children")


def overview_values(region="all", period="qtd"):
    return {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
            f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
            f"{ids.URL}.search": ""}


def coloured(browser, region: str) -> set[str]:
    """Territories the overview map colours for ``region``."""
    from tests.dash_http import patched

    status, body, text = browser.post(OVERVIEW, overview_values(region))
    assert status == 200, text[:300]
    return set(patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["colors"])


def test_migrations_bring_an_empty_database_to_head(postgres_url, tmp_path):
    from alembic.script import ScriptDirectory

    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService

    name = prod_stack.create_database(postgres_url)
    url = prod_stack.database_url(postgres_url, name)
    try:
        service = DataService(Settings(database_url=url, instance_path=str(tmp_path)))
        service.migrate()
        service.migrate()  # a second start finds the schema current and changes nothing
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        with service.engine.connect() as conn:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        tables = set(inspect(service.engine).get_table_names())
        assert current == [(head,)]
        assert {"territories", "accounts", "opportunities", "quotas", "users"} <= tables
        assert store.is_empty(service.engine) and store.data_version(service.engine) == 0
        service.engine.dispose()
    finally:
        prod_stack.drop_database(postgres_url, name)


def test_healthz_reports_database_and_cache(stack):
    import requests

    answers = [requests.get(stack.base + "/healthz", timeout=10) for _ in range(6)]
    assert all(a.status_code == 200 for a in answers)
    # in public, the status only: no database type, cache backend, data version or pid
    assert all(a.json() == {"status": "ok"} for a in answers)
    body = prod_stack.health(stack.base)  # the operator's token shows the checks
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and "postgresql" in body["checks"]["database"]["detail"]
    assert body["checks"]["cache"] == {**body["checks"]["cache"], "ok": True, "detail": "redis"}


def test_views_answer_through_both_workers_and_share_redis(stack, redis_url):
    first, second = prod_stack.browsers_on_two_workers(stack.base)
    try:
        assert first.worker() != second.worker()
        west_a, west_b = coloured(first, "West"), coloured(second, "West")
        assert west_a == west_b and len(west_a) >= 5
        keys = redis.Redis.from_url(redis_url).keys("td:*")
        assert keys, "no result was cached in Redis"
    finally:
        first.close()
        second.close()


def upload_territory(browser, territory) -> tuple[int, str]:
    """territories.csv dropped on the import page: the upload opens the import's
    job, which runs on the Celery worker; what it did, as the page shows it."""
    from tests.dash_http import find

    csv = (f"territory_id,territory_name,region\n"
           f"{territory.territory_id},{territory.territory_name},West\n").encode()
    status, body, text = browser.post((ids.IMPORT_RESULT, "children"), {
        f"{ids.IMPORT_UPLOAD}.contents": ["data:text/csv;base64," + base64.b64encode(csv)
                                          .decode()],
        f"{ids.IMPORT_UPLOAD}.filename": ["territories.csv"]})
    run = find(body["response"], ids.IMPORT_RUN) if status == 200 else None
    if run is None:
        return status, str(body["response"]) if status == 200 else text
    status, body, text = browser.run_job((ids.IMPORT_RUN_RESULT, "children"),
                                         {f"{ids.IMPORT_RUN}.data": run["data"]})
    return status, str(body.get("response")) if status == 200 and body else text


def test_an_import_in_one_worker_is_seen_by_the_other(stack, module_db, tmp_path):
    engine = db.make_engine(module_db)
    with prod_stack.CeleryWorker(stack.env, tmp_path):  # the upload's import job runs there
        _import_seen_by_the_other(stack, engine)


def _import_seen_by_the_other(stack, engine) -> None:
    movers = store.read_dataset(engine).territories
    movers = movers.loc[movers["region"] != "West"].head(3)
    proved = False
    for mover in movers.itertuples():  # again when a kept-alive connection was dropped
        importer, viewer = prod_stack.browsers_on_two_workers(stack.base)
        try:
            importer_worker, viewer_worker = importer.worker(), viewer.worker()
            with prod_stack.kept_alive(importer) as seen_by_importer:
                west = coloured(viewer, "West")  # the viewer's worker holds the old frames
            before = store.data_version(engine)
            with prod_stack.kept_alive(viewer) as seen_by_viewer:
                status, said = upload_territory(importer, mover)
            assert status == 200 and "Imported 1 territories" in said, said[:300]
            assert store.data_version(engine) == before + 1
            if (seen_by_importer | {importer.worker()} != {importer_worker}
                    or seen_by_viewer | {viewer.worker()} != {viewer_worker}):
                continue  # a connection moved: cannot tell which worker ran the import
            assert coloured(viewer, "West") == west | {mover.territory_id}
            assert viewer.worker() == viewer_worker
            proved = True
            break
        finally:
            importer.close()
            viewer.close()
    engine.dispose()
    assert proved, "no attempt kept both connections on their workers"


def test_a_background_job_runs_on_the_celery_worker(prod_db, redis_url, tmp_path):
    """The what-if auto-balance, started through one gunicorn worker, computed by
    a separate Celery worker, its result collected by polling like the page."""

    redis_db = redis_url.rsplit("/", 1)[0] + "/1"  # a queue of this test's own
    with prod_stack.Gunicorn(prod_db, redis_db, tmp_path) as server, \
            prod_stack.CeleryWorker(server.env, tmp_path) as worker:
        browser = prod_stack.Browser(server.base, "leader")
        # the page hands the job its viewer signed (the job has no session)
        from callbacks import guard
        from dashboard.access.rules import Viewer

        signed = guard.viewer_token(server.env["SECRET_KEY"], Viewer(1, "leader", "leader"))
        values = {f"{ids.WI_SUGGEST}.n_clicks": 1, f"{ids.WI_RUN}.data": "run-1",
                  f"{ids.WI_HISTORY}.data": [], f"{ids.WI_VIEWER}.data": signed,
                  f"{ids.WI_BUDGET}.value": 10, f"{ids.WI_METRIC}.value": "potential",
                  f"{ids.WI_TOLERANCE}.value": 5, f"{ids.WI_TIME_LIMIT}.value": 3,
                  f"{ids.WI_SEED}.value": 7, f"{ids.WI_SPLIT}.value": True,
                  f"{ids.WI_POINTS}.data": [], f"{ids.URL}.search": ""}
        # the Suggest button's background callback (its last output: the curve's points)
        output = (ids.WI_POINTS, "data")
        changed = [f"{ids.WI_SUGGEST}.n_clicks"]
        status, body, raw = browser.run_job(output, values, changed=changed)
        assert status in (200, 204), raw[:300]
        assert "response" in body, worker.log()[-2000:]
        response = body["response"]
        alert = response[ids.WI_ALERT]
        assert next(v for k, v in alert.items() if k.startswith("color")) == "success"
        history = next(v for k, v in response[ids.WI_HISTORY].items() if k.startswith("data"))
        assert len(history) == 1 and history[0]["changes"]["county_moves"]
        assert "succeeded" in worker.log()
        browser.close()
