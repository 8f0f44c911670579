"""The ``territory-dashboard`` command line.

Data commands live here (no web imports); ``serve`` is handed in by
``app.main`` so the core never imports Dash.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dashboard.access.rules import ROLES
from dashboard.runtime.cli_design import DESIGN_COMMANDS, add_design_parsers
from dashboard.runtime.cli_layers import add_layers_parser
from dashboard.runtime.cli_mapping import add_mapping_arguments, print_imported, print_problems
from dashboard.runtime.cli_service_accounts import add_service_account_parser
from dashboard.runtime.config import Settings, SettingsError

log = logging.getLogger("territory_dashboard")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="territory-dashboard",
        description="Sales territory performance and what-if realignment.",
    )
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the web app (default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash dev tools (never in production)")
    serve.add_argument("--prod", action="store_true",
                       help="gunicorn with several workers (README: Production deployment)")
    serve.add_argument("--workers", type=int, default=None,
                       help="gunicorn workers with --prod (default: WEB_CONCURRENCY, else 2)")

    demo = sub.add_parser("init-demo", help="build the demo dataset into the database")
    demo.add_argument("--force", action="store_true", help="replace data that is already there")
    demo.add_argument("--units", choices=("county", "zip", "mixed"), default=None,
                      help="the unit layer: counties (default: TD_UNITS, else county), "
                           "approximate ZIP areas, or counties with the big metros by ZIP")

    units = sub.add_parser("units", help="switch the stored data to another unit layer")
    units.add_argument("layer", type=_units_choice,
                       help="county, zip, mixed or layer:NAME; zip and mixed place every "
                            "account into its ZIP area and keep the alignment, layer:NAME "
                            "(layers add) places them into that layer's units "
                            "(README: Unit layers)")

    imp = sub.add_parser("import", help="load DATA_FORMAT.md files (CSV or XLSX)")
    imp.add_argument("paths", nargs="+", type=Path, help="files, or folders holding them")
    add_mapping_arguments(imp)

    kpis = sub.add_parser("kpis", help="print the KPI table as CSV")
    kpis.add_argument("--period", required=True, help="2026Q3, 2026 or 2026-01-01..2026-06-30")
    kpis.add_argument("--level", default="territory",
                      help="territory, rep, region, company, or a level of levels.csv "
                           "(district...)")
    kpis.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: the dataset's)")
    kpis.add_argument("--segment", help="one account segment (quota: METRICS.md segment rule)")
    kpis.add_argument("--restated", action="store_true",
                      help="all history by the alignment in force on E (default: as credited)")

    export = sub.add_parser("export", help="write the data and live alignment as CSV files")
    export.add_argument("directory", type=Path)

    add_users_parser(sub)
    add_service_account_parser(sub)
    add_layers_parser(sub)
    add_design_parsers(sub)
    return parser


def main(argv: list[str] | None = None, serve: Callable | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    try:
        settings = Settings.from_env()
        if command == "serve":
            if serve is None:
                print("serve is started through app.main", file=sys.stderr)
                return 2
            extra = {"prod": True, "workers": args.workers} if getattr(args, "prod", False) else {}
            return serve(settings, getattr(args, "host", "127.0.0.1"),
                         getattr(args, "port", 8050), getattr(args, "debug", False), **extra)
        handler = {"init-demo": cmd_init_demo, "import": cmd_import, "kpis": cmd_kpis,
                   "units": cmd_units, "layers": cmd_layers,
                   "export": cmd_export, "users": cmd_users,
                   "service-account": cmd_service_account, **DESIGN_COMMANDS}[command]
        return handler(settings, args)
    except (UserError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line, not a traceback, for the person at the terminal
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            print(f"error: cannot reach the database ({_short(exc)})", file=sys.stderr)
            return 3
        raise


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


def _short(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]


def _service(settings: Settings):
    from dashboard.runtime.service import DataService

    service = DataService(settings)
    service.migrate()
    return service


def add_users_parser(sub) -> None:
    users = sub.add_parser("users", help="manage sign-in accounts")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a user (password asked for, or TD_PASSWORD)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--scope", default="",
                     help="a manager's region (or unit of --level) or a rep's rep id")
    add.add_argument("--level", default="",
                     help="a manager's level when not region (--scope then names its unit)")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--one-time", action="store_true", help=ONE_TIME_HELP)
    actions.add_parser("list", help="list users (never their passwords)")
    role = actions.add_parser("set-role", help="change a user's role and scope")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--scope", default="")
    role.add_argument("--level", default="", help="a manager's level when not region")
    reset = actions.add_parser("reset-password", help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--one-time", action="store_true", help=ONE_TIME_HELP)


#: a one-time password: made up, printed once, replaced by the user at first sign-in
ONE_TIME_HELP = ("make up a one-time password and print it once; the user must set "
                 "their own at their next sign-in")


def _new_password() -> str:
    """From TD_PASSWORD (scripts) or asked twice without echo; never an argument,
    which would sit in the shell history and the process list."""
    import getpass
    import os

    if os.environ.get("TD_PASSWORD"):
        return os.environ["TD_PASSWORD"]
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password: set TD_PASSWORD")
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Repeat it: "):
        raise UserError("the two passwords differ")
    return first


def cmd_users(settings: Settings, args) -> int:
    from dashboard.access import users

    engine = _service(settings).engine
    try:
        if args.action == "list":
            for row in users.list_users(engine):
                state = "" if row.active else " (inactive)"
                scope = f"{row.scope_level}:{row.scope}" if row.scope_level else row.scope or "-"
                print(f"{row.username}\t{row.role}\t{scope}\t{row.display_name}{state}")
            return 0
        one_time = getattr(args, "one_time", False)
        if args.action == "add":
            users.check_role(args.role, args.scope, args.level)  # before asking for a password
            password = users.one_time_password() if one_time else _new_password()
            users.add_user(engine, args.username, password, args.role, args.scope,
                           args.name, args.level, one_time=one_time)
        elif args.action == "set-role":
            users.set_role(engine, args.username, args.role, args.scope, args.level)
        elif args.action == "reset-password":
            password = users.one_time_password() if one_time else _new_password()
            users.reset_password(engine, args.username, password, one_time=one_time)
        if one_time and args.action in ("add", "reset-password"):
            print(f"one-time password for {args.username} (shown once): {password}")
    except users.UserProblem as exc:
        raise UserError(str(exc)) from exc
    print(f"{args.action}: done for {args.username}")
    return 0


def _units_choice(text: str) -> str:
    from dashboard.runtime.units import check_units

    try:
        return check_units(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_layers(settings: Settings, args) -> int:
    from dashboard.runtime.cli_layers import cmd_layers as run

    return run(_service(settings).engine, args)


def cmd_service_account(settings: Settings, args) -> int:
    from dashboard.runtime.cli_service_accounts import cmd_service_account as run

    return run(_service(settings).engine, args)


def cmd_init_demo(settings: Settings, args) -> int:
    from dashboard.storage import store

    service = _service(settings)
    built_from = store.data_version(service.engine)  # what --force replaces
    if not store.is_empty(service.engine) and not args.force:
        raise UserError("the database already holds data; use --force to replace it")
    from dashboard.demo.dataset import generate_demo
    from dashboard.runtime import units

    layer = args.units or settings.units
    dataset, manifest = generate_demo()
    dataset = units.on_units(dataset, layer)
    try:
        version = store.replace_dataset(
            service.engine, dataset, expected_version=built_from, action="init-demo",
            as_of=date.fromisoformat(manifest["as_of"]),
            detail={"seed": manifest["seed"], "units": layer},
        )
    except store.StaleData as exc:
        raise UserError("the data changed while the demo was being built (an import or an "
                        "applied scenario); nothing was written: run init-demo again") from exc
    units.store_units(service.engine, layer)
    print(f"demo built: {len(dataset.territories)} territories, {len(dataset.accounts):,} "
          f"accounts, {len(dataset.opportunities):,} opportunities, {layer} units "
          f"(data version {version})")
    return 0


def cmd_units(settings: Settings, args) -> int:
    """Switch the stored data to another unit layer: zip and mixed place every account
    without a ZIP into its ZIP area (mixed also gives the big metros' ZIPs rows carried
    from their county), so no figure changes; county only records the choice."""
    from dashboard.runtime import units
    from dashboard.storage import store

    service = _service(settings)
    if units.unit_layers.layer_of(args.layer):
        from dashboard.runtime.cli_layers import switch_to_layer

        return switch_to_layer(service, units.unit_layers.layer_of(args.layer))
    built_from = store.data_version(service.engine)
    if store.is_empty(service.engine):
        raise UserError("the database holds no data yet: import some or run init-demo")
    own = units.unit_layers.layer_of(service.units())
    if own:  # its ids are no US counties: nothing to carry over
        raise UserError(f"the data names the units of layer {own}, not US counties: "
                        f"export it, or import data naming counties into a new database")
    dataset = units.on_units(store.read_dataset(service.engine), args.layer)
    try:
        version = store.replace_dataset(
            service.engine, dataset, expected_version=built_from, action="units",
            as_of=store.dataset_as_of(service.engine), detail={"units": args.layer})
    except store.StaleData as exc:
        raise UserError("the data changed meanwhile (an import or an applied scenario); "
                        "nothing was written: run the command again") from exc
    units.store_units(service.engine, args.layer)
    placed = int(dataset.accounts["zip"].notna().sum()) if "zip" in dataset.accounts else 0
    print(f"units: {args.layer} ({placed:,} of {len(dataset.accounts):,} accounts in a ZIP "
          f"area; data version {version})")
    return 0


def cmd_import(settings: Settings, args) -> int:
    from dashboard.ingest.reading import expand_paths
    from dashboard.ingest.service import import_files

    missing = [str(p) for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError(f"{missing[0]} does not exist")
    if args.map or args.mapping:
        from dashboard.runtime.cli_mapping import cmd_import_mapped

        return cmd_import_mapped(_service(settings).engine, settings, args)
    service = _service(settings)
    files = [(p.name, p.read_bytes()) for p in expand_paths(args.paths)]
    result = import_files(service.engine, files, actor="cli",
                          stage_probabilities=settings.stage_probabilities)
    if print_problems(result.problems) or not result.ok:
        return 1
    return print_imported(result)


def cmd_kpis(settings: Settings, args) -> int:
    from dashboard.metrics.kpi_table import UnknownLevel, format_kpi_csv, kpi_table
    from dashboard.metrics.periods import Period

    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    service = _service(settings)
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError as exc:
            raise UserError(f"--as-of must be YYYY-MM-DD, got {args.as_of!r}") from exc
    else:
        as_of = service.as_of()
    frames = service.frames()
    if args.segment is not None and args.segment not in set(frames.accounts["segment"].dropna()):
        raise UserError(f"--segment {args.segment!r} is no account's segment")
    try:
        table = kpi_table(frames, period, as_of, args.level, segment=args.segment,
                          restated=args.restated)
    except UnknownLevel as exc:
        raise UserError(str(exc)) from exc
    sys.stdout.write(format_kpi_csv(table))
    sys.stdout.flush()
    # frames built from the database are saved by a daemon thread, which dies with
    # the process: wait, so the next run (or the app's next worker) starts from disk
    service.wait_for_snapshot()
    return 0


def cmd_export(settings: Settings, args) -> int:
    from dashboard.ingest.export import export_dataset
    from dashboard.storage import store

    service = _service(settings)
    args.directory.mkdir(parents=True, exist_ok=True)
    export_dataset(store.read_dataset(service.engine), args.directory,
                   as_of=store.dataset_as_of(service.engine))
    print(f"exported to {args.directory}")
    return 0
