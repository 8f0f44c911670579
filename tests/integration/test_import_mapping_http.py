# ruff: noqa: E501  (the exports are written as their CRMs write them, one line per row)
"""The import page's mapping step over HTTP: a CRM export dropped on the page
is recognised and shown as grids (kind, column → field, date orders, stages),
the problems by file, row, column and reason, the first rows as stored; an
edit or an answered date order is checked again; Import lands the data
through the same all-or-nothing path, and the figures are the hand-worked ones."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from dashboard.access import users
from dashboard.storage import store
from layouts import ids
from tests.dash_http import Held, Job, find, post_callback, sign_in, start_import, upload
from tests.integration.test_import_mapping_cli import (
    ALIGNMENT,
    AMBIGUOUS,
    SALESFORCE,
    TERRITORIES,
)

PASSWORD = "a-long-password-1"


@pytest.fixture
def empty_app(empty_settings):
    from app import create_app

    app = create_app(empty_settings)
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD, "leader")
    return app


def _client(app, username="boss"):
    return sign_in(app.server.test_client(), username, PASSWORD)


def drop(client, app, files: dict[str, str], previous: str | None = None):
    """Drop ``files`` on the page: the upload's job run to its end (it checks
    them in the background); the page's answers, as ``IMPORT_MAP`` (the
    mapping step), ``IMPORT_MAP_TOKEN`` and ``IMPORT_RESULT`` (the job's note)."""
    status, body = upload(client, app, {name: text.encode() for name, text in files.items()},
                          previous=previous)
    assert status == 200, body
    return body["response"]


class Step:
    """The mapping step as the browser holds it: the token and the grids' rows."""

    def __init__(self, response):
        tree = response[ids.IMPORT_MAP]["children"]
        self.tree = tree
        self.token = response[ids.IMPORT_MAP_TOKEN]["data"]
        self.files = find(tree, ids.IMPORT_MAP_FILES)["rowData"]
        self.columns = find(tree, ids.IMPORT_MAP_COLUMNS)["rowData"]
        stages = find(tree, ids.IMPORT_MAP_STAGES)
        self.stages = stages["rowData"] if stages else []
        self.problems = str(find(tree, ids.IMPORT_MAP_PROBLEMS))
        self.preview = str(find(tree, ids.IMPORT_MAP_PREVIEW))
        self.disabled = find(tree, ids.IMPORT_MAP_CONFIRM)["disabled"]
        self.viewer = find(tree, ids.IMPORT_MAP_VIEWER)["data"]

    def column(self, name: str) -> dict:
        return next(r for r in self.columns if r["column"] == name)

    def values(self) -> dict:
        return {f"{ids.IMPORT_MAP_TOKEN}.data": self.token,
                f"{ids.IMPORT_MAP_FILES}.rowData": self.files,
                f"{ids.IMPORT_MAP_COLUMNS}.rowData": self.columns,
                f"{ids.IMPORT_MAP_STAGES}.rowData": self.stages,
                f"{ids.IMPORT_MAP_VIEWER}.data": self.viewer}

    def start_edit(self, client, app, grid: str) -> Job:
        """Send the grids after an edit of ``grid``: the re-check's job started."""
        job = Job(client, app, (ids.IMPORT_MAP_COLUMNS, "rowData"),
                  {f"{grid}.cellValueChanged": [{"rowIndex": 0}], **self.values()},
                  changed=[f"{grid}.cellValueChanged"])
        assert job.status == 200, job.started
        return job

    def edit(self, client, app, grid: str):
        """Send the grids after an edit of ``grid``; keeps what the re-check gives."""
        self.took(self.start_edit(client, app, grid).answer())

    def took(self, response: dict) -> None:
        """Keep what a re-check answered."""
        self.columns = response[ids.IMPORT_MAP_COLUMNS]["rowData"]
        self.stages = response[ids.IMPORT_MAP_STAGES]["rowData"]
        self.problems = str(response[ids.IMPORT_MAP_PROBLEMS]["children"])
        self.preview = str(response[ids.IMPORT_MAP_PREVIEW]["children"])
        self.disabled = response[ids.IMPORT_MAP_CONFIRM]["disabled"]

    def start(self, client, app, profile: str = "", clicks: int = 1, **more) -> Job:
        """Press Import: the background job started (``more``: other values sent)."""
        job = Job(client, app, (ids.IMPORT_MAP_RESULT, "children"), {
            f"{ids.IMPORT_MAP_CONFIRM}.n_clicks": clicks, **self.values(),
            f"{ids.IMPORT_MAP_PROFILE}.value": profile, **more},
            changed=[f"{ids.IMPORT_MAP_CONFIRM}.n_clicks"])
        assert job.status == 200, job.started
        return job

    def confirm(self, client, app, profile: str = "", clicks: int = 1, **more) -> str:
        """Press Import and wait for what the import did."""
        answer = self.start(client, app, profile, clicks, **more).answer()
        return str(answer[ids.IMPORT_MAP_RESULT]["children"])


def company_bookings(settings, monkeypatch, capsys, period: str) -> float:
    from dashboard.runtime.cli import main

    monkeypatch.setenv("TD_INSTANCE_PATH", settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    capsys.readouterr()
    code = main(["kpis", "--period", period, "--level", "company", "--as-of", "2025-12-31"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return float(next(csv.DictReader(io.StringIO(out.out)))["bookings"])


def test_a_salesforce_export_is_mapped_on_the_page_and_imports_the_hand_worked_bookings(
        empty_app, empty_settings, monkeypatch, capsys):
    client = _client(empty_app)
    engine = empty_app.server.extensions["territory_service"].engine
    response = drop(client, empty_app, {"Opportunities report.csv": SALESFORCE,
                                        "territories.csv": TERRITORIES,
                                        "alignment.csv": ALIGNMENT})
    # no import yet: the mapping step is shown instead
    assert "Imported" not in str(response[ids.IMPORT_RESULT]["children"])
    step = Step(response)
    assert {f["file"]: f["kind"] for f in step.files} == {
        "Opportunities report.csv": "flat_deals", "territories.csv": "territories",
        "alignment.csv": "alignment"}
    assert step.column("Close Date")["field"] == "close_on"
    assert step.column("Close Date")["order"] == "mdy"
    assert step.column("Billing Zip/Postal Code")["field"] == "postal_code"
    assert step.column("Opportunity Name")["field"] == ""  # not used
    assert {s["stage"]: s["status"] for s in step.stages} == {
        "Closed Won": "won", "Closed Lost": "lost", "Negotiation": "open"}
    # the first rows exactly as stored: money parsed, US dates as ISO
    assert "006A1" in step.preview and "1200.0" in step.preview and "2025-03-15" in step.preview
    # a warning, by file, row and column, that does not stop the import
    assert "07029 reaches into more than one county" in step.problems
    assert step.disabled is False
    assert store.read_dataset(engine).opportunities.empty

    report = step.confirm(client, empty_app, profile="salesforce")
    assert "Imported" in report and "5 opportunities" in report
    assert "Mapping saved as “salesforce”" in report
    # 2025 by hand: 006A1 1,200.00 + 006B1 2,500.50; 2024: 006C1 300.00
    assert company_bookings(empty_settings, monkeypatch, capsys, "2025") == pytest.approx(3700.5)
    assert company_bookings(empty_settings, monkeypatch, capsys, "2024") == pytest.approx(300.0)
    # the staged files are gone once imported
    assert "no longer waiting here" in step.confirm(client, empty_app)

    # next month's export with the same headers: the profile applies by itself
    again = Step(drop(client, empty_app, {"Opportunities (May).csv": SALESFORCE,
                                          "territories.csv": TERRITORIES,
                                          "alignment.csv": ALIGNMENT}))
    assert "Profile “salesforce” applied by itself" in str(again.tree)


def test_an_unmapped_required_field_is_named_with_why_until_the_mapping_is_edited(empty_app):
    client = _client(empty_app)
    export = SALESFORCE.replace("Amount,Stage", "Deal Value,Stage", 1)
    step = Step(drop(client, empty_app, {"deals.csv": export}))
    assert step.column("Deal Value")["field"] == ""
    assert ("no column is mapped to amount, which is required: bookings and pipeline are "
            "sums of amounts") in step.problems
    assert step.disabled is True
    assert "006A1" not in step.preview

    step.column("Deal Value")["field"] = "amount"
    step.edit(client, empty_app, ids.IMPORT_MAP_COLUMNS)
    assert "no column is mapped to amount" not in step.problems
    assert step.disabled is False
    assert "2500.5" in step.preview  # $2,500.50 as stored


def test_an_ambiguous_date_column_is_asked_and_answered(empty_app):
    client = _client(empty_app)
    engine = empty_app.server.extensions["territory_service"].engine
    step = Step(drop(client, empty_app, {"export.csv": AMBIGUOUS}))
    close = step.column("Close Date")
    assert close["order"] == "" and close["ask"] is True
    assert "every date in Close Date reads both as month/day and as day/month" in step.problems
    assert step.disabled is True

    for name in ("Close Date", "Created Date"):
        step.column(name)["order"] = "dmy"
    step.edit(client, empty_app, ids.IMPORT_MAP_COLUMNS)
    assert step.disabled is False and step.column("Close Date")["ask"] is False
    assert "2025-04-03" in step.preview  # 03/04/2025 read day first
    assert "Imported" in step.confirm(client, empty_app)
    assert store.read_dataset(engine).opportunities.close_on.dt.date.astype(str).tolist() == [
        "2025-04-03"]


def test_a_stage_edited_to_won_counts_as_won(empty_app, empty_settings, monkeypatch, capsys):
    client = _client(empty_app)
    export = SALESFORCE.replace(",Won,Closed,", ",Is it won,Is it closed,", 1)
    step = Step(drop(client, empty_app, {"Opportunities report.csv": export,
                                         "territories.csv": TERRITORIES,
                                         "alignment.csv": ALIGNMENT}))
    next(s for s in step.stages if s["stage"] == "Negotiation")["status"] = "won"
    step.edit(client, empty_app, ids.IMPORT_MAP_STAGES)
    assert {s["stage"]: s["status"] for s in step.stages}["Negotiation"] == "won"
    assert "Imported" in step.confirm(client, empty_app)
    # 3700.5 + 006B2's 999.99, now won on 9/30/2025
    assert company_bookings(empty_settings, monkeypatch, capsys, "2025") == pytest.approx(4700.49)


def test_another_users_token_reads_as_gone_and_native_files_import_at_once(empty_app):
    engine = empty_app.server.extensions["territory_service"].engine
    users.add_user(engine, "other", PASSWORD, "leader")
    step = Step(drop(_client(empty_app), empty_app, {"export.csv": SALESFORCE}))
    # the other leader's own page: the import's job runs as the viewer it signed
    theirs = Step(drop(_client(empty_app, "other"), empty_app, {"export.csv": SALESFORCE}))
    assert "no longer waiting here" in step.confirm(
        _client(empty_app, "other"), empty_app, **{f"{ids.IMPORT_MAP_VIEWER}.data": theirs.viewer})
    assert store.read_dataset(engine).opportunities.empty
    # files named after their tables skip the mapping step, as before
    status, body = upload(_client(empty_app), empty_app, {"territories.csv": TERRITORIES.encode()},
                          previous=step.token)
    response = body["response"]
    assert "Imported 1 territories" in str(response[ids.IMPORT_RESULT]["children"])
    assert response[ids.IMPORT_MAP]["children"] is None


def HeldBuild(monkeypatch, go) -> Held:  # noqa: N802 - reads as the class it was
    """Imports from now on hold at their building step until released."""
    from dashboard.ingest import mapping

    return Held(monkeypatch, mapping, "build", go)


def _progress(body: dict) -> dict:
    """A poll's progress by output, as ``{"id.prop": value}``."""
    return body.get("progress") or {}


def _building(body: dict) -> bool:
    return _progress(body).get(f"{ids.IMPORT_MAP_STEP}.children") == "Building the tables…"


def test_import_runs_as_a_background_job_showing_its_steps(empty_app, monkeypatch, tmp_path):
    client = _client(empty_app)
    engine = empty_app.server.extensions["territory_service"].engine
    step = Step(drop(client, empty_app, {"Opportunities report.csv": SALESFORCE,
                                         "territories.csv": TERRITORIES,
                                         "alignment.csv": ALIGNMENT}))
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job = step.start(client, empty_app)
    # the request only starts the job: no import in it
    assert "response" not in job.started and job.handles.keys() == {"cacheKey", "job"}
    seen = _progress(job.wait(_building))
    assert seen[f"{ids.IMPORT_MAP_PROGRESS}.value"] == 12
    assert seen[f"{ids.IMPORT_MAP_PROGRESS}.label"] == "12%"
    assert seen[f"{ids.IMPORT_MAP_CANCEL}.disabled"] is False  # may still be cancelled
    assert store.read_dataset(engine).opportunities.empty
    held.release()
    report = str(job.answer()[ids.IMPORT_MAP_RESULT]["children"])
    assert "Imported" in report and "5 opportunities" in report
    assert "Nothing was imported" not in report  # no "0 problems" under a success
    assert len(store.read_dataset(engine).opportunities) == 5


def test_cancel_stops_the_import_before_it_writes_and_import_starts_again(
        empty_app, monkeypatch, tmp_path):
    client = _client(empty_app)
    engine = empty_app.server.extensions["territory_service"].engine
    version = store.data_version(engine)
    step = Step(drop(client, empty_app, {"Opportunities report.csv": SALESFORCE,
                                         "territories.csv": TERRITORIES,
                                         "alignment.csv": ALIGNMENT}))
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job = step.start(client, empty_app)
    job.wait(_building)
    status, body = post_callback(client, empty_app, (ids.IMPORT_MAP_CANCEL, "disabled"), {
        f"{ids.IMPORT_MAP_CANCEL}.n_clicks": 1, f"{ids.IMPORT_MAP_TOKEN}.data": step.token,
        f"{ids.IMPORT_MAP_CONFIRM}.n_clicks": 1})
    assert status == 200 and body["response"][ids.IMPORT_MAP_CANCEL]["disabled"] is True
    held.release()
    answer = job.answer()
    assert "Import cancelled before the data was written" in str(
        answer[ids.IMPORT_MAP_RESULT]["children"])
    assert answer[ids.IMPORT_MAP_CONFIRM]["disabled"] is False
    assert store.data_version(engine) == version
    assert store.read_dataset(engine).opportunities.empty
    # the files still wait: Import again lands them
    assert "5 opportunities" in step.confirm(client, empty_app, clicks=2)


def test_an_uploads_check_runs_as_a_background_job_showing_its_steps(
        empty_app, monkeypatch, tmp_path):
    """The mapping step's dry run (15-55 s on a 150,000-line export) runs in the
    upload's job: the request only stages the files; the bar shows the check's
    steps over the whole bar (building starts at 12% of an import's work, 60%
    of which is done when a dry run ends: 12 / 60 = 20%); then the step."""
    client = _client(empty_app)
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job, seen, _run = _upload_held_at_building(client, empty_app)
    assert seen[f"{ids.IMPORT_RUN_PROGRESS}.value"] == 20
    assert seen[f"{ids.IMPORT_RUN_CANCEL}.disabled"] is False
    held.release()
    step = find(job.answer()[ids.IMPORT_MAP]["children"], ids.IMPORT_MAP_COLUMNS)
    assert {r["column"]: r["field"] for r in step["rowData"]}["Close Date"] == "close_on"


def _upload_held_at_building(client, app):
    """Drop the Salesforce export while the check holds at its building step: the
    upload's job, the progress it shows there and the job's store."""
    status, body = post_callback(client, app, (ids.IMPORT_RESULT, "children"), {
        f"{ids.IMPORT_UPLOAD}.contents": ["data:text/csv;base64," + base64.b64encode(
            SALESFORCE.encode()).decode()],
        f"{ids.IMPORT_UPLOAD}.filename": ["Opportunities report.csv"]})
    assert status == 200, body
    answer = body["response"]
    assert answer[ids.IMPORT_MAP]["children"] is None  # no check in the request
    run = find(answer, ids.IMPORT_RUN)
    assert run is not None, "the upload opened no job"
    job = start_import(client, app, run["data"])
    assert "response" not in job.started
    seen = job.wait(lambda body: (body.get("progress") or {}).get(
        f"{ids.IMPORT_RUN_STEP}.children") == "Building the tables…")["progress"]
    return job, seen, run["data"]


def test_cancel_while_an_upload_is_checked_shows_no_mapping_step(
        empty_app, monkeypatch, tmp_path):
    """Cancel pressed while the upload's check builds the tables is honoured as
    the check ends (it has no write step to look at Cancel again)."""
    client = _client(empty_app)
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job, _seen, run = _upload_held_at_building(client, empty_app)
    status, body = post_callback(client, empty_app, (ids.IMPORT_RUN_CANCEL, "disabled"), {
        f"{ids.IMPORT_RUN_CANCEL}.n_clicks": 1, f"{ids.IMPORT_RUN}.data": run})
    assert status == 200 and body["response"][ids.IMPORT_RUN_CANCEL]["disabled"] is True
    held.release()
    answer = job.answer()
    assert "Import cancelled" in str(answer[ids.IMPORT_RUN_RESULT]["children"])
    assert not (answer.get(ids.IMPORT_MAP) or {}).get("children")  # no mapping step


def test_the_check_after_a_grid_edit_runs_as_the_steps_background_job(
        empty_app, monkeypatch, tmp_path):
    """An edit's re-check (the dry run again: 15-55 s on a 150,000-line export)
    runs in the mapping step's job, as Import does: the request only starts it,
    the bar shows the check's steps (building at 12 / 60 = 20%, as the
    upload's check) with Cancel, then the problems and first rows anew."""
    client = _client(empty_app)
    export = SALESFORCE.replace("Amount,Stage", "Deal Value,Stage", 1)
    step = Step(drop(client, empty_app, {"deals.csv": export}))
    assert "no column is mapped to amount" in step.problems and step.disabled is True
    step.column("Deal Value")["field"] = "amount"
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job = step.start_edit(client, empty_app, ids.IMPORT_MAP_COLUMNS)
    assert "response" not in job.started, "the re-check answered in the request"
    seen = _progress(job.wait(_building))
    assert seen[f"{ids.IMPORT_MAP_PROGRESS}.value"] == 20
    assert seen[f"{ids.IMPORT_MAP_CANCEL}.disabled"] is False
    held.release()
    step.took(job.answer())
    assert "no column is mapped to amount" not in step.problems
    assert step.disabled is False
    assert "2500.5" in step.preview  # $2,500.50 as stored


def test_cancel_stops_a_re_check_and_the_next_edit_checks_again(
        empty_app, monkeypatch, tmp_path):
    client = _client(empty_app)
    export = SALESFORCE.replace("Amount,Stage", "Deal Value,Stage", 1)
    step = Step(drop(client, empty_app, {"deals.csv": export}))
    step.column("Deal Value")["field"] = "amount"
    held = HeldBuild(monkeypatch, tmp_path / "go")
    job = step.start_edit(client, empty_app, ids.IMPORT_MAP_COLUMNS)
    job.wait(_building)
    status, body = post_callback(client, empty_app, (ids.IMPORT_MAP_CANCEL, "disabled"), {
        f"{ids.IMPORT_MAP_CANCEL}.n_clicks": 1, f"{ids.IMPORT_MAP_TOKEN}.data": step.token,
        f"{ids.IMPORT_MAP_CONFIRM}.n_clicks": None})
    assert status == 200 and body["response"][ids.IMPORT_MAP_CANCEL]["disabled"] is True
    held.release()
    answer = job.answer()
    assert "Check cancelled" in str(answer[ids.IMPORT_MAP_RESULT]["children"])
    # the problems are still those before the edit (no answer for them)
    assert ids.IMPORT_MAP_PROBLEMS not in answer
    # the next edit is checked to its end, not stopped by the earlier Cancel
    step.edit(client, empty_app, ids.IMPORT_MAP_COLUMNS)
    assert "no column is mapped to amount" not in step.problems and step.disabled is False
