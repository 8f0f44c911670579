"""The upload page over HTTP: an upload of what is already stored changes
nothing, not even the data version every cache is keyed by; an upload that
another write overtook says so and writes nothing."""

from __future__ import annotations

import pandas as pd

from dashboard.ingest.export import dataset_to_csv_bytes
from dashboard.ingest.service import import_files
from dashboard.storage import store
from layouts import ids
from tests.dash_http import sign_in, upload
from tests.integration.test_write_integrity import Writer, held_at_its_first_write


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


def test_an_upload_overtaken_by_another_write_says_import_again_and_writes_nothing(demo_app):
    """The upload has read the stored data; another import commits before the
    upload writes. The page says the data changed and to import again; the
    other import's rename stays, the upload's is not half-applied."""
    client = sign_in(demo_app.server.test_client())
    engine = demo_app.server.extensions["territory_service"].engine
    territories = store.read_dataset(engine).territories
    first, second = territories.territory_id.iloc[0], territories.territory_id.iloc[1]
    uploader = Writer(lambda: upload(client, demo_app, {
        "territories.csv": renamed(territories, 0, "Uploaded name")}))
    with held_at_its_first_write(uploader):
        meanwhile = import_files(engine, [("territories.csv",
                                           renamed(territories, 1, "Imported meanwhile"))])
        assert meanwhile.ok
    status, body = uploader.result()
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Nothing was imported" in text
    assert "the stored data changed while these files were being checked" in text
    assert "import the files again" in text
    names = store.read_dataset(engine).territories.set_index("territory_id").territory_name
    assert names[second] == "Imported meanwhile"
    assert names[first] == territories.territory_name.iloc[0]
    assert store.data_version(engine) == meanwhile.data_version
