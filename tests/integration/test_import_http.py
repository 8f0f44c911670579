"""The upload page over HTTP: an upload of what is already stored changes
nothing, not even the data version every cache is keyed by."""

from __future__ import annotations

from dashboard.ingest.export import dataset_to_csv_bytes
from dashboard.storage import store
from layouts import ids
from tests.dash_http import sign_in, upload


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
