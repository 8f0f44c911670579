"""Applying an approved scenario from an effective date with its quota step,
and the alignment history with its rollback (issue 17 item 2).

Apply (a leader's) opens a dialog: the effective date (default: the first
day of the next quarter; a date inside a quarter gets the warning of
:func:`dashboard.whatif.apply_plan.date_warning`), the quota step of
:func:`dashboard.whatif.apply_plan.quota_lines` by T12 bookings or potential,
editable, and Confirm, which hands the confirmed plan to
:func:`dashboard.whatif.scenarios.apply_scenario`. The history lists
:func:`dashboard.whatif.alignment_history.list_steps` for the viewer's scope;
a leader rolls one back from a date they pick.
"""

from __future__ import annotations

from datetime import date

import dash
from dash import Input, Output, State, ctx, no_update

from callbacks import guard
from callbacks.scenarios_panel import access, acting_user, refused, sentence
from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.runtime.service import DataService
from dashboard.whatif import alignment_history, apply_plan, scenarios
from dashboard.whatif.scenarios import ScenarioError
from layouts import ids

_ALERT = (Output(ids.SC_ALERT, "children", allow_duplicate=True),
          Output(ids.SC_ALERT, "color", allow_duplicate=True),
          Output(ids.SC_ALERT, "is_open", allow_duplicate=True),
          Output(ids.SC_CHANGED, "data", allow_duplicate=True))


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _target(value) -> int | None:
    scenario_id = value.get("id") if isinstance(value, dict) else None
    return scenario_id if isinstance(scenario_id, int) else None


def grid_rows(lines: list[apply_plan.QuotaLine], rows: list[dict] | None = None) -> list[dict]:
    """The quota step as grid rows, money and attainments written out; ``rows``
    (after an edit) keep their confirmed amounts."""
    rows = apply_plan.plan_rows(lines) if rows is None else apply_plan.rows_with_confirmed(rows)
    return [row | {"territory": f"{row['territory_name']} ({row['territory_id']})",
                   "current_text": formatting.money(row["current"]),
                   "scenario_text": formatting.money(row["scenario"]),
                   "proposed_text": formatting.money(row["proposed"]),
                   "attainment_text": "{before} → {after}".format(  # i18n: not shown
                       before=formatting.percent(row["attainment_before"]),
                       after=formatting.percent(row["attainment_after"]))}
            for row in rows]


def plan(service: DataService, target, day, basis) -> tuple:
    """The dialog for a scenario and date: (rows, warning, summary)."""
    data = guard.data(service)
    record = scenarios.read_scenario(service.engine, _target(target), access(service))
    as_of = service.as_of()
    effective = _day(day) or apply_plan.default_effective_date(as_of)
    apply_plan.check_effective_date(effective, as_of)
    frames = data.frames()
    lines = apply_plan.quota_lines(frames, record.changes, effective, as_of,
                                   basis if basis in apply_plan.BASES else "bookings")
    moved = apply_plan.moved_summary(frames, record.changes)
    summary = _("'{name}': {counties} and {accounts} change territory from {date}; the "
                "confirmed quotas apply from {quarter}.").format(
        name=record.name,
        counties=data.geography().words.count(moved["counties"]),
        accounts=ngettext("{count} account", "{count} accounts", moved["accounts"]).format(
            count=formatting.count(moved["accounts"])),
        date=effective.isoformat(), quarter=apply_plan.first_planned_quarter(effective))
    return lines, apply_plan.date_warning(effective), summary


def step_rows(steps: list[alignment_history.Step]) -> list[dict]:
    """The history as grid rows, newest first."""
    out = []
    for step in steps:
        if step.kind == alignment_history.ROLLBACK:
            what = _("Rollback of step {id} ('{name}')").format(id=step.rolls_back,
                                                                name=step.name)
        else:
            what = _("Applied '{name}'").format(name=step.name)
        if step.rolled_back_by:
            what += " · " + _("rolled back by step {id}").format(id=step.rolled_back_by)
        out.append({"step": step.id, "what": what,
                    "effective_from": step.effective_from.isoformat(),
                    "counties": step.counties, "zips": step.zips, "accounts": step.accounts,
                    "user": step.user,
                    "at": f"{step.at:%Y-%m-%d %H:%M}"})
    return out


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.SC_APPLY_MODAL, "is_open"),
        Output(ids.SC_APPLY_TARGET, "data"),
        Output(ids.SC_APPLY_DATE, "date"),
        Output(ids.SC_APPLY_DATE, "min_date_allowed"),
        Input(ids.SC_APPLY, "n_clicks"),
        Input(ids.SC_APPLY_CANCEL, "n_clicks"),
        State(ids.SC_GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def open_dialog(_apply, _cancel, selected):
        """Fires on Apply (opens the dialog for the selected scenario, dated the
        first day of the next quarter) and on Cancel (closes it)."""
        row = selected[0] if isinstance(selected, list) and selected else None
        if ctx.triggered_id != ids.SC_APPLY or not isinstance(row, dict):
            return False, None, no_update, no_update
        as_of = service.as_of()
        return (True, {"id": row.get("id"), "name": row.get("name")},
                apply_plan.default_effective_date(as_of).isoformat(),
                date.fromordinal(as_of.toordinal() + 1).isoformat())

    @app.callback(
        Output(ids.SC_APPLY_QUOTAS, "rowData"),
        Output(ids.SC_APPLY_WARNING, "children"),
        Output(ids.SC_APPLY_WARNING, "is_open"),
        Output(ids.SC_APPLY_SUMMARY, "children"),
        Output(ids.SC_APPLY_ERROR, "children"),
        Output(ids.SC_APPLY_ERROR, "is_open"),
        Input(ids.SC_APPLY_TARGET, "data"),
        Input(ids.SC_APPLY_DATE, "date"),
        Input(ids.SC_APPLY_BASIS, "value"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def quota_step(target, day, basis):
        """Fires when the dialog opens, its date or basis changes; returns the
        quota step, the mid-quarter warning and the headline (or why not)."""
        if _target(target) is None:
            return [], None, False, "", None, False
        try:
            lines, warning, summary = plan(service, target, day, basis)
        except (ScenarioError, apply_plan.PlanError) as exc:
            message = refused(exc) if isinstance(exc, ScenarioError) else sentence(exc)
            return [], None, False, "", message, True
        return grid_rows(lines), warning, bool(warning), summary, None, False

    @app.callback(
        Output(ids.SC_APPLY_QUOTAS, "rowData", allow_duplicate=True),
        Input(ids.SC_APPLY_QUOTAS, "cellValueChanged"),
        State(ids.SC_APPLY_QUOTAS, "rowData"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def edit_quota(_changed, rows):
        """Fires when the leader edits an amount to apply; the after-attainment follows."""
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return no_update
        return grid_rows([], rows)

    @app.callback(
        Output(ids.SC_APPLY_MODAL, "is_open", allow_duplicate=True),
        Output(ids.SC_APPLY_ERROR, "children", allow_duplicate=True),
        Output(ids.SC_APPLY_ERROR, "is_open", allow_duplicate=True),
        *_ALERT,
        Output(ids.WI_HISTORY, "data", allow_duplicate=True),
        Input(ids.SC_APPLY_CONFIRM, "n_clicks"),
        State(ids.SC_APPLY_TARGET, "data"),
        State(ids.SC_APPLY_DATE, "date"),
        State(ids.SC_APPLY_BASIS, "value"),
        State(ids.SC_APPLY_QUOTAS, "rowData"),
        State(ids.SC_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def confirm(_n, target, day, basis, rows, changed):
        """Fires on Confirm: applies the scenario from the date with the amounts
        shown, closes the dialog and says so; a refusal stays in the dialog."""
        user, role = acting_user()
        try:
            lines, _warning, _summary = plan(service, target, day, basis)
            quotas = apply_plan.confirmed_plan(rows, lines)
            effective = _day(day) or apply_plan.default_effective_date(service.as_of())
            record = scenarios.apply_scenario(service.engine, _target(target), user, role,
                                              access(service), effective_from=effective,
                                              quotas=quotas,
                                              words=service.geography().words)
        except (ScenarioError, apply_plan.PlanError) as exc:
            message = refused(exc) if isinstance(exc, ScenarioError) else sentence(exc)
            return (no_update, message, True, no_update, no_update, no_update,
                    (changed or 0) + 1, no_update)
        done = _("Applied '{name}' from {date}: earlier periods are unchanged; from then on "
                 "every view shows the new alignment and {count} confirmed quotas.").format(
            name=record.name, date=effective.isoformat(), count=len(quotas))
        return False, None, False, done, "success", True, (changed or 0) + 1, []

    @app.callback(
        Output(ids.SC_STEPS, "rowData"),
        Output(ids.SC_ROLLBACK_DATE, "min_date_allowed"),
        Input(ids.SC_CHANGED, "data"),
    )
    @guard.level("manager")
    def list_steps(_changed):
        """Fires with the page and after every change; the alignment steps the
        viewer may see (a manager: those touching their region), newest first."""
        steps = alignment_history.list_steps(service.engine, guard.data(service).scope)
        tomorrow = date.fromordinal(service.as_of().toordinal() + 1)
        return step_rows(steps), tomorrow.isoformat()

    @app.callback(
        *_ALERT,
        Input(ids.SC_ROLLBACK, "n_clicks"),
        State(ids.SC_STEPS, "selectedRows"),
        State(ids.SC_ROLLBACK_DATE, "date"),
        State(ids.SC_CHANGED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def rollback(_n, selected, day, changed):
        """Fires on Roll back: reverses the selected step from the picked date."""
        row = selected[0] if isinstance(selected, list) and selected else None
        step_id = row.get("step") if isinstance(row, dict) else None
        effective = _day(day)
        user, role = acting_user()
        try:
            if not isinstance(step_id, int) or effective is None:
                raise ScenarioError(_("Select a step in the history and a date first."))
            done = alignment_history.rollback_step(service.engine, step_id, user, role,
                                                   guard.data(service).scope,
                                                   effective_from=effective)
        except ScenarioError as exc:
            return refused(exc), "danger", True, (changed or 0) + 1
        return (_("Rolled step {id} back from {date} (step {new}); the history keeps "
                  "both.").format(id=step_id, date=effective.isoformat(), new=done.id),
                "success", True, (changed or 0) + 1)

    del open_dialog, quota_step, edit_quota, confirm, list_steps, rollback
