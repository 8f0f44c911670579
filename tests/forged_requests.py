"""Forged callback requests: every callback of ``app.callback_map`` posted with
values that name what the signed-in viewer may not see (issue 15, item 2).

A :class:`Forgery` says what each kind of field carries in one variant: the
global controls, the id a click or a picker names, the counties and accounts
the what-if editor holds, its history, a saved scenario. :func:`requests`
turns it into one POST body per callback and per trigger (each button or
click of a callback is pressed in turn, since a callback reads which one
fired), built from the callback's own spec, so a callback added later is
forged the same way. Pattern-matching (``ALL``) ids are made concrete: a
``path`` key gets every page's path, any other key the forged id (the
underperformer list's ``{"type": "up-open", "index": <territory>}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from dashboard.geo import zip_areas
from dashboard.whatif.changeset import Changes
from layouts import ids
from tests.dash_http import outputs_of
from tests.scope_leaks import Foreign, Own

#: properties whose change is a user's action: each one is posted as the trigger
TRIGGERS = ("n_clicks", "cellClicked", "clickData", "selectedRows")
#: fields whose value is a territory id (pickers of the what-if page)
TERRITORY_PICKERS = (ids.WI_TARGET, ids.WI_QUOTA_TERRITORY, ids.WI_HANDOVER_FROM,
                     ids.WI_HANDOVER_TO, ids.WI_ACCOUNT_TARGET, ids.WI_LOCK_TERRITORY)


def steps(changes: Changes) -> list[dict]:
    """A what-if history of one step holding ``changes``, as the page stores it."""
    return [{"label": "a step", "changes": changes.to_json(), "reasons": []}]


@dataclass(frozen=True)
class Forgery:
    """What one variant posts, field kind by field kind."""

    name: str
    region: str
    #: the id every id-like field names: a picker, a click, the drill-down, the URL
    target: str
    #: the rep whose scorecard is asked for
    rep: str
    counties: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    search: str = ""
    history: list = field(default_factory=list)
    #: a saved scenario's id (the panel's selection, the open one, the compare pickers)
    scenario: int | None = None
    level: str = "territory"

    def url_search(self) -> str:
        return "?" + urlencode({"region": self.region, "territory": self.target})


def variants(own: Own, foreign: Foreign, scenarios: dict[str, int]) -> list[Forgery]:
    """Every variant for one viewer: first the valid one (their own values:
    the callbacks must answer it), then one per kind of foreign value.

    ``scenarios`` maps a variant name to a saved scenario's id: "valid" the
    viewer's own (absent for a rep), the others someone else's."""
    mine = own.territories[0]
    other_own = own.territories[1] if len(own.territories) > 1 else mine
    own_history = steps(Changes(county_moves={own.counties[0]: other_own})) if (
        other_own != mine) else []
    valid = Forgery("valid", own.region, mine, own.reps[0], own.counties[:2], own.accounts[:2],
                    history=own_history, scenario=scenarios.get("valid"))
    forged = [
        replace(valid, name=f"territory {n}", target=t, scenario=None)
        for n, t in ((1, foreign.territories[0]), (2, foreign.territories[-1]))
    ] + [
        replace(valid, name="rep", target=foreign.reps[0], rep=foreign.reps[0], level="rep",
                scenario=None),
        replace(valid, name="account", target=foreign.accounts[0], accounts=foreign.accounts,
                search=foreign.accounts[0], scenario=None),
        replace(valid, name="deal", target=foreign.deals[0], scenario=None),
        replace(valid, name="county", counties=foreign.counties, scenario=None),
        replace(valid, name="region", region=foreign.regions[0], scenario=None),
        # a history bringing other regions' counties and accounts in...
        replace(valid, name="history in", scenario=None, history=steps(Changes(
            county_moves=dict.fromkeys(foreign.counties, mine),
            account_overrides=dict.fromkeys(foreign.accounts[:3], mine),
            locked_counties=frozenset(foreign.counties[-1:]),
            locked_accounts=frozenset(foreign.accounts[-1:])))),
        # ... and one sending an own county out, re-quotaing and locking another's territory
        replace(valid, name="history out", scenario=None, history=steps(Changes(
            county_moves={own.counties[0]: foreign.territories[0]},
            quota_changes={foreign.territories[-1]: 0.1},
            locked_territories=frozenset(foreign.territories[:1])))),
        # ZIP areas (issue 19): other regions' ZIPs brought in, an own ZIP sent out
        replace(valid, name="history zip", scenario=None, history=steps(Changes(zip_moves={
            **dict.fromkeys(_first_zips(foreign.counties), mine),
            **dict.fromkeys(_first_zips(own.counties[:1]), foreign.territories[0])}))),
    ]
    forged += [replace(valid, name=f"scenario {who}", scenario=scenario_id)
               for who, scenario_id in scenarios.items() if who != "valid"]
    return [valid, *forged]


def _first_zips(counties) -> list[str]:
    """The first ZIP area of each county."""
    cells = zip_areas.cells_in(counties)
    return [cells.index[cells == county][0] for county in counties
            if (cells == county).any()]


def value(dep: dict, forgery: Forgery):
    """The value one input or state carries in ``forgery``."""
    ident, prop = dep["id"], dep["property"]
    if prop == "id":
        return ident
    target = forgery.target
    known = {
        (ids.PERIOD, "value"): "qtd", (ids.REGION, "value"): forgery.region,
        (ids.SEGMENT, "value"): "all", (ids.MAP_KPI_PICKER, "value"): "attainment",
        (ids.ATTAINMENT_LEVEL, "value"): forgery.level, (ids.URL, "search"): forgery.url_search(),
        (ids.MAP_ACCOUNTS_SWITCH, "value"): True, (ids.DRILLDOWN, "is_open"): False,
        (ids.WI_HISTORY, "data"): forgery.history, (ids.WI_SELECT, "value"): list(
            forgery.counties),
        (ids.WI_ACCOUNT_SEARCH, "value"): forgery.search,
        (ids.WI_ACCOUNTS, "selectedRows"): [{"id": a} for a in forgery.accounts],
        (ids.WI_QUOTA_PCT, "value"): 10, (ids.WI_HANDOVER_SHARE, "value"): 20,
        (ids.WI_BUDGET, "value"): 10, (ids.WI_METRIC, "value"): "potential",
        (ids.WI_WEIGHT, "value"): 0.5, (ids.WI_RUN, "data"): "forged-run",
        (ids.SC_NAME, "value"): "Forged save", (ids.SC_CHANGED, "data"): 1,
        (ids.SCORECARD_REP, "value"): forgery.rep,
        (ids.IMPORT_UPLOAD, "contents"): None, (ids.IMPORT_UPLOAD, "filename"): None,
    }
    scenario = forgery.scenario
    if scenario is not None:
        known |= {(ids.SC_GRID, "selectedRows"): [{"id": scenario, "status": "draft"}],
                  (ids.SC_OPENED, "data"): {"id": scenario, "revision": 1, "name": "x"},
                  (ids.WI_CMP_A, "value"): str(scenario), (ids.WI_CMP_B, "value"): "live"}
    if isinstance(ident, str) and (ident, prop) in known:
        return known[(ident, prop)]
    if ident in TERRITORY_PICKERS:
        return target
    fips = forgery.counties[0] if forgery.counties else None
    by_prop = {
        "clickData": {"properties": {"territory_id": target, "fips": fips, "id": target},
                      "points": [{"customdata": [target], "y": target, "x": target,
                                  "location": target, "label": target}]},
        "cellClicked": {"rowId": target, "colId": "name", "value": target},
        "selectedRows": [{"id": target}],
        "rowData": [{"id": target, "territory_id": target, "name": target}],
        "virtualRowData": [{"id": target, "territory_id": target, "name": target}],
        "n_clicks": 1, "data": target, "value": target, "hideout": {},
        "start_date": None, "end_date": None, "date": None, "is_open": False,
    }
    return by_prop.get(prop, target)


@dataclass
class Request:
    key: str
    spec: dict
    values: dict
    changed: list
    expand: dict
    #: what the report names: the callback's outputs and the trigger
    label: str


def _canonical(ident: dict) -> str:
    return json.dumps(ident, sort_keys=True, separators=(",", ":"))


def _concrete(ident: dict, forgery: Forgery, paths: list[str]) -> list[dict]:
    """The ids the page would hold for a pattern id: ``path`` keys are pages,
    any other wildcard key names the forged id."""
    (key, _wild), = [(k, v) for k, v in ident.items() if isinstance(v, list)]
    choices = paths if key == "path" else [forgery.target]
    return [{**ident, key: choice} for choice in choices]


def requests(key: str, spec: dict, forgery: Forgery, paths: list[str]) -> list[Request]:
    """The POSTs of one callback in one variant: one per trigger input, or
    per page when the input is the URL's path."""
    deps = [*spec["inputs"], *spec.get("state", []), *outputs_of(key)]
    expand, values = {}, {}
    for dep in deps:
        ident = dep["id"]
        if isinstance(ident, str) and ident.startswith("{"):
            ident = json.loads(ident)
        if isinstance(ident, dict):
            wild = [v for v in ident.values() if isinstance(v, list)]
            if any(w != ["ALL"] for w in wild):
                raise AssertionError(f"{key}: only ALL pattern ids are forged; teach "
                                     f"tests/forged_requests.py the others")
            if wild:
                concrete = _concrete(ident, forgery, paths)
                expand[_canonical(ident)] = concrete
                for one in concrete:
                    values[f"{one}.{dep['property']}"] = value(
                        {"id": one, "property": dep["property"]}, forgery)
                continue
        values[f"{dep['id']}.{dep['property']}"] = value(dep, forgery)

    def changed_ids(dep) -> list[str]:
        ident = dep["id"]
        if isinstance(ident, str) and ident.startswith("{"):
            return [f"{_canonical(one)}.{dep['property']}"
                    for one in expand.get(_canonical(json.loads(ident)), [])]
        return [f"{ident}.{dep['property']}"]

    triggers = [d for d in spec["inputs"] if d["property"] in TRIGGERS] or spec["inputs"][:1]
    # reads before writes, a delete last: each action still finds the scenario as it was
    triggers.sort(key=lambda d: ("save" in str(d["id"])) + 2 * ("delete" in str(d["id"])))
    out = []
    for dep in triggers:
        for changed in changed_ids(dep) or [f"{dep['id']}.{dep['property']}"]:
            label = f"{_short(key)} <- {changed}"
            if dep["id"] == ids.URL and dep["property"] == "pathname":
                for path in paths:
                    out.append(Request(key, spec, {**values, changed: path}, [changed],
                                       expand, f"{label}={path}"))
            else:
                out.append(Request(key, spec, values, [changed], expand, label))
    return out


def _short(key: str) -> str:
    """A callback's outputs, without allow_duplicate's hashes."""
    return ",".join(f"{o['id'] if isinstance(o['id'], str) else _canonical(o['id'])}"
                    f".{o['property']}" for o in outputs_of(key))
