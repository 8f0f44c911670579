"""The import API for scheduled syncs (issue 16 item 5): a service account's
token made with the CLI imports a Salesforce export through ``mapping=auto``;
the same post again changes nothing; bad, revoked and missing tokens get 401,
a leader's session cannot stand in for a token, a token opens no page nor
callback; every problem comes back as file, row and column; another write
landing meanwhile gives 409; the OpenAPI description lists the endpoint.
And the CLI spelling ``import --mapping auto|PROFILE``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from dashboard.access import users
from dashboard.runtime.cli import main
from dashboard.storage import store
from tests.dash_http import browser_headers, sign_in
from tests.integration.test_import_mapping_cli import ALIGNMENT, SALESFORCE, TERRITORIES

EXPORT = "Opportunities report.csv"
IMPORTS = "/api/v1/imports"


@pytest.fixture
def empty_env(empty_settings, monkeypatch):
    """The command line pointed at the empty app's database."""
    monkeypatch.setenv("TD_INSTANCE_PATH", empty_settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    return empty_settings


@pytest.fixture
def api_app(empty_env):
    from app import create_app

    return create_app(empty_env)


def engine_of(app):
    return app.server.extensions["territory_service"].engine


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def new_token(capsys, name: str = "nightly-sync") -> str:
    """``service-account create NAME`` through the CLI; the token is its last line."""
    code, out, err = cli(capsys, "service-account", "create", name)
    assert code == 0, err
    return out.strip().splitlines()[-1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post_files(client, token: str | None, files: dict[str, str], mapping: str = "auto",
               headers: dict | None = None):
    data = {"mapping": mapping,
            "files": [(io.BytesIO(text.encode()), name) for name, text in files.items()]}
    sent = {**(bearer(token) if token else {}), **(headers or {})}
    return client.post(IMPORTS, data=data, headers=sent, content_type="multipart/form-data")


def plan(export: str = SALESFORCE) -> dict[str, str]:
    return {EXPORT: export, "territories.csv": TERRITORIES, "alignment.csv": ALIGNMENT}


def company_bookings(app, period: str) -> float:
    from dashboard.metrics.kpi_table import kpi_table
    from dashboard.metrics.periods import Period

    frames = app.server.extensions["territory_service"].frames()
    table = kpi_table(frames, Period.parse(period), date(2025, 12, 31), "company")
    return float(table["bookings"].iloc[0])


def test_a_sync_imports_a_salesforce_export_and_the_same_post_again_changes_nothing(
        api_app, capsys):
    token = new_token(capsys)
    client = api_app.server.test_client()
    response = post_files(client, token, plan())
    body = response.get_json()
    assert response.status_code == 201, body
    assert body["status"] == "imported"
    assert body["rows"]["opportunities"] == 5 and body["rows"]["accounts"] == 3
    assert body["mapping"]["profile"] is None
    kinds = {f["file"]: f["kind"] for f in body["mapping"]["files"]}
    assert kinds[EXPORT] == "flat_deals"
    # the multi-county ZIP 07029 comes back as a warning that did not stop the import
    assert any(p["severity"] == "warning" and "07029" in p["reason"] for p in body["problems"])
    # by hand: 2025 bookings are 006A1 1,200.00 + 006B1 2,500.50; 006C1 closed in 2024
    assert company_bookings(api_app, "2025") == pytest.approx(3700.5)
    assert company_bookings(api_app, "2024") == pytest.approx(300.0)
    version = store.data_version(engine_of(api_app))
    assert body["data_version"] == version

    again = post_files(client, token, plan())
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["status"] == "unchanged"
    assert again.get_json()["data_version"] == version
    assert store.data_version(engine_of(api_app)) == version
    # the import is recorded under the service account's name
    _code, out, _err = cli(capsys, "service-account", "list")
    assert "nightly-sync\tactive" in out and "last used -" not in out


def test_missing_wrong_and_revoked_tokens_get_401_and_import_nothing(api_app, capsys):
    token = new_token(capsys)
    client = api_app.server.test_client()
    version = store.data_version(engine_of(api_app))
    for sent in (None, "tdsa_not-a-token", token[:-2] + "xx", "Basic"):
        response = post_files(client, sent, plan())
        assert response.status_code == 401, sent
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "token" in response.get_json()["error"]
    code, out, err = cli(capsys, "service-account", "revoke", "nightly-sync")
    assert code == 0, err
    assert post_files(client, token, plan()).status_code == 401
    _code, out, _err = cli(capsys, "service-account", "list")
    assert "nightly-sync\trevoked" in out
    assert token not in out
    assert store.data_version(engine_of(api_app)) == version
    # the name may be given a new token; the old one stays refused
    fresh = new_token(capsys)
    assert post_files(client, token, plan()).status_code == 401
    assert post_files(client, fresh, plan()).status_code == 201


def test_bad_tokens_are_rate_limited_per_address(api_app, capsys):
    from dashboard.access.service_accounts import BAD_TOKEN_LIMIT

    token = new_token(capsys)
    client = api_app.server.test_client()
    allowed = BAD_TOKEN_LIMIT[0][0]
    statuses = [post_files(client, "tdsa_guess", {}).status_code for _ in range(allowed + 1)]
    assert statuses == [401] * allowed + [429]
    # the address is held back, even with the right token, until the window passes
    assert post_files(client, token, plan()).status_code == 429


def test_a_leaders_signed_in_session_cannot_use_the_api(api_app, capsys):
    """Chosen: the API reads no session cookie. A leader's browser (with its
    CSRF token, so the cookie CSRF check passes) is answered 401 as any call
    without a token; the upload page is the leader's way in. A token sent
    along with a session cookie is judged alone: the cookie's CSRF check does
    not apply to it (no page of another site can set that header)."""
    users.add_user(engine_of(api_app), "boss", "boss-pass-123", "leader")
    client = sign_in(api_app.server.test_client(), "boss", "boss-pass-123")
    version = store.data_version(engine_of(api_app))
    response = post_files(client, None, plan(), headers=browser_headers(client))
    assert response.status_code == 401
    assert store.data_version(engine_of(api_app)) == version
    # without the CSRF header, a cookie-only post is refused as cross-site...
    assert post_files(client, None, plan()).status_code == 403
    # ...and a token with the same cookie is the token's call
    assert post_files(client, new_token(capsys), plan()).status_code == 201


def test_a_service_token_opens_no_page_nor_callback(demo_app, capsys, monkeypatch):
    monkeypatch.setenv("TD_INSTANCE_PATH", demo_app.server.extensions[
        "territory_service"].settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    token = new_token(capsys)
    client = demo_app.server.test_client()
    for path in ("/", "/import", "/scorecard", "/_dash-layout", "/_dash-dependencies"):
        assert client.get(path, headers=bearer(token)).status_code == 403, path
    callback = client.post("/_dash-update-component", json={"output": "x.children"},
                           headers={**bearer(token), "Origin": "http://localhost"})
    assert callback.status_code == 403
    # nor does it count as signed in alongside a leader's session
    leader = sign_in(demo_app.server.test_client())
    assert leader.get("/", headers=bearer(token)).status_code == 403
    assert leader.get("/").status_code == 200


def test_an_unknown_zip_is_refused_naming_the_file_row_and_column(api_app, capsys):
    token = new_token(capsys)
    client = api_app.server.test_client()
    version = store.data_version(engine_of(api_app))
    # Initech's ZIP (its one row, spreadsheet row 6) is in no ZIP table
    export = SALESFORCE.replace("1,1,07029,NJ", "1,1,00001,NJ")
    response = post_files(client, token, plan(export))
    body = response.get_json()
    assert response.status_code == 400, body
    assert body["status"] == "refused" and body["data_version"] is None
    errors = [p for p in body["problems"] if p["severity"] == "error"]
    assert any(p["file"] == EXPORT and p["row"] == 6
               and p["column"] == "Billing Zip/Postal Code" and "00001" in p["reason"]
               for p in errors), errors
    assert store.data_version(engine_of(api_app)) == version  # all or nothing
    french = post_files(client, token, plan(export), headers={"Accept-Language": "fr-FR"})
    body = french.get_json()
    assert french.status_code == 400
    assert body["message"].startswith("Rien n'a été importé")
    assert any("00001" in p["reason"] and "ZIP" in p["reason"] and "table" in p["reason"]
               and p["reason"] != next(e["reason"] for e in errors if "00001" in e["reason"])
               for p in body["problems"])


def test_an_unknown_profile_is_refused_and_a_saved_one_applies(api_app, capsys, tmp_path):
    token = new_token(capsys)
    client = api_app.server.test_client()
    response = post_files(client, token, plan(), mapping="salesforce")
    assert response.status_code == 400
    assert "no mapping profile named salesforce" in response.get_json()["problems"][0]["reason"]
    # a profile saved by the CLI is applied by name, and not rewritten by the API
    export = tmp_path / "first.csv"
    export.write_text(SALESFORCE)
    code, _out, err = cli(capsys, "import", "--mapping", "auto", "--profile", "salesforce",
                          export)
    assert code == 0, err
    later = SALESFORCE.replace("006C1,Initech old win", "006C2,Initech new win")
    response = post_files(client, token, {"May.csv": later, "territories.csv": TERRITORIES,
                                          "alignment.csv": ALIGNMENT}, mapping="salesforce")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["mapping"]["profile"] == "salesforce"
    from dashboard.ingest import profiles

    saved = profiles.load(engine_of(api_app), "salesforce")
    assert [f.file for f in saved.files] == ["first.csv"]


def test_an_import_overtaken_by_another_write_answers_409_and_writes_nothing(api_app, capsys):
    from dashboard.ingest.service import import_files
    from tests.integration.test_write_integrity import Writer, held_at_its_first_write

    token = new_token(capsys)
    client = api_app.server.test_client()
    engine = engine_of(api_app)
    sync = Writer(lambda: post_files(client, token, plan()))
    with held_at_its_first_write(sync):
        meanwhile = import_files(engine, [("territories.csv", b"territory_id,territory_name,"
                                                              b"region\nT9,West,West\n")])
        assert meanwhile.ok
    response = sync.result()
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["status"] == "stale"
    assert store.data_version(engine) == meanwhile.data_version
    assert store.read_dataset(engine).opportunities.empty


def test_a_body_over_the_limit_is_refused_unread(api_app, capsys):
    from callbacks.limits import API_IMPORT_LIMIT

    token = new_token(capsys)
    data = b"x" * (API_IMPORT_LIMIT + 1)
    body = io.BytesIO(data)
    response = api_app.server.test_client().post(
        IMPORTS, input_stream=body, content_length=len(data),
        content_type="multipart/form-data; boundary=x", headers=bearer(token))
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]
    assert body.tell() == 0  # refused on its declared length, unread
    # a file larger than a form (16 KB) is read and judged: not recognised, 400
    padding = "x,y\n" + "1,2\n" * 300_000
    response = post_files(api_app.server.test_client(), token, {"notes.csv": padding})
    assert response.status_code == 400
    assert response.get_json()["problems"][0]["file"] == "notes.csv"


def test_the_openapi_description_lists_the_import_endpoint(api_app):
    response = api_app.server.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.")
    post = spec["paths"][IMPORTS]["post"]
    assert {"201", "200", "400", "401", "409", "413"} <= set(post["responses"])
    assert spec["components"]["securitySchemes"]["serviceAccount"]["scheme"] == "bearer"
    assert "files" in post["requestBody"]["content"]["multipart/form-data"]["schema"][
        "properties"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- the command line's spelling: import --mapping auto|PROFILE ------------------------

def test_import_mapping_auto_imports_the_recognised_mapping(empty_env, capsys, tmp_path):
    paths = []
    for name, text in plan().items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    code, out, err = cli(capsys, "import", "--mapping", "auto", *paths)
    assert code == 0, err
    assert "imported 1 territories, 3 alignment, 3 accounts, 5 opportunities" in out
    code, out, _err = cli(capsys, "kpis", "--period", "2025", "--level", "company",
                          "--as-of", "2025-12-31")
    assert float(next(csv.DictReader(io.StringIO(out)))["bookings"]) == pytest.approx(3700.5)


def test_import_mapping_auto_stops_and_lists_what_it_could_not_map(empty_env, capsys,
                                                                   tmp_path):
    export = tmp_path / "deals.csv"
    # no amount column the recognition knows
    export.write_text(SALESFORCE.replace("Amount,", "Deal Value (local),", 1))
    code, out, err = cli(capsys, "import", "--mapping", "auto", export)
    assert code == 1
    assert "Deal Value (local) -> (not used)" in out
    assert "column amount: no column is mapped to amount, which is required" in err
    assert "nothing imported" in err


def test_import_mapping_names_a_saved_profile_or_refuses(empty_env, capsys, tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(SALESFORCE)
    code, _out, err = cli(capsys, "import", "--mapping", "salesforce", export)
    assert code == 2
    assert "no mapping profile named 'salesforce'" in err
