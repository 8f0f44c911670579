"""The upload page over HTTP: files named after their tables import as a
background job (a progress bar, Cancel before the write); an upload of what
is already stored changes nothing, not even the data version every cache is
keyed by; an upload that another write overtook says so and writes nothing."""

from __future__ import annotations

import base64
import os
import time

import pandas as pd

from dashboard.ingest.export import dataset_to_csv_bytes
from dashboard.ingest.service import import_files
from dashboard.storage import store
from layouts import ids
from tests.dash_http import Held, find, post_callback, sign_in, speaking, start_import, upload


def test_uploading_the_stored_data_again_says_nothing_changed(demo_app):
    client = sign_in(demo_app.server.test_client())
    service = demo_app.server.extensions["territory_service"]
    stamp = store.data_stamp(service.engine)
    stored = store.read_dataset(service.engine)
    files = {f"{t}.csv": dataset_to_csv_bytes(stored.table(t), t)
             for t in ("territories", "quotas")}
    status, body = upload(client, demo_app, files)
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Nothing changed" in text and "Imported" not in text
    assert store.data_stamp(service.engine) == stamp


def renamed(territories: pd.DataFrame, position: int, name: str) -> bytes:
    """territories.csv holding one stored territory, renamed."""
    row = territories.iloc[[position]].copy()
    row["territory_name"] = name
    return dataset_to_csv_bytes(row, "territories")


def test_an_upload_overtaken_by_another_write_says_import_again_and_writes_nothing(
        demo_app, monkeypatch, tmp_path):
    """The upload's job has read the stored data; another import commits before
    the job writes. The page says the data changed and to import again; the
    other import's rename stays, the upload's is not half-applied."""
    reached, go = tmp_path / "reached", tmp_path / "write"
    held_at_write(monkeypatch, reached, go)
    native = NativeJob(sign_in(demo_app.server.test_client()), demo_app, monkeypatch, tmp_path,
                       "Uploaded name")
    native.held.release()  # held at its write only
    engine, territories = native.engine, native.territories
    first, second = territories.territory_id.iloc[0], territories.territory_id.iloc[1]
    deadline = time.monotonic() + 60
    while not reached.exists():
        assert time.monotonic() < deadline, "the job never reached its write"
        time.sleep(0.02)
    meanwhile = import_files(engine, [("territories.csv",
                                       renamed(territories, 1, "Imported meanwhile"))])
    assert meanwhile.ok
    go.touch()
    text = str(native.job.answer()[ids.IMPORT_RUN_RESULT]["children"])
    assert "Nothing was imported" in text
    assert "the stored data changed while these files were being checked" in text
    assert "import the files again" in text
    names = store.read_dataset(engine).territories.set_index("territory_id").territory_name
    assert names[second] == "Imported meanwhile"
    assert names[first] == territories.territory_name.iloc[0]
    assert store.data_version(engine) == meanwhile.data_version


def held_at_write(monkeypatch, reached, go) -> None:
    """An import in another process than this one (the page's job, forked from
    it) holds just before it writes, after every read it builds its write
    from: it touches ``reached`` and goes on once ``go`` exists."""
    test_process = os.getpid()
    replace = store.replace_dataset

    def held(*args, **kwargs):
        if os.getpid() != test_process:
            reached.touch()
            deadline = time.monotonic() + 60
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return replace(*args, **kwargs)

    monkeypatch.setattr(store, "replace_dataset", held)


def _reading(body: dict) -> bool:
    return (body.get("progress") or {}).get(f"{ids.IMPORT_RUN_STEP}.children") == \
        "Reading the files…"


class NativeJob:
    """territories.csv holding the demo's first territory renamed to ``name``,
    dropped on the page with imports held as they read their files: the
    upload's answer (the job's panel), the job it starts, and the data before."""

    def __init__(self, client, app, monkeypatch, tmp_path, name: str):
        from dashboard.ingest import service

        self.engine = app.server.extensions["territory_service"].engine
        self.territories = store.read_dataset(self.engine).territories
        self.version = store.data_version(self.engine)
        self.held = Held(monkeypatch, service, "read_files", tmp_path / "go")
        contents = "data:text/csv;base64," + base64.b64encode(
            renamed(self.territories, 0, name)).decode()
        status, body = post_callback(client, app, (ids.IMPORT_RESULT, "children"), {
            f"{ids.IMPORT_UPLOAD}.contents": [contents],
            f"{ids.IMPORT_UPLOAD}.filename": ["territories.csv"]})
        assert status == 200, body
        self.answer = body["response"]
        self.run = find(self.answer, ids.IMPORT_RUN)
        assert self.run is not None, "the upload opened no import job"
        self.job = start_import(client, app, self.run["data"])
        assert self.job.status == 200, self.job.started

    def names(self) -> set[str]:
        return set(store.read_dataset(self.engine).territories.territory_name)


def test_files_named_after_their_tables_import_as_a_background_job(
        demo_app, monkeypatch, tmp_path):
    native = NativeJob(sign_in(demo_app.server.test_client()), demo_app, monkeypatch, tmp_path,
                       "Renamed in the background")
    job = native.job
    # the upload's request and the job's first request import nothing: a job runs
    assert "Imported" not in str(native.answer) and "response" not in job.started
    assert job.handles.keys() == {"cacheKey", "job"}
    seen = job.wait(_reading)["progress"]
    assert seen[f"{ids.IMPORT_RUN_PROGRESS}.value"] == 0
    assert seen[f"{ids.IMPORT_RUN_PROGRESS}.label"] == "0%"
    assert seen[f"{ids.IMPORT_RUN_CANCEL}.disabled"] is False  # may still be cancelled
    assert store.data_version(native.engine) == native.version
    native.held.release()
    report = str(job.answer()[ids.IMPORT_RUN_RESULT]["children"])
    assert "Imported 1 territories." in report and "Nothing was imported" not in report
    assert "Renamed in the background" in native.names()
    assert store.data_version(native.engine) == native.version + 1


def test_cancel_stops_a_native_import_before_it_writes(demo_app, monkeypatch, tmp_path):
    client = speaking(sign_in(demo_app.server.test_client()), "fr")
    native = NativeJob(client, demo_app, monkeypatch, tmp_path, "Never written")
    native.job.wait(lambda body: "progress" in body)
    status, body = post_callback(client, demo_app, (ids.IMPORT_RUN_CANCEL, "disabled"), {
        f"{ids.IMPORT_RUN_CANCEL}.n_clicks": 1, f"{ids.IMPORT_RUN}.data": native.run["data"]})
    assert status == 200 and body["response"][ids.IMPORT_RUN_CANCEL]["disabled"] is True
    native.held.release()
    report = str(native.job.answer()[ids.IMPORT_RUN_RESULT]["children"])
    # in the page's language: French
    assert "Import annulé avant l'écriture des données : rien n'a été importé." in report
    assert "Déposez à nouveau les fichiers pour les importer." in report
    assert store.data_version(native.engine) == native.version
    assert "Never written" not in native.names()
