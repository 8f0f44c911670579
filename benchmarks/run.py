"""Benchmark runner: server time of every interaction through the real callback endpoint.

    python -m benchmarks.run --size S|M|L [--repeats N] [--write]
    python -m benchmarks.run --quick          # size S, 3 repeats, smoke test
    python -m benchmarks.run --size L --units zip --write   # the same data on ZIP areas

The app is built with ``create_app`` on a benchmark database (see
``benchmarks/datasets.py``) and each interaction is a POST to
``/_dash-update-component`` through Flask's test client, built from the app's
own callback map, so the timing covers Dash's dispatch, the callback and the
JSON encoding of the response. Views are found by their output ids; one that
is not registered (yet) is reported "n/a", not failed.

*Cold* is the primary figure: the shared result cache (``DataService.memo``)
is cleared before every call and the inputs change between repeats (periods,
regions, KPIs, territories, thresholds cycle), so nothing is answered from a
cache. *Warm* repeats the same call straight after, as the cache answers it.
Each interaction gets one unrecorded warm-up call first (imports, lazily
loaded geography, the what-if row index).

A what-if interaction is the chain of callbacks one click sets off in the
editor: the button's callback (move the ticked counties or accounts, set a
quota) answers the scenario's new history, which fires the before/after
figures (``wi-fairness`` and the grids: ``changeset.apply`` +
``scenario_impact``) and the account list; the row times the three POSTs one
after the other, each starting from the live alignment. On ZIP units
(``--units zip``, the dataset of ``benchmarks.datasets --units zip``) the unit
moved is a ZIP area (the editor's Move with one ZIP selected), and the section
written is ``Size L (ZIP units)``, beside the county one.

The DuckDB floor (``benchmarks/floor.py``) runs the same aggregation as plain
SQL over the same rows in the same process; ratio = cold p50 / floor p50.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from benchmarks import datasets
from tests.dash_http import browser_headers, find_where, payload, sign_in, timed_post

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
QUICK_REPEATS = 3
DEFAULT_REPEATS = 10
HTTP = "HTTP callback"
HTTP_CHAIN = "HTTP callbacks (click → figures + account list)"


@dataclass
class Row:
    name: str
    via: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.cold)

    def p(self, values: list[float], q: float) -> float | None:
        return float(np.percentile(values, q)) * 1000 if values else None

    def summary(self) -> dict:
        cold50 = self.p(self.cold, 50)
        floor50 = self.p(self.floor, 50)
        return {
            "name": self.name, "via": self.via, "note": self.note,
            "cold_p50_ms": cold50, "cold_p95_ms": self.p(self.cold, 95),
            "warm_p50_ms": self.p(self.warm, 50),
            "response_bytes": int(statistics.median(self.sizes)) if self.sizes else None,
            "floor_p50_ms": floor50,
            "ratio": cold50 / floor50 if cold50 and floor50 else None,
        }


@dataclass
class Result:
    size: str
    repeats: int
    counts: dict
    rows: list[Row]
    facts: dict


class _ErrorCounter(logging.Handler):
    """Counts ERROR records: a failing callback is logged by the app's
    ``on_error`` hook and may still answer 200."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


@dataclass
class _Http:
    name: str
    find: Callable  # (o, spec) -> bool
    changed: str  # "id.prop" the interaction changes
    values: Callable[[int], dict]
    floor: Callable[[int], Callable[[], object]] | None


@dataclass
class _WhatIf:
    """An editor click: the button, what the form holds ("id.prop" -> value), and
    the DuckDB floor of the same re-aggregation."""

    name: str
    button: str
    form: Callable[[int], dict]
    floor: Callable[[int], Callable[[], object]]


def _timed_answer(client, body: dict) -> tuple[int, int, float, dict]:
    """``timed_post`` that also hands back the answer, which the next callback reads."""
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body, headers=browser_headers(client))
    data = response.get_data()
    elapsed = time.perf_counter() - started
    return response.status_code, len(data), elapsed, json.loads(data) if data else {}


def editor_callbacks(app) -> tuple | None:
    """The what-if editor's edit, figures and account-list callbacks (key, spec),
    or None when the editor is not registered."""
    from layouts import ids

    found = (
        find_where(app, lambda o, spec: o["id"] == ids.WI_HISTORY
                   and any(d["id"] == ids.WI_MOVE for d in spec["inputs"])),
        find_where(app, lambda o, _spec: (o["id"], o["property"]) == (ids.WI_FAIRNESS,
                                                                      "children")),
        find_where(app, lambda o, _spec: (o["id"], o["property"]) == (ids.WI_ACCOUNTS,
                                                                      "rowData")),
    )
    return None if None in found else found


def editor_click(client, app, button: str, form: dict) -> tuple[int, float]:
    """One click in the what-if editor on the live alignment, as the browser makes it:
    the button's callback, then the two its new history fires. (Response bytes,
    seconds of the three POSTs.) Raises when the editor refuses the change: the
    row would time a message, not the work."""
    from layouts import ids

    edit, figures, account_list = editor_callbacks(app)
    values = {f"{button}.n_clicks": 1, f"{ids.WI_HISTORY}.data": [], f"{ids.URL}.search": "",
              **form}
    status, size, elapsed, answer = _timed_answer(
        client, payload(*edit, values, [f"{button}.n_clicks"]))
    steps = answer.get("response", {}).get(ids.WI_HISTORY, {}).get("data")
    if status != 200 or not steps:
        alert = answer.get("response", {}).get(ids.WI_ALERT, {}).get("children")
        raise RuntimeError(f"the editor refused {button} (HTTP {status}): {alert}")
    shown = {f"{ids.WI_HISTORY}.data": steps, f"{ids.PERIOD}.value": "qtd",
             f"{ids.WI_METRIC}.value": "potential", f"{ids.WI_WEIGHT}.value": 0.5,
             f"{ids.URL}.search": "", f"{ids.WI_ACCOUNT_SEARCH}.value": "",
             f"{ids.WI_SELECT}.value": []}
    for key, spec in (figures, account_list):
        status, more, seconds = timed_post(
            client, payload(key, spec, shown, [f"{ids.WI_HISTORY}.data"]))
        if status != 200:
            raise RuntimeError(f"HTTP {status} from {key}")
        size, elapsed = size + more, elapsed + seconds
    return size, elapsed


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


_RESTART = """
import json, resource, sys, time
from dashboard.runtime.config import Settings
from dashboard.runtime.service import DataService
service = DataService(Settings(instance_path=sys.argv[1], database_url=sys.argv[2], demo=False,
                               tile_url="", secret_key="bench"))
started = time.perf_counter()
service.frames()
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries the parent's ru_maxrss across fork + exec
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
rss = int(peak[0].split()[1]) / 1024 if peak else resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"restart_s": elapsed, "restart_rss_mb": rss}))
"""


def _restart(instance: str, database_url: str) -> dict:
    """A worker (re)starting on the same data version, in its own process so
    its memory does not add to this one's peak: frames from the snapshot."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _RESTART, instance, database_url],
                          capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    import duckdb
    import pandas

    return {"nproc": cores, "ram_gib": ram, "cpu": cpu,
            "python": platform.python_version(), "pandas": pandas.__version__,
            "duckdb": duckdb.__version__}


def run_benchmark(size: str, repeats: int, *, seed: int = datasets.DEFAULT_SEED,
                  root: Path = datasets.OUT, subprocess_build: bool = True,
                  log=print, units: str = datasets.COUNTY) -> Result:
    from app import create_app
    from callbacks import overview as overview_callbacks
    from dashboard.geo import us_atlas
    from dashboard.runtime.config import Settings
    from dashboard.views import map_geometry
    from dashboard.views.choropleth import MAP_KPIS
    from dashboard.views.flagged import default_inputs
    from dashboard.views.selection import Selection, period_options, resolve_period
    from layouts import ids

    folder = datasets.ensure(size, seed, root, subprocess_build=subprocess_build, log=log,
                             units=units)
    counts = (datasets.existing(size, seed, root, units) or {}).get("counts", {})
    facts: dict = {"units": units}

    with tempfile.TemporaryDirectory(prefix="td-bench-cache-") as cache_dir:
        # the database is the benchmark's; the flask cache goes in a scratch folder
        settings = Settings(
            instance_path=cache_dir, database_url=f"sqlite:///{folder / datasets.DB_NAME}",
            demo=False, tile_url="", secret_key="bench",
        )
        started = time.perf_counter()
        app = create_app(settings)
        facts["create_app_s"] = time.perf_counter() - started
        service = app.server.extensions["territory_service"]
        cache = app.server.extensions["territory_cache"]
        if service._frames is not None:  # create_app built them: time a fresh service
            from dashboard.runtime.service import DataService

            probe = DataService(settings)
            started = time.perf_counter()
            probe.frames()
            facts["cold_start_s"] = time.perf_counter() - started
            probe.engine.dispose()
            del probe
        else:
            started = time.perf_counter()
            service.frames()
            facts["cold_start_s"] = time.perf_counter() - started
        facts["rss_after_cold_start_mb"] = _peak_rss_mb()
        # a restart of the same data version: frames from the snapshot the first start wrote
        waiting = getattr(service, "wait_for_snapshot", None)
        if waiting is not None:
            from dashboard.storage import snapshot

            waiting()
            written = list(snapshot.folder(cache_dir).glob("*.pickle"))
            if written:
                facts["snapshot_mb"] = written[0].stat().st_size / 2**20
                facts.update(_restart(cache_dir, settings.database_url))
        frames = service.frames()
        as_of = service.as_of()

        # the map page's initial payload: the overview page as Dash serialises it
        from plotly.utils import PlotlyJSONEncoder

        started = time.perf_counter()
        page = overview_callbacks.render(service, Selection())
        facts["first_map_render_s"] = time.perf_counter() - started
        facts["map_page_bytes"] = len(json.dumps(page, cls=PlotlyJSONEncoder))
        # the territories come apart, once, from the geometry route (callbacks/geometry.py)
        facts["territory_topojson_bytes"] = len(
            map_geometry.topology_text(frames, map_geometry.TERRITORIES))

        periods = [o["value"] for o in period_options(as_of)]
        regions = sorted(frames.territories["region"].dropna().unique())
        kpis = list(MAP_KPIS)
        tids = list(frames.territories["territory_id"])
        # reps that own a territory: their card has real figures to show
        rep_ids = sorted(frames.reps.dropna(subset=["territory_id"]).index)
        rep_territory = frames.reps["territory_id"].to_dict()
        defaults = default_inputs()

        def base(i: int = 0) -> dict:
            values = {
                f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
                f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
                f"{ids.URL}.search": "", f"{ids.URL}.pathname": "/",
                f"{ids.DRILLDOWN_TERRITORY}.data": tids[i % len(tids)],
                f"{ids.UP_PENETRATION}.value": True,
            }
            level = getattr(ids, "ATTAINMENT_LEVEL", None)
            if level:
                values[f"{level}.value"] = "territory"
            for name, ident in (("pace", ids.UP_PACE), ("coverage", ids.UP_COVERAGE),
                                ("growth", ids.UP_GROWTH),
                                ("potential_index", ids.UP_POTENTIAL_INDEX)):
                values[f"{ident}.value"] = defaults[name]
            return values

        def period_of(i: int):
            return resolve_period(periods[i % len(periods)], as_of)

        qtd = resolve_period("qtd", as_of)

        def is_(ident: str, prop: str = "children"):
            return lambda o, spec: o["id"] == ident and o["property"] == prop

        def view(prefix: str):
            def match(o, spec):
                return (isinstance(o["id"], str) and o["id"].startswith(prefix)
                        and o["property"] == "children"
                        and any(d["id"] == ids.PERIOD for d in spec["inputs"]))
            return match

        def drilldown(o, spec):
            ident = o["id"]
            if ident == getattr(ids, "DRILLDOWN", "drilldown"):
                return o["property"] == "children"
            return (isinstance(ident, str) and ident.startswith("drilldown")
                    and o["property"] == "children")

        def thresholds(i: int) -> dict:
            values = base()
            values[f"{ids.UP_PACE}.value"] = [70, 80, 85, 90, 95][i % 5]
            values[f"{ids.UP_COVERAGE}.value"] = [1.5, 2.0, 2.5, 3.0][i % 4]
            values[f"{ids.UP_GROWTH}.value"] = [-10, -5, 0, 5][i % 4]
            values[f"{ids.UP_POTENTIAL_INDEX}.value"] = [0.6, 0.7, 0.8, 0.9][i % 4]
            return values

        def with_(i: int, **changes) -> dict:
            values = base(i)
            values.update({f"{k.replace('__', '.')}": v for k, v in changes.items()})
            return values

        floor_holder: dict = {}

        def fl(method: str, *args_of: Callable[[int], object]):
            def make(i: int):
                args = [a(i) for a in args_of]
                return lambda: getattr(floor_holder["floor"], method)(*args)
            return make

        http = [
            _Http("Recolour map by another KPI", is_(ids.KPI_STRIP),
                  f"{ids.MAP_KPI_PICKER}.value",
                  lambda i: {**base(), f"{ids.MAP_KPI_PICKER}.value": kpis[(i + 1) % len(kpis)]},
                  fl("overview", lambda i: qtd)),
            _Http("Change the period", is_(ids.KPI_STRIP), f"{ids.PERIOD}.value",
                  lambda i: {**base(), f"{ids.PERIOD}.value": periods[i % len(periods)]},
                  fl("overview", period_of)),
            _Http("Change the region", is_(ids.KPI_STRIP), f"{ids.REGION}.value",
                  lambda i: {**base(), f"{ids.REGION}.value": regions[i % len(regions)]},
                  fl("overview", lambda i: qtd, lambda i: regions[i % len(regions)])),
            _Http("Open a territory drill-down", drilldown,
                  f"{ids.DRILLDOWN_TERRITORY}.data", lambda i: base(i),
                  fl("drilldown", lambda i: tids[i % len(tids)], lambda i: qtd)),
            _Http("Attainment view (period change)", view("attainment"), f"{ids.PERIOD}.value",
                  lambda i: {**base(), f"{ids.PERIOD}.value": periods[i % len(periods)]},
                  fl("overview", period_of)),
            _Http("Pipeline view (period change)", view("pipeline"), f"{ids.PERIOD}.value",
                  lambda i: {**base(), f"{ids.PERIOD}.value": periods[i % len(periods)]},
                  fl("pipeline", period_of)),
            _Http("Underperformers, new thresholds", is_(ids.UP_SUMMARY),
                  f"{ids.UP_PACE}.value", thresholds, fl("underperformers", lambda i: qtd)),
            _Http("Open the map page (route '/')", is_(ids.PAGE), f"{ids.URL}.pathname",
                  lambda i: {**base(), f"{ids.URL}.search": f"?period={periods[i % len(periods)]}"},
                  fl("overview", period_of)),
            _Http("Rep scorecard", is_(getattr(ids, "SCORECARD_CONTENT", "scorecard-content")),
                  f"{getattr(ids, 'SCORECARD_REP', 'scorecard-rep')}.value",
                  lambda i: {**base(), f"{ids.PERIOD}.value": periods[i % len(periods)],
                             f"{getattr(ids, 'SCORECARD_REP', 'scorecard-rep')}.value":
                                 rep_ids[(i * 37) % len(rep_ids)] if rep_ids else None},
                  fl("scorecard", lambda i: rep_territory[rep_ids[(i * 37) % len(rep_ids)]],
                     period_of) if rep_ids else None),
        ]

        errors = _ErrorCounter()
        logging.getLogger().addHandler(errors)
        client = sign_in(app.server.test_client())
        rows: list[Row] = []
        floors: dict[str, Callable[[int], Callable[[], object]]] = {}
        try:
            for spec in http:
                found = find_where(app, spec.find)
                if found is None:
                    note = "no view yet" if spec.floor is None else "view not registered"
                    rows.append(Row(spec.name, "n/a", note=note))
                    continue
                key, cb = found
                row = Row(spec.name, HTTP)
                rows.append(row)
                before = errors.count
                cache.clear()
                status, _, _ = timed_post(client, payload(key, cb, spec.values(0), [spec.changed]))
                if status not in (200, 204) or errors.count > before:
                    row.via = "n/a"
                    row.note = f"callback failed (HTTP {status}); see log"
                    continue
                for i in range(1, repeats + 1):
                    body = payload(key, cb, spec.values(i), [spec.changed])
                    cache.clear()
                    status, size_, elapsed = timed_post(client, body)
                    row.cold.append(elapsed)
                    row.sizes.append(size_)
                    _, _, elapsed = timed_post(client, body)
                    row.warm.append(elapsed)
                if errors.count > before:
                    row.note = f"{errors.count - before} callback error(s) logged"
                if spec.floor is not None:
                    floors[spec.name] = spec.floor
        finally:
            logging.getLogger().removeHandler(errors)

        # what-if: the editor's clicks, through the same endpoint
        alignment = frames.alignment["territory_id"]
        counties = alignment.dropna().index.to_numpy()
        account_ids = frames.accounts.index.to_numpy()
        n_moved = min(1000, len(account_ids))

        def other_territory(current, i: int) -> str:
            for step in range(1, len(tids) + 1):
                candidate = tids[(i + step) % len(tids)]
                if candidate != current:
                    return candidate
            return tids[0]

        def county_move(i: int):
            fips = counties[(i * 7919) % len(counties)]
            return fips, other_territory(alignment[fips], i)

        # on ZIP units: a ZIP area holding accounts, which follows its county's territory
        placed = frames.accounts.dropna(subset=["zip"]) if "zip" in frames.accounts else None
        zip_ids = [] if placed is None else sorted(placed["zip"].unique())

        def zip_move(i: int):
            zip_id = zip_ids[(i * 7919) % len(zip_ids)]
            county = placed.loc[placed["zip"] == zip_id, "county_fips"].iloc[0]
            return zip_id, other_territory(alignment[county], i)

        def zip_floor(i: int):
            # the floor of a ZIP move: its accounts without an override, moved
            zip_id, target = zip_move(i)
            inside = placed[(placed["zip"] == zip_id) & placed["territory_override"].isna()]
            return lambda: floor_holder["floor"].whatif_accounts(
                list(inside["account_id"]), target, qtd)

        def accounts_move(i: int):
            rng = np.random.default_rng(i)
            return list(rng.choice(account_ids, size=n_moved, replace=False)), tids[i % len(tids)]

        def quota_change(i: int):
            return tids[(i * 13) % len(tids)], [5, 10, -5, -10][i % 4]

        unit_move = _WhatIf("What-if: move one county", ids.WI_MOVE, lambda i: {
            f"{ids.WI_SELECT}.value": [county_move(i)[0]],
            f"{ids.WI_TARGET}.value": county_move(i)[1]},
            lambda i: lambda: floor_holder["floor"].whatif_county(*county_move(i), qtd))
        if units != datasets.COUNTY:
            unit_move = _WhatIf("What-if: move one ZIP area", ids.WI_MOVE, lambda i: {
                f"{ids.WI_SELECT}.value": [], f"{ids.WI_ZIP_SELECTED}.data": [zip_move(i)[0]],
                f"{ids.WI_TARGET}.value": zip_move(i)[1]}, zip_floor)
        whatif = [
            unit_move,
            _WhatIf(f"What-if: move {n_moved:,} accounts", ids.WI_ACCOUNT_MOVE, lambda i: {
                f"{ids.WI_ACCOUNTS}.selectedRows": [{"id": a} for a in accounts_move(i)[0]],
                f"{ids.WI_ACCOUNT_TARGET}.value": accounts_move(i)[1]},
                lambda i: lambda: floor_holder["floor"].whatif_accounts(*accounts_move(i), qtd)),
            _WhatIf("What-if: change a quota", ids.WI_QUOTA_APPLY, lambda i: {
                f"{ids.WI_QUOTA_TERRITORY}.value": quota_change(i)[0],
                f"{ids.WI_QUOTA_PCT}.value": quota_change(i)[1]},
                lambda i: lambda: floor_holder["floor"].whatif_quota(
                    quota_change(i)[0], quota_change(i)[1] / 100, qtd)),
        ]
        errors = _ErrorCounter()
        logging.getLogger().addHandler(errors)
        try:
            for spec in whatif:
                if editor_callbacks(app) is None:
                    rows.append(Row(spec.name, "n/a", note="view not registered"))
                    continue
                row = Row(spec.name, HTTP_CHAIN)
                rows.append(row)
                before = errors.count
                cache.clear()
                editor_click(client, app, spec.button, spec.form(0))
                for i in range(1, repeats + 1):
                    cache.clear()
                    size_, elapsed = editor_click(client, app, spec.button, spec.form(i))
                    row.cold.append(elapsed)
                    row.sizes.append(size_)
                    row.warm.append(editor_click(client, app, spec.button, spec.form(i))[1])
                if errors.count > before:
                    row.note = f"{errors.count - before} callback error(s) logged"
                floors[spec.name] = spec.floor
        finally:
            logging.getLogger().removeHandler(errors)
        # n/a rows stay in interaction order; the rep scorecard goes last
        rows.sort(key=lambda r: r.name == "Rep scorecard")

        facts["peak_rss_mb"] = _peak_rss_mb()  # before DuckDB adds its own copy

        from benchmarks.floor import Floor

        started = time.perf_counter()
        floor_holder["floor"] = Floor(frames, as_of, us_atlas.load_counties()["area_km2"])
        facts["floor_load_s"] = time.perf_counter() - started
        try:
            for row in rows:
                make = floors.get(row.name)
                if make is None or not row.measured:
                    continue
                make(0)()
                for i in range(1, repeats + 1):
                    call = make(i)
                    started = time.perf_counter()
                    call()
                    row.floor.append(time.perf_counter() - started)
        finally:
            floor_holder["floor"].close()
        service.engine.dispose()
    facts["peak_rss_with_duckdb_mb"] = _peak_rss_mb()
    return Result(size, repeats, counts, rows, facts)


# -- output ---------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def markdown_table(result: Result) -> str:
    lines = [
        "| Interaction | Measured via | p50 ms (cold) | p95 ms (cold) | p50 ms (warm, cached) "
        "| Response bytes | DuckDB floor p50 ms | Ratio p50 / floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.rows:
        s = row.summary()
        via = row.via + (f" — {row.note}" if row.note else "")
        if not row.measured:
            lines.append(f"| {row.name} | {via} | n/a | n/a | n/a | n/a | n/a | n/a |")
            continue
        size = f"{s['response_bytes']:,}" if s["response_bytes"] is not None else "—"
        ratio = f"{s['ratio']:.1f}×" if s["ratio"] is not None else "—"
        lines.append(
            f"| {row.name} | {via} | {_ms(s['cold_p50_ms'])} | {_ms(s['cold_p95_ms'])} "
            f"| {_ms(s['warm_p50_ms'])} | {size} | {_ms(s['floor_p50_ms'])} | {ratio} |"
        )
    return "\n".join(lines)


def facts_list(result: Result) -> str:
    f = result.facts
    return "\n".join([
        f"- Cold start (database → frames ready, fresh service): {f['cold_start_s']:.2f} s "
        f"(create_app: {f['create_app_s']:.2f} s)"
        + (f"; a worker restarting on the same data version reads the frames snapshot: "
           f"{f['restart_s']:.2f} s ({f['snapshot_mb']:,.0f} MB file, peak RSS "
           f"{f['restart_rss_mb']:,.0f} MB)" if "restart_s" in f else ""),
        f"- Peak RSS: {f['peak_rss_mb']:,.0f} MB after all app interactions "
        f"({f['rss_after_cold_start_mb']:,.0f} MB after cold start; "
        f"{f['peak_rss_with_duckdb_mb']:,.0f} MB once DuckDB holds its copy for the floor)",
        f"- Map page initial payload (overview `render`, JSON): {f['map_page_bytes']:,} bytes, "
        f"and its territories' TopoJSON (fetched once from the geometry route) "
        f"{f['territory_topojson_bytes']:,} bytes; first render {f['first_map_render_s']:.2f} s",
        f"- DuckDB floor: tables loaded in {f['floor_load_s']:.2f} s (not in the ratios)",
    ])


#: the section's title and what its units are called, by unit layer
UNIT_WORDS = {"county": ("", "counties"), "zip": (" (ZIP units)", "approximate ZIP areas"),
              "mixed": (" (mixed units)", "counties, the big metros' ZIP areas")}


def section_key(size: str, units: str = datasets.COUNTY) -> str:
    """The RESULTS.md marker of a size's section: ``L``, or ``L-zip`` on ZIP units."""
    return size if units == datasets.COUNTY else f"{size}-{units}"


def report(result: Result, info: dict, when: str) -> str:
    counts = result.counts
    scale = ", ".join(f"{counts.get(k, '?'):,} {k}" for k in
                      ("territories", "accounts", "opportunities", "alignment")
                      if k in counts)
    title, unit_words = UNIT_WORDS[result.facts.get("units", datasets.COUNTY)]
    return "\n".join([
        f"### Size {result.size}{title}",
        "",
        f"{when} · {info['nproc']} CPUs ({info['cpu']}), {info['ram_gib']} GiB RAM · "
        f"Python {info['python']}, pandas {info['pandas']}, DuckDB {info['duckdb']} · "
        f"{result.repeats} repeats",
        "",
        f"Data: {scale} (alignment = counties"
        + (f"; the units are {unit_words}, each following its county's row)." if title
           else ")."),
        "",
        markdown_table(result),
        "",
        facts_list(result),
    ])


RESULTS_HEADER = """# Benchmark results

Produced by `python -m benchmarks.run --size <S|M|L> --write` (see `benchmarks/README.md`).
Server time is measured around a POST to `/_dash-update-component` through Flask's test client;
*cold* = the shared result cache cleared before the call and inputs varied between repeats;
*warm* = the identical call repeated straight after (answered by `DataService.memo`).
Ratio = cold p50 ÷ the DuckDB floor p50 for the same aggregation over the same rows.
"""


def write_results(section: str, size: str, path: Path = RESULTS) -> None:
    """Replace this size's section (between markers), keep everything else. A new
    ``L-zip`` section goes straight after its size's own."""
    begin, end = f"<!-- size:{size} -->", f"<!-- /size:{size} -->"
    block = f"{begin}\n{section}\n{end}"
    text = path.read_text() if path.exists() else RESULTS_HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    own = f"<!-- /size:{size.split('-')[0]} -->"
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    elif size not in datasets.SIZES and own in text:
        text = text.replace(own, f"{own}\n\n{block}", 1)
    else:
        order = list(datasets.SIZES)
        later = [s for s in order[order.index(size) + 1:] if f"<!-- size:{s} -->" in text]
        if later:
            marker = f"<!-- size:{later[0]} -->"
            text = text.replace(marker, f"{block}\n\n{marker}", 1)
        else:
            marker = "## Hotspots"
            if marker in text:
                text = text.replace(marker, f"{block}\n\n{marker}", 1)
            else:
                text = text.rstrip("\n") + f"\n\n{block}\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Territory Dashboard benchmark")
    parser.add_argument("--size", choices=list(datasets.SIZES), default=None)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: size S unless given, {QUICK_REPEATS} repeats")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--seed", type=int, default=datasets.DEFAULT_SEED)
    parser.add_argument("--root", type=Path, default=datasets.OUT,
                        help="where the benchmark databases live")
    parser.add_argument("--units", choices=datasets.UNITS, default=datasets.COUNTY,
                        help="the dataset's unit layer (benchmarks.datasets --units)")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    args = parser.parse_args(argv)

    size = args.size or ("S" if args.quick else None)
    if size is None:
        parser.error("--size is required (or --quick)")
    repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    result = run_benchmark(size, repeats, seed=args.seed, root=args.root, units=args.units)
    info = machine()
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    section = report(result, info, when)
    print(section)
    if args.write:
        write_results(section, section_key(size, args.units))
    if args.json:
        args.json.write_text(json.dumps({
            "size": size, "units": args.units, "repeats": repeats, "machine": info, "date": when,
            "counts": result.counts, "facts": result.facts,
            "rows": [{**r.summary(), "raw": asdict(r)} for r in result.rows],
        }, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
