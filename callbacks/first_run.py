"""The first-run checklist on the map page: a leader whose data holds accounts
and deals but no whole plan creates territories, reps with their sign-ins
and quotas, each step imported over the stored data through the ordinary
import (``dashboard.ingest.first_run``), all or nothing."""

from __future__ import annotations

import json
from datetime import date

import dash
import numpy as np
from dash import Input, Output, State, no_update

from callbacks import guard
from dashboard.access import users
from dashboard.i18n.translation import _
from dashboard.ingest import first_run
from dashboard.metrics.periods import to_day
from dashboard.runtime import geography
from dashboard.runtime.service import DataService
from dashboard.runtime.units import own_units
from dashboard.storage import store
from dashboard.views import overview as overview_view
from layouts import first_run as layout
from layouts import ids


def status(service: DataService) -> first_run.Checklist:
    frames = service.frames()
    return first_run.checklist(len(frames.accounts), len(frames.territories),
                               len(frames.reps), len(frames.quotas))


def _dataset(service: DataService):
    """The stored tables of this data version (the steps' rules read them)."""
    return service.derived(("first_run_dataset",), lambda _f: store.read_dataset(service.engine))


def _quota_rows(service: DataService, year: int, method: str = first_run.HISTORY,
                growth: float = 0.1, target: float = 0.0, weight: float = 0.5) -> list[dict]:
    dataset = _dataset(service)
    table = first_run.suggest_quotas(dataset.territories, dataset.accounts,
                                     dataset.opportunities,
                                     service.frames().accounts["territory_id"], year, method,
                                     growth, target, weight)
    names = dataset.territories.set_index("territory_id")["territory_name"]
    return [{"territory_id": territory, "territory_name": names.get(territory, territory),
             **{q: float(v) for q, v in row.items()}} for territory, row in table.iterrows()]


def _step_body(service: DataService, step: str | None):
    frames = service.frames()
    if step == "territories":
        accounts = _dataset(service).accounts
        units = own_units(service.engine)
        starts = {name: len(start(accounts)[0])
                  for name, start in first_run.starts(units).items()}
        return layout.territories_step(starts, own_layer=units is not None)
    if step == "reps":
        unowned = frames.territories[frames.territories["rep_id"].isna()].reset_index()
        return layout.reps_step(first_run.starter_reps(unowned))
    if step == "quotas":
        year = service.as_of().year
        return layout.quotas_step(year, first_run.quarters_of(year), _quota_rows(service, year))
    return None


def card(service: DataService, notes: list = ()):
    """The checklist at the data's current step, with ``notes`` above the steps."""
    state = status(service)
    created = _dataset(service).opportunities["created_on"].min()
    earliest = None if created is None or created != created else created.date()
    return layout.checklist(state.next_step, _step_body(service, state.next_step),
                            layout.as_of_line(service.as_of(), earliest), state.accounts,
                            list(notes))


def _account_points(frames, day: int) -> dict:
    """Every account as a clustered map point, flagged customer at ``day``
    (the overview's own encoding; no territory to filter by yet)."""
    prefixes = overview_view.point_prefixes(frames)
    accounts = frames.accounts.loc[prefixes.index]
    flags = np.where(overview_view.customers_at_end_of(accounts, day), "1}}", "0}}")
    features = [head + tail for head, tail in zip(prefixes.tolist(), flags.tolist(),
                                                  strict=True)]
    return json.loads('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}")


def company(service: DataService):
    """The company's figures and accounts on the map, before any territory."""
    dataset, as_of = _dataset(service), service.as_of()
    summary = first_run.company_summary(dataset.accounts, dataset.opportunities, as_of)
    points = service.derived(("first_run_points", as_of),
                             lambda frames: _account_points(frames, to_day(as_of)))
    units = service.geography()
    outlines = service.derived(("first_run_outlines",),
                               lambda _frames: geography.outlines(units))
    settings = service.settings
    return layout.company(summary, points, outlines, settings.tile_url,
                          settings.tile_attribution, fit=units.own)


def page(service: DataService, content=None):
    """The map page for a leader while the plan is not whole, else None;
    without territories, the company as a whole under the checklist."""
    viewer = guard.viewer()
    state = status(service)
    if viewer is None or not viewer.is_leader or not state.needed:
        return None
    if not state.territories:
        content = company(service)
    return layout.page(card(service), content)


def _problems(result) -> list:
    return [layout.message([str(p) for p in result.errors])]


def _number(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(Output(ids.FIRST_RUN, "children"),
                  Input(ids.FIRST_RUN_TERRITORIES_SAVE, "n_clicks"),
                  State(ids.FIRST_RUN_START, "value"), prevent_initial_call=True)
    @guard.level("leader")
    def create_territories(clicks, start):
        """Fires on Create territories: the chosen start's territories and
        alignment imported; the checklist moves on to the reps."""
        units = own_units(service.engine)
        offered = first_run.starts(units)
        if not clicks or start not in offered:
            return no_update
        territories, alignment, unaligned = offered[start](_dataset(service).accounts)
        result = first_run.save(service.engine, {"territories": territories,
                                                 "alignment": alignment},
                                guard.require_viewer().username)
        if not result.ok:
            return card(service, _problems(result))
        notes = []
        if unaligned:
            shown = ", ".join(unaligned[:6]) + (", …" if len(unaligned) > 6 else "")
            text = (_("{count} units hold no account and stay without a territory: {units}")
                    .format(count=len(unaligned), units=shown) if units is not None else
                    _("{count} states hold no account and stay without a territory: {states}")
                    .format(count=len(unaligned), states=shown))
            notes.append(layout.message([text], "info"))
        return card(service, notes)

    @app.callback(Output(ids.FIRST_RUN, "children", allow_duplicate=True),
                  Input(ids.FIRST_RUN_REPS_SAVE, "n_clicks"),
                  State(ids.FIRST_RUN_REPS, "rowData"), prevent_initial_call=True)
    @guard.level("leader")
    def create_reps(clicks, rows):
        """Fires on Create reps: the named reps imported with their
        territories, then a sign-in account each; the one-time passwords
        are shown once, above the quotas step."""
        if not clicks or not isinstance(rows, list):
            return no_update
        reps = first_run.reps_table([r for r in rows if isinstance(r, dict)])
        if reps.empty:
            return card(service, [layout.message([_("Name at least one rep first.")])])
        taken = {u.username for u in users.list_users(service.engine)}
        names = [first_run.username_for(rep) for rep in reps["rep_id"]]
        clash = [n for n in names if n in taken]
        if clash:
            return card(service, [layout.message([_(
                "a sign-in named {name} already exists: change that rep's id").format(
                name=clash[0])])])
        result = first_run.save(service.engine, {"reps": reps}, guard.require_viewer().username)
        if not result.ok:
            return card(service, _problems(result))
        made = users.add_rep_accounts(service.engine, list(zip(
            names, reps["rep_id"], reps["rep_name"], strict=True)))
        return card(service, [layout.passwords(made)])

    @app.callback(Output(ids.FIRST_RUN_QUOTAS, "rowData"),
                  Output(ids.FIRST_RUN_QUOTAS, "columnDefs"),
                  Input(ids.FIRST_RUN_QUOTA_METHOD, "value"),
                  Input(ids.FIRST_RUN_YEAR, "value"),
                  Input(ids.FIRST_RUN_GROWTH, "value"),
                  Input(ids.FIRST_RUN_TARGET, "value"),
                  Input(ids.FIRST_RUN_WEIGHT, "value"), prevent_initial_call=True)
    @guard.level("leader")
    def suggest(method, year, growth, target, weight):
        """Fires on a change of the quota rule or its figures: the
        suggestions again (the grid's edits are replaced)."""
        year = int(_number(year, service.as_of().year))
        method = method if method in (first_run.HISTORY, first_run.TARGET) else first_run.HISTORY
        rows = _quota_rows(service, year, method, _number(growth, 10) / 100,
                           max(_number(target, 0), 0), min(max(_number(weight, 50), 0), 100) / 100)
        return rows, layout.quota_columns(first_run.quarters_of(year))

    @app.callback(Output(ids.FIRST_RUN, "children", allow_duplicate=True),
                  Input(ids.FIRST_RUN_QUOTAS_SAVE, "n_clicks"),
                  State(ids.FIRST_RUN_QUOTAS, "rowData"),
                  State(ids.FIRST_RUN_YEAR, "value"), prevent_initial_call=True)
    @guard.level("leader")
    def approve_quotas(clicks, rows, year):
        """Fires on Approve: the quotas as shown in the grid imported."""
        if not clicks or not isinstance(rows, list):
            return no_update
        year = int(_number(year, service.as_of().year))
        quotas = first_run.quotas_table([r for r in rows if isinstance(r, dict)],
                                        first_run.quarters_of(year))
        result = first_run.save(service.engine, {"quotas": quotas},
                                guard.require_viewer().username)
        return card(service, [] if result.ok else _problems(result))

    @app.callback(Output(ids.FIRST_RUN_AS_OF_NOTE, "children"),
                  Input(ids.FIRST_RUN_AS_OF_SAVE, "n_clicks"),
                  State(ids.FIRST_RUN_AS_OF, "date"), prevent_initial_call=True)
    @guard.level("leader")
    def change_as_of(clicks, picked):
        """Fires on Change: the data's own as-of date stored."""
        if not clicks or not isinstance(picked, str):
            return no_update
        try:
            chosen = date.fromisoformat(picked[:10])
        except ValueError:
            return no_update
        result = first_run.save(service.engine, {}, guard.require_viewer().username, chosen)
        if not result.ok:
            return "; ".join(str(p) for p in result.errors)
        return _("The data is now as of {date}: reload the page to see it everywhere.").format(
            date=chosen.isoformat())

    del create_territories, create_reps, suggest, approve_quotas, change_as_of
