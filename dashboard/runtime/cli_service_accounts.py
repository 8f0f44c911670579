"""``territory-dashboard service-account create|revoke|list``: the accounts a
scheduled sync calls the import API with (``dashboard.access.service_accounts``).
English only, like the rest of the command line."""

from __future__ import annotations

import argparse


def add_service_account_parser(sub) -> None:
    accounts = sub.add_parser("service-account",
                              help="tokens for the import API (POST /api/v1/imports)")
    actions = accounts.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create one and print its token (shown once)")
    create.add_argument("name")
    revoke = actions.add_parser("revoke", help="refuse its token from now on")
    revoke.add_argument("name")
    actions.add_parser("list", help="list them (never their tokens)")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def cmd_service_account(engine, args: argparse.Namespace) -> int:
    from dashboard.access import service_accounts
    from dashboard.runtime.cli import UserError

    try:
        if args.action == "create":
            token = service_accounts.create(engine, args.name, actor="cli")
            print(f"service account {args.name} created; its token (shown only now, "
                  f"keep it in your sync's secrets):")
            print(token)
        elif args.action == "revoke":
            service_accounts.revoke(engine, args.name)
            print(f"service account {args.name} revoked: its token is refused from now on")
        else:
            for row in service_accounts.list_accounts(engine):
                state = "active" if row.active else f"revoked {_when(row.revoked_at)}"
                print(f"{row.name}\t{state}\tcreated {_when(row.created_at)}\t"
                      f"last used {_when(row.last_used_at)}")
    except service_accounts.ServiceAccountProblem as exc:
        raise UserError(str(exc)) from exc
    return 0
