"""``territory-dashboard import --mapping auto|PROFILE`` (``--map`` is ``--mapping
auto``): CRM exports through the mapping step (``dashboard.ingest.mapped_import``),
the proposed mapping and every problem printed. English only, like the rest of the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.ingest.reading import SUPPORTED_SUFFIXES


def add_mapping_arguments(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("--mapping", metavar="auto|PROFILE",
                     help="files of any layout (CRM exports), through a mapping printed "
                          "first: auto = the recognised one (it stops and lists what it "
                          "could not map), PROFILE = that saved mapping")
    imp.add_argument("--map", action="store_true", help="the same as --mapping auto")
    imp.add_argument("--dry-run", dest="dry_run", action="store_true",
                     help="with --mapping: print the mapping and the first rows as stored; "
                          "write nothing")
    imp.add_argument("--profile", help="with --mapping auto: apply this saved mapping if "
                                       "there is one; save the one used under this name "
                                       "after a successful import")
    imp.add_argument("--date-order", dest="date_orders", action="append", default=[],
                     metavar="COLUMN=ORDER",
                     help="with --map: the order a date column is written in "
                          "(iso, mdy, dmy or serial); repeat for each column")
    imp.add_argument("--stage", dest="stages", action="append", default=[],
                     metavar="STAGE=STATUS", help="with --map: a stage's status "
                                                  "(open, won or lost); repeat for each stage")


def _pairs(values: list[str], allowed: tuple[str, ...], option: str) -> dict[str, str]:
    from dashboard.runtime.cli import UserError

    pairs = {}
    for text in values:
        key, sep, value = text.rpartition("=")
        value = value.strip().lower()
        if not sep or not key.strip() or value not in allowed:
            raise UserError(f"{option} {text!r}: write NAME={'|'.join(allowed)}")
        pairs[key.strip()] = value
    return pairs


def _files(paths: list[Path]) -> list[tuple[str, bytes]]:
    files = []
    for path in paths:
        children = sorted(path.iterdir()) if path.is_dir() else [path]
        files += [(p.name, p.read_bytes()) for p in children
                  if p.is_file() and (p.suffix.lower() in SUPPORTED_SUFFIXES or p == path)]
    return files


def print_proposal(outcome) -> None:
    from dashboard.ingest.dates import ORDER_LABELS

    proposal = outcome.proposal
    if outcome.profile_applied:
        print(f"profile {outcome.profile_applied} applied")
    for file in proposal.files:
        print(f"{file.file}: {file.kind or 'not recognised'}")
        for header, field in file.columns.items():
            order = file.date_orders.get(header)
            shown = f" ({ORDER_LABELS[order]})" if order else (
                " (date order unknown)" if header in file.date_orders else "")
            print(f"  {header} -> {field or '(not used)'}{shown}")
    if proposal.stage_status:
        print("stages:")
        for stage, status in proposal.stage_status.items():
            print(f"  {stage} -> {status}")


def _profile_to_apply(engine, args) -> tuple[str | None, bool]:
    """The profile ``--mapping``/``--profile`` name, and whether to save it after:
    ``--mapping PROFILE`` applies a saved one as it is (refused if there is none),
    ``--profile NAME`` applies it if saved and saves the mapping used."""
    from dashboard.ingest import profiles
    from dashboard.runtime.cli import UserError

    named = (args.mapping or "auto").strip()
    if named == "auto":
        return args.profile, bool(args.profile)
    if args.profile and args.profile != named:
        raise UserError("give --mapping PROFILE or --mapping auto --profile NAME, not both")
    if profiles.load(engine, named) is None:
        saved = ", ".join(profiles.names(engine)) or "none yet"
        raise UserError(f"no mapping profile named {named!r} (saved: {saved}); use "
                        f"--mapping auto, or --mapping auto --profile {named} to save one")
    return named, False


def cmd_import_mapped(engine, settings, args) -> int:
    from dashboard.ingest import mapped_import
    from dashboard.ingest.dates import ORDERS
    from dashboard.runtime.units import own_units

    profile, save = _profile_to_apply(engine, args)
    answers = mapped_import.Answers(
        _pairs(args.date_orders, ORDERS, "--date-order"),
        _pairs(args.stages, ("open", "won", "lost"), "--stage"), profile)
    outcome = mapped_import.run(engine, _files(args.paths), answers, dry_run=args.dry_run,
                                actor="cli", stage_probabilities=settings.stage_probabilities,
                                save_profile=save, units=own_units(engine))
    print_proposal(outcome)
    if print_problems(outcome.problems):
        unknown = [h for f in outcome.proposal.files for h, o in f.date_orders.items() if not o]
        if unknown:
            print(f'answer each date order with --date-order "{unknown[0]}=mdy" (or dmy, '
                  f'iso, serial)', file=sys.stderr)
        return 1
    if args.dry_run:
        for table, frame in outcome.preview.items():
            print(f"{table} (first rows as stored):")
            print(frame.to_string(index=False))
        print("nothing imported (dry run)")
        return 0
    code = print_imported(outcome.result)
    if save:
        print(f"profile {profile} saved")
    return code


def print_problems(problems) -> bool:
    """Warnings, then errors and the refusal; whether there were errors."""
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        if problem.severity != "error":
            print(problem, file=sys.stderr)  # a warning says "warning:" itself
    for problem in errors:
        print(f"error: {problem}", file=sys.stderr)
    if errors:
        print(f"nothing imported: {len(errors)} problem(s)", file=sys.stderr)
    return bool(errors)


def print_imported(result) -> int:
    if result.unchanged:
        print(f"nothing changed: the files hold the stored data (data version "
              f"{result.data_version})")
        return 0
    loaded = ", ".join(f"{n:,} {t}" for t, n in result.rows.items())
    print(f"imported {loaded} (data version {result.data_version})")
    return 0
