"""What-if editor: move, lock and re-quota on a county map, with the
before/after figures, fairness, disruption and per-rep impact of the scenario.

The scenario is page data (``WI_HISTORY``, a list of steps), so two managers
editing at once never see each other's drafts; the server only computes.
"""

from __future__ import annotations

import json
import uuid

import dash
from dash import ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update
from flask import current_app

from callbacks import (
    geometry,
    guard,
    scenarios_panel,
    whatif_compare,
    whatif_design,
    whatif_rebalance,
)
from callbacks import whatif_zips as zip_whatif
from callbacks.whatif_drafts import check_scope, posted_changes
from dashboard.i18n import formatting, translation
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.i18n.unit_words import UnitWords
from dashboard.layers import map_topology
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.views.selection import Selection, resolve_as_of, resolve_period
from dashboard.whatif import account_lists, boundaries, changeset, scenario_impact
from layouts import components, ids
from layouts import whatif as layout
from layouts import whatif_accounts as whatif_layout
from layouts import whatif_compare as compare_layout

#: actions that add a step to the history, by the button that asks for them
ACTIONS = {ids.WI_MOVE: "move", ids.WI_LOCK: "lock", ids.WI_UNDO: "undo",
           ids.WI_QUOTA_APPLY: "quota", ids.WI_HANDOVER_APPLY: "handover",
           ids.WI_ACCOUNT_MOVE: "account_move", ids.WI_ACCOUNT_CLEAR: "account_clear",
           ids.WI_ACCOUNT_LOCK: "account_lock", ids.WI_LOCK_TERRITORY_APPLY: "territory_lock"}


def _areas(data: ScopedData):
    return data.geography().areas


def territory_colors(data: ScopedData) -> dict:
    adjacency = data.geography().adjacency
    return data.derived(("whatif_colors",), lambda f: view.territory_colors(
        f.alignment["territory_id"], adjacency))


def _labels(data: ScopedData, escape: bool) -> dict:
    return data.derived(("whatif_labels", escape, translation.language()),
                           lambda f: view.territory_labels(f, escape=escape))


def territory_options(data: ScopedData) -> list[dict]:
    """Territories the viewer may move things into: a manager's own region."""
    allowed = guard.territory_ids(data)
    return [{"label": label, "value": tid} for tid, label in _labels(data, False).items()
            if tid in allowed]


def hideout(data: ScopedData, changes: changeset.Changes, selected=()) -> dict:
    """The county map's hideout; its tooltips name only the viewer's own
    territories (a manager sees other regions' counties, not who owns them)."""
    frames = data.frames()
    allowed = guard.territory_ids(data)
    names = {tid: label for tid, label in _labels(data, True).items() if tid in allowed}
    return view.map_hideout(frames.alignment["territory_id"], changes, territory_colors(data),
                            names, selected)


def steps_text(steps) -> str:
    if not isinstance(steps, list):
        return ""
    if not steps:
        return _("Live alignment · no changes yet")
    count = len(steps)
    return ngettext("{count} step · last: {label}", "{count} steps · last: {label}",
                    count).format(count=formatting.count(count), label=steps[-1]["label"])


def reasons_list(steps):
    label, reasons = view.latest_reasons(steps)
    if not reasons:
        return []
    return [html.Div(label, className="wi-subhead"),
            html.Ol([html.Li(r) for r in reasons[:40]], className="mb-0")]


def analysis(data: ScopedData, steps, period_choice, as_of_text, metric, weight):
    """Fairness card content, touched rows, total row and rep rows of the scenario,
    or an empty state (and no rows) when the period or the history is unusable."""
    frames = data.frames()
    as_of = resolve_as_of(as_of_text, data.as_of())
    try:
        period = resolve_period(period_choice, as_of)
    except ValueError:
        return _nothing(_("No such period"), _("Choose another period in the bar above."))
    try:
        changes = posted_changes(data, steps)
        after = changeset.apply(frames, changes)
    except ValueError as exc:
        return _nothing(_("This scenario no longer fits the data"), str(exc))
    metric = metric if metric in scenario_impact.BALANCE_METRICS else "potential"
    weight = float(weight) if isinstance(weight, int | float) and 0 <= weight <= 1 else 0.5
    result = scenario_impact.before_after(frames, after, _areas(data), period, as_of,
                                        data.settings.workload_weights,
                                        metric=metric, potential_weight=weight)
    # rep impact does not depend on the fairness metric: memoised, so moving the
    # blend slider or flipping the metric recomputes only before_after
    key = (json.dumps(changes.to_json(), sort_keys=True), period, as_of, translation.language())
    reps = data.memo("whatif_rep_rows", key, lambda f: view.rep_rows(
        scenario_impact.rep_impact(f, after, period, as_of)))
    fairness = layout.fairness_table(view.fairness_rows(result.fairness),
                                     view.disruption_rows(result.disruption))
    return (fairness, view.touched_rows(result.territories, result.touched),
            view.total_row(result.totals, None if data.scope.everything else data.viewer.scope),
            reps)


def _nothing(title: str, text: str):
    return components.empty_state(title, text), [], {}, []


# -- editing -----------------------------------------------------------------
def edit(data: ScopedData, action: str, steps, form: dict) -> tuple[list, str, str]:
    """The history after one action, what to tell the user and the alert colour
    ("warning" when a county move splits a territory: allowed, but said).

    Raises LockedError (a lock refuses) or ValueError (bad input, or a history
    that no longer fits the data) with the message to show; undo is always
    allowed, so a history written before an import can be taken back."""
    view.history_of(steps)  # refuses a history the page could not have written
    steps = list(steps or [])
    if action == "undo":
        if not steps:
            raise ValueError(_("Nothing to undo: this is the live alignment."))
        return steps[:-1], _("Undid: {step}").format(step=steps[-1]["label"]), "success"
    frames = data.frames()
    changes = posted_changes(data, steps)
    if action in ACCOUNT_ACTIONS:
        new, label = _account_edit(frames, changes, action, form)
    elif action == "territory_lock":
        territory = form.get("lock_territory")
        if territory not in changeset.index_of(frames).territory_ids:
            raise ValueError(_("Choose the territory to lock or unlock."))
        if territory in changes.locked_territories:
            new = changes.unlock(territories=[territory])
            label = _("unlocked {what}").format(what=territory)
        else:
            new = changes.lock(territories=[territory])
            label = _("locked {what}").format(what=territory)
    else:
        new, label = _county_or_slider_edit(frames, changes, action, form, data.geography())
    check_scope(data, new)
    message, color = label[0].upper() + label[1:] + ".", "success"
    if action == "move":
        split = account_lists.split_territories(frames.alignment["territory_id"], changes,
                                                  new, data.geography().adjacency)
        if split:
            color = "warning"
            message += " " + ngettext(
                "Note: {territories} is no longer in one piece; the move is kept, undo it "
                "if not meant.",
                "Note: {territories} are no longer in one piece; the move is kept, undo it "
                "if not meant.", len(split)).format(territories=", ".join(split))
    return view.push_step(steps, new, label), message, color


ACCOUNT_ACTIONS = ("account_move", "account_clear", "account_lock")


def _account_edit(frames, changes: changeset.Changes, action: str, form: dict):
    """Named-account overrides and account locks, on the accounts ticked in the list."""
    accounts = [r.get("id") for r in form.get("accounts") or []
                if isinstance(r, dict) and isinstance(r.get("id"), str)]
    if not accounts:
        raise ValueError(_("Tick accounts in the account list first."))
    what = accounts[0] if len(accounts) == 1 else ngettext(
        "{count} account", "{count} accounts", len(accounts)).format(
            count=formatting.count(len(accounts)))
    if action == "account_move":
        target = form.get("account_target")
        if not target:
            raise ValueError(_("Choose the territory to move the ticked accounts to."))
        return (changes.override_accounts(frames, accounts, target),
                _("moved account {what} to {target}").format(what=what, target=target)
                if len(accounts) == 1
                else _("moved {what} to {target}").format(what=what, target=target))
    if action == "account_clear":
        return (changes.override_accounts(frames, accounts, None),
                _("cleared the override of {what}").format(what=what))
    unknown = [a for a in accounts if a not in frames.accounts.index]
    if unknown:
        raise ValueError(_("account {name} is not in the current data").format(name=unknown[0]))
    if all(a in changes.locked_accounts for a in accounts):
        return changes.unlock(accounts=accounts), _("unlocked {what}").format(what=what)
    return changes.lock(accounts=accounts), _("locked {what}").format(what=what)


def _county_or_slider_edit(frames, changes: changeset.Changes, action: str, form: dict,
                           geography):
    """A move, lock, quota or handover step; its messages name the ``geography``'s units
    (``runtime.geography.Geography``: "unit" on a layer of one's own)."""
    labels, words = geography.labels, geography.words
    selected = [f for f in form.get("selected") or [] if isinstance(f, str)]
    zips = [z for z in form.get("zips") or [] if isinstance(z, str)] if action == "move" else []
    if action in ("move", "lock") and not (selected or zips):
        raise ValueError(words.say(
            N_("Select counties first: click them on the map or pick them by name."),
            N_("Select units first: click them on the map or pick them by name.")))
    if action == "move":
        target = form.get("target")
        if not target:
            raise ValueError(words.say(
                N_("Choose the territory to move the selected counties to."),
                N_("Choose the territory to move the selected units to.")))
        moved = changes.move_zips(frames, zips, target) if zips else changes
        if selected:
            moved = moved.move_counties(frames, selected, target,
                                        labels if words.own_layer else None)
        what = ", ".join(([_counties(selected, labels, words)] if selected else [])
                         + ([zip_whatif.zip_names(zips)] if zips else []))
        return moved, _("moved {what} to {target}").format(what=what, target=target)
    if action == "lock":
        unknown = [f for f in selected if f not in frames.alignment.index]
        if unknown:
            raise ValueError(words.say(N_("county {name} is not in the alignment"),
                                       N_("unit {name} is not in the alignment")).format(
                                           name=unknown[0]))
        return (changes.lock(counties=selected),
                _("locked {what}").format(what=_counties(selected, labels, words)))
    if action == "quota":
        territory, pct = form.get("quota_territory"), form.get("quota_pct") or 0
        if territory not in changeset.index_of(frames).territory_ids:
            raise ValueError(_("Choose the territory whose quota changes."))
        return (changes.set_quota_change(territory, float(pct) / 100),
                _("quota of {territory} {change}").format(
                    territory=territory, change=formatting.signed_percent(float(pct) / 100)))
    if action == "handover":
        source, target = form.get("from"), form.get("to")
        share = float(form.get("share") or 0) / 100
        if not (source and target):
            raise ValueError(_("Choose the territory handing over and the one receiving."))
        # a vacant territory's (or a rep without a home's) base: its units' centres
        return (scenario_impact.handover(frames, changes, source, target, share,
                                         geography.table),
                _("handed {share} of {source}'s accounts to {target}").format(
                    share=formatting.percent(share), source=source, target=target))
    raise ValueError(f"unknown action {action}")  # i18n: not shown (no button sends it)


def _counties(fips: list[str], labels, words: UnitWords) -> str:
    """"Autauga, AL" for one county (a layer of one's own: the unit's name, ``labels``),
    "3 counties" ("3 units": ``words``) for more."""
    if len(fips) > 1:
        return words.count(len(fips))
    if fips[0] not in labels.index:
        return words.say(N_("county {name}"), N_("unit {name}")).format(name=fips[0])
    return str(labels[fips[0]])


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# -- the page ----------------------------------------------------------------
def render(data: ScopedData, selection: Selection):
    """The editor over the live alignment, its first figures already computed."""
    fairness, touched, total, reps = analysis(data, [], selection.period, selection.as_of,
                                              "potential", 0.5)
    settings = data.settings
    options = territory_options(data)
    map_topology.warm(map_topology.ZIP_CELLS)  # a county expanded soon needs its ZIP areas
    county_map = layout.county_map(geometry.source(data, map_topology.COUNTIES, "fips"),
                                   geometry.state_lines(data),
                                   hideout(data, changeset.Changes.empty()),
                                   settings.tile_url, settings.tile_attribution,
                                   fit=geometry.fits_units(data))
    labels, own = data.geography().labels, data.geography().own
    map_card = layout.map_card(county_map,
                               layout.toolbar(data.derived(
                                   ("whatif_county_options",),
                                   lambda f: view.county_options(f, labels)), options,
                                   own_layer=own),
                               steps_text([]), own_layer=own)
    accounts = whatif_layout.accounts_card(
        account_lists.account_rows(data.frames(), changeset.Changes.empty(),
                                   aligned_only=not data.scope.everything,
                                   unit_names=data.geography().table["name"]), options, own)
    compare = compare_layout.compare_card(geometry.state_lines(data), settings.tile_url,
                                          settings.tile_attribution)
    page = layout.page([], map_card, layout.fairness_card(fairness),
                       layout.rebalance_card(uuid.uuid4().hex, len(data.frames().territories),
                                             own),
                       layout.sliders_card(options, own),
                       layout.touched_grid(touched, total, own),
                       layout.rep_grid(reps), accounts, compare,
                       scenario_rows=scenarios_panel.listed(data), leader=data.viewer.is_leader,
                       own_layer=own)
    # the background auto-balance runs outside this request: it gets the viewer signed
    token = guard.viewer_token(current_app.config["SECRET_KEY"])
    return html.Div([page, dcc.Store(id=ids.WI_VIEWER, data=token)])


def outlines(data: ScopedData, changes: changeset.Changes) -> dict:
    """Proposed outlines of the reshaped territories, cached per set of county moves
    (a 181-move rebalance dissolves ~100 territories once, not on every redraw)."""
    if not changes.county_moves:
        return boundaries.EMPTY
    moves, shapes = dict(changes.county_moves), data.geography().table["geometry"]
    return data.memo("whatif_outlines", (boundaries.moves_key(moves), translation.language()),
                        lambda f: boundaries.proposed_outlines(
                            f.alignment["territory_id"], moves, _labels(data, True), shapes))


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.WI_HISTORY, "data"),
        Output(ids.WI_ALERT, "children"),
        Output(ids.WI_ALERT, "color"),
        Output(ids.WI_ALERT, "is_open"),
        Output(ids.WI_SELECT, "value"),
        Output(ids.WI_ZIP_SELECTED, "data", allow_duplicate=True),
        *(Input(button, "n_clicks") for button in ACTIONS),
        State(ids.WI_HISTORY, "data"),
        State(ids.WI_SELECT, "value"),
        State(ids.WI_TARGET, "value"),
        State(ids.WI_QUOTA_TERRITORY, "value"),
        State(ids.WI_QUOTA_PCT, "value"),
        State(ids.WI_HANDOVER_FROM, "value"),
        State(ids.WI_HANDOVER_TO, "value"),
        State(ids.WI_HANDOVER_SHARE, "value"),
        State(ids.WI_ACCOUNTS, "selectedRows"),
        State(ids.WI_ACCOUNT_TARGET, "value"),
        State(ids.WI_LOCK_TERRITORY, "value"),
        State(ids.WI_ZIP_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def edit_scenario(*args):
        """Fires on Move, Lock, Undo, Set quota, Hand over, an account button or
        Lock territory; returns the history with the step added (or removed)
        and a message; a refused change leaves the history as it was and says why."""
        (steps, selected, target, quota_territory, quota_pct, source, receiver, share,
         accounts, account_target, lock_territory, zips) = args[len(ACTIONS):]
        action = ACTIONS.get(ctx.triggered_id)
        form = {"selected": selected, "target": target, "quota_territory": quota_territory,
                "quota_pct": quota_pct, "from": source, "to": receiver, "share": share,
                "accounts": accounts, "account_target": account_target,
                "lock_territory": lock_territory, "zips": zips}
        try:
            new_steps, message, color = edit(guard.data(service), action, steps, form)
        except changeset.LockedError as exc:
            return no_update, _sentence(exc), "warning", True, no_update, no_update
        except ValueError as exc:
            return no_update, _sentence(exc), "danger", True, no_update, no_update
        keep = [] if action in ("move", "lock") else no_update
        return new_steps, message, color, True, keep, [] if action == "move" else no_update

    @app.callback(
        Output(ids.WI_COUNTIES, "hideout"),
        Output(ids.WI_FAIRNESS, "children"),
        Output(ids.WI_TOUCHED, "rowData"),
        Output(ids.WI_TOUCHED, "dashGridOptions"),
        Output(ids.WI_REPS, "rowData"),
        Output(ids.WI_STEPS, "children"),
        Output(ids.WI_REASONS, "children"),
        Output(ids.WI_OUTLINES, "data"),
        Input(ids.WI_HISTORY, "data"),
        Input(ids.PERIOD, "value"),
        Input(ids.WI_METRIC, "value"),
        Input(ids.WI_WEIGHT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def show_scenario(steps, period, metric, weight, search):
        """Fires when the history, the period or the fairness metric changes;
        recolours the map (a hideout patch: no geometry, selection kept) and
        refreshes the fairness card, both grids and the step summary."""
        as_of = Selection.from_query(search).as_of
        data = guard.data(service)
        fairness, touched, total, reps = analysis(data, steps, period, as_of, metric, weight)
        try:
            changes = posted_changes(data, steps)
        except ValueError:
            changes = changeset.Changes.empty()
        full = hideout(data, changes)
        colours = Patch()
        for key in ("colors", "changed", "moved", "locked"):
            colours[key] = full[key]
        options = Patch()
        options["pinnedBottomRowData"] = [total] if total else []
        return (colours, fairness, touched, options, reps, steps_text(steps),
                reasons_list(steps), outlines(data, changes))

    @app.callback(
        Output(ids.WI_ACCOUNTS, "rowData"),
        Input(ids.WI_ACCOUNT_SEARCH, "value"),
        Input(ids.WI_SELECT, "value"),
        Input(ids.WI_HISTORY, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def list_accounts(query, selected, steps):
        """Fires when the search text, the county selection or the scenario
        changes; lists the matching accounts with their scenario territory."""
        data = guard.data(service)
        frames = data.frames()
        try:
            changes = posted_changes(data, steps)
        except ValueError:
            changes = changeset.Changes.empty()
        return account_lists.account_rows(frames, changes,
                                            query if isinstance(query, str) else "",
                                            selected if isinstance(selected, list) else [],
                                            aligned_only=not data.scope.everything,
                                            unit_names=data.geography().table["name"])

    register_selection(app)
    geometry.load_in_browser(app, Output(ids.WI_COUNTIES, "data"),
                             Input(ids.WI_GEOMETRY, "data"), "manager")
    whatif_rebalance.register(app, service)
    whatif_design.register(app, service)
    whatif_compare.register(app, service)
    del edit_scenario, show_scenario, list_accounts


def register_selection(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.WI_SELECT, "value", allow_duplicate=True),
        Input(ids.WI_COUNTIES, "n_clicks"),
        State(ids.WI_COUNTIES, "clickData"),
        State(ids.WI_SELECT, "value"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def click_county(_clicks, feature, selected):
        """Fires on a click on a county; adds it to the selection, or drops it
        when it was already selected."""
        fips = view.clicked_fips(feature)
        return no_update if fips is None else view.toggle(selected, fips)

    # the selected counties outlined in the browser, in place: a hideout patch made
    # dash-leaflet re-add all 3,142 counties (~0.5 s of the page at size L)
    geometry.in_browser(app, ClientsideFunction("territorySelection", "counties"),
                        Output(ids.WI_COUNTIES, "hideout", allow_duplicate=True),
                        Input(ids.WI_SELECT, "value"), "manager", prevent_initial_call=True)
    del click_county
