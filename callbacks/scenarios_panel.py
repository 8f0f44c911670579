"""Saved scenarios on the what-if page: save the editor's draft, open one back
into the editor, copy, export, and move it through approval to the live data.

Which scenario is open (id and the revision it was opened at) is page data
(``SC_OPENED``), so saving over it is checked against that revision by
:func:`dashboard.whatif.scenarios.save_scenario`: a save that lost the race keeps
both versions. Every refusal is a :class:`ScenarioError` whose message is
shown as is.

Which scenarios a viewer may list, open or change is decided in the core
(:class:`dashboard.whatif.draft_scope.ScenarioScope`, checked by every
operation of :mod:`dashboard.whatif.scenarios`): this panel only hands it the
signed-in viewer's :func:`access` and logs what a refusal says was out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dash
from dash import Input, Output, State, ctx, dcc, no_update

from callbacks import guard
from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.i18n.unit_words import UnitWords
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.whatif import draft_scope, scenarios
from dashboard.whatif.scenarios import ScenarioError, ScenarioRecord, StaleScenarioError
from layouts import ids
from layouts.scenarios_panel import ACTIONS


def acting_user() -> tuple[str, str]:
    """The signed-in user's name and role: scenario rights (propose, approve,
    apply) follow the person asking, never a value the browser sent."""
    who = guard.require_viewer()
    return who.username, who.role


BUTTONS = {ids.SC_SAVE: "save", ids.SC_SAVE_NEW: "save_new", ids.SC_OPEN: "open",
           ids.SC_DUPLICATE: "duplicate", ids.SC_DELETE: "delete", ids.SC_EXPORT: "export",
           ids.SC_PROPOSE: "propose", ids.SC_APPROVE: "approve"}
#: the status a scenario must have for each button to be enabled (None: any)
NEEDS = {ids.SC_OPEN: None, ids.SC_DUPLICATE: None, ids.SC_EXPORT: None, ids.SC_DELETE: None,
         ids.SC_PROPOSE: scenarios.DRAFT, ids.SC_APPROVE: scenarios.PROPOSED,
         ids.SC_APPLY: scenarios.APPROVED}


@dataclass
class Outcome:
    """What an action changes on the page; ``no_update`` where it changes nothing."""
    message: str
    color: str = "success"
    opened: object = no_update
    name: object = no_update
    history: object = no_update
    download: object = no_update
    refresh: bool = True
    extra: dict = field(default_factory=dict)


def summary(record: ScenarioRecord, own_layer: bool = False) -> str:
    """"3 county moves · 1 quota change": what a scenario holds, at a glance
    (``own_layer``: "3 unit moves")."""
    changes = record.changes
    parts = [(len(changes.zip_moves), N_("{count} ZIP area move"),
              N_("{count} ZIP area moves")),
             (len(changes.account_overrides), N_("{count} account override"),
              N_("{count} account overrides")),
             (len(changes.quota_changes), N_("{count} quota change"),
              N_("{count} quota changes")),
             (len(changes.locked_counties) + len(changes.locked_accounts)
              + len(changes.locked_territories) + len(changes.locked_zips),
              N_("{count} lock"), N_("{count} locks"))]
    moves = len(changes.county_moves)
    text = ([UnitWords(own_layer).moves(moves)] if moves else []) + [
        ngettext(one, many, n).format(count=formatting.count(n)) for n, one, many in parts if n]
    return " · ".join(text) or _("no changes")


def rows(records: list[ScenarioRecord], own_layer: bool = False) -> list[dict]:
    return [{"id": r.id, "name": r.name, "status": r.status,
             "status_label": scenarios.status_name(r.status), "revision": r.revision,
             "summary": summary(r, own_layer), "updated_by": r.updated_by,
             "updated_at": f"{r.updated_at:%Y-%m-%d %H:%M}"} for r in records]


def disabled(selected) -> list[bool]:
    """Per action button (ACTIONS order), whether the selected row's status forbids it."""
    row = selected[0] if isinstance(selected, list) and selected else None
    status = row.get("status") if isinstance(row, dict) else None
    return [status is None or (NEEDS[button] is not None and NEEDS[button] != status)
            for button, _label, _color in ACTIONS]


def opened_text(opened) -> str:
    if not _is_opened(opened):
        return _("Not saved yet")
    return _("Open: '{name}' at revision {revision}").format(name=opened.get("name"),
                                                             revision=opened["revision"])


def _opened(record: ScenarioRecord) -> dict:
    return {"id": record.id, "revision": record.revision, "name": record.name}


def _selected_id(selected) -> int:
    row = selected[0] if isinstance(selected, list) and selected else None
    if not isinstance(row, dict) or not isinstance(row.get("id"), int):
        raise ScenarioError(_("Select a scenario in the list first."))
    return row["id"]


def access(service: DataService | ScopedData) -> draft_scope.ScenarioScope:
    """The signed-in viewer's rights over saved scenarios, which every
    scenario operation is given (what a scenario touches is judged on every
    territory's frames; nothing is answered from them)."""
    data = guard.data(service)
    return draft_scope.ScenarioScope(data.viewer, data.scope, data.unscoped_frames())


def listed(service: DataService | ScopedData) -> list[dict]:
    """The saved scenarios the viewer may see as grid rows, newest change first:
    a leader all; a manager their own and those touching only their region."""
    data = guard.data(service)
    return rows(scenarios.list_scenarios(data.engine, access=access(data)),
                data.geography().own)


def refused(exc: ScenarioError) -> str:
    """The words to show for a refusal; what it says was out of scope is logged."""
    if exc.out_of_scope:
        guard.out_of_scope(exc.out_of_scope)
    return sentence(exc)


def act(service: DataService, action: str, form: dict) -> Outcome:
    """Carry out one button's action. Raises ScenarioError with the message to show."""
    engine, (user, role), rights = service.engine, acting_user(), access(service)
    if action in ("save", "save_new"):
        return _save(service, rights, action, form)
    scenario_id = _selected_id(form.get("selected"))
    if action == "open":
        record = scenarios.read_scenario(engine, scenario_id, rights)
        steps = view.push_step([], record.changes,
                               _("opened scenario '{name}'").format(name=record.name))
        return Outcome(_("Opened '{name}' (revision {revision}) in the editor.").format(
                           name=record.name, revision=record.revision),
                       opened=_opened(record), name=record.name, history=steps,
                       refresh=False)
    if action == "duplicate":
        record = scenarios.duplicate_scenario(engine, scenario_id, user, access=rights)
        return Outcome(_("Saved a copy as '{name}'.").format(name=record.name))
    if action == "delete":
        record = scenarios.read_scenario(engine, scenario_id, rights)
        scenarios.delete_scenario(engine, scenario_id, user, access=rights)
        opened = form.get("opened")
        still = None if _is_opened(opened) and opened["id"] == scenario_id else opened
        return Outcome(_("Deleted '{name}'.").format(name=record.name), opened=still)
    if action == "export":
        record = scenarios.read_scenario(engine, scenario_id, rights)
        data = dcc.send_bytes(scenarios.scenario_csv(record), f"scenario-{record.id}.csv")
        return Outcome(_("Exported '{name}' as CSV.").format(name=record.name), download=data,
                       refresh=False)
    if action in ("propose", "approve"):
        # applying asks for a date and a quota step first: callbacks/scenarios_apply.py
        move = {"propose": scenarios.propose, "approve": scenarios.approve}[action]
        record = move(engine, scenario_id, user, role, access=rights)
        opened = form.get("opened")
        mine = _is_opened(opened) and opened["id"] == scenario_id
        return Outcome(_("'{name}' is now {status}.").format(
                           name=record.name, status=scenarios.status_name(record.status)),
                       opened=_opened(record) if mine else no_update)
    raise ScenarioError(_("Unknown action {action}.").format(action=action))


def _is_opened(opened) -> bool:
    """Whether the page's record of the open scenario is one this panel wrote."""
    return (isinstance(opened, dict) and isinstance(opened.get("id"), int)
            and isinstance(opened.get("revision"), int))


def sentence(exc: Exception) -> str:
    text = str(exc)
    return text + ("" if text.endswith(".") else ".")


def _get(engine, scenario_id: int) -> ScenarioRecord:
    record = scenarios.get_scenario(engine, scenario_id)
    if record is None:
        raise ScenarioError(_("That scenario no longer exists; the list is refreshed."))
    return record


def _save(service: DataService, rights: draft_scope.ScenarioScope, action: str,
          form: dict) -> Outcome:
    name = (form.get("name") or "").strip() if isinstance(form.get("name"), str) else ""
    if not name:
        raise ScenarioError(_("Give the scenario a name first."))
    try:
        changes = view.current_changes(form.get("history"))
    except ValueError as exc:
        raise ScenarioError(_("The editor's draft is not readable; reload the page.")) from exc
    opened = form.get("opened")
    user = acting_user()[0]
    if action == "save" and _is_opened(opened):
        try:
            record = scenarios.save_scenario(service.engine, name=name, changes=changes,
                                             user=user, scenario_id=opened["id"],
                                             expected_revision=opened["revision"],
                                             access=rights)
        except StaleScenarioError as exc:
            copy = _get(service.engine, exc.copy_id)
            return Outcome(sentence(exc), color="warning", opened=_opened(copy), name=copy.name)
        return Outcome(_("Saved '{name}' (revision {revision}).").format(
                           name=record.name, revision=record.revision),
                       opened=_opened(record))
    record = scenarios.save_scenario(service.engine, name=name, changes=changes, user=user,
                                     access=rights)
    return Outcome(_("Saved '{name}' as a new draft.").format(name=record.name),
                   opened=_opened(record))


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.SC_GRID, "rowData"),
        Input(ids.SC_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def list_scenarios(_changed):
        """Fires after every change (the page is built with the list); returns
        the saved scenarios, newest change first."""
        return listed(service)

    @app.callback(
        *(Output(button, "disabled") for button, _label, _color in ACTIONS),
        Input(ids.SC_GRID, "selectedRows"),
    )
    @guard.level("manager")
    def enable_buttons(selected):
        """Fires when the selected scenario changes; enables only the actions its
        status allows (Propose for a draft, Approve when proposed, ...)."""
        return disabled(selected)

    @app.callback(
        Output(ids.SC_ALERT, "children"),
        Output(ids.SC_ALERT, "color"),
        Output(ids.SC_ALERT, "is_open"),
        Output(ids.SC_OPENED, "data"),
        Output(ids.SC_OPENED_TEXT, "children"),
        Output(ids.SC_NAME, "value"),
        Output(ids.SC_CHANGED, "data"),
        Output(ids.SC_DOWNLOAD, "data"),
        Output(ids.WI_HISTORY, "data", allow_duplicate=True),
        *(Input(button, "n_clicks") for button in BUTTONS),
        State(ids.SC_NAME, "value"),
        State(ids.SC_GRID, "selectedRows"),
        State(ids.SC_OPENED, "data"),
        State(ids.WI_HISTORY, "data"),
        State(ids.SC_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def scenario_action(*args):
        """Fires on any panel button; saves, opens (the scenario becomes the
        editor's history, one step), copies, deletes, exports or moves the
        selected scenario on, and says what happened or why it was refused."""
        name, selected, opened, history, changed = args[len(BUTTONS):]
        form = {"name": name, "selected": selected, "opened": opened, "history": history}
        try:
            out = act(service, BUTTONS.get(ctx.triggered_id, ""), form)
        except ScenarioError as exc:
            return (refused(exc), "danger", True, no_update, no_update, no_update,
                    (changed or 0) + 1, no_update, no_update)
        shown = opened if out.opened is no_update else out.opened
        refresh = (changed or 0) + 1 if out.refresh else no_update
        return (out.message, out.color, True, out.opened, opened_text(shown), out.name,
                refresh, out.download, out.history)

    del list_scenarios, enable_buttons, scenario_action
