"""``territory-dashboard layers add|list`` and ``units layer:NAME``: a leader's own unit
layer from a boundary file (``dashboard.runtime.custom_layers``), and the data switched
onto it. English only, like the rest of the command line (the checks' words follow
``TD_LANGUAGE``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.storage.unit_layers import NAME_PATTERN


def add_layers_parser(sub) -> None:
    layers = sub.add_parser("layers", help="unit layers of your own, from boundary files")
    actions = layers.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add (or replace) a layer from a GeoJSON, TopoJSON "
                                         "or zipped Shapefile")
    add.add_argument("file", type=Path)
    add.add_argument("--name", required=True, help="the layer's name (then: units layer:NAME)")
    add.add_argument("--id-property", required=True, help="the property holding unit ids")
    add.add_argument("--name-property", help="the property holding unit names")
    add.add_argument("--parent-property", help="the property holding each unit's parent")
    actions.add_parser("list", help="the layers added, and which one the data runs on")


def cmd_layers(engine, args: argparse.Namespace) -> int:
    from dashboard.runtime import custom_layers
    from dashboard.runtime.cli import UserError
    from dashboard.storage import unit_layers

    if args.action == "list":
        active = unit_layers.layer_of(unit_layers_meta(engine))
        for name in unit_layers.names(engine):
            record = unit_layers.read(engine, name)
            count = len(unit_layers.unit_ids(record.topology))
            in_use = "\tin use" if name == active else ""
            print(f"{name}\t{count} units\t{record.source_file}\t"
                  f"{record.created_at:%Y-%m-%d %H:%M}{in_use}")
        return 0
    if not NAME_PATTERN.fullmatch(args.name):
        raise UserError("--name takes letters, digits, - and _ only")
    if not args.file.exists():
        raise UserError(f"{args.file} does not exist")
    result = custom_layers.add_layer(engine, args.name, args.file.name, args.file.read_bytes(),
                                     args.id_property, args.name_property, args.parent_property)
    for problem in result.problems:
        print(problem)
    if result.refused:
        print(f"layer {args.name} not added")
        return 1
    print(f"layer {args.name}: {len(result.layer)} units added; run on it with "
          f"'territory-dashboard units layer:{args.name}'")
    return 0


def unit_layers_meta(engine) -> str | None:
    from dashboard.storage import db
    from dashboard.storage.unit_layers import META_KEY

    return db.get_meta(engine, META_KEY)


def switch_to_layer(service, name: str) -> int:
    """``units layer:NAME`` (``custom_layers.use_layer``): what it did, or why nothing
    was written."""
    from dashboard.runtime import custom_layers
    from dashboard.runtime.cli import UserError
    from dashboard.storage import store

    try:
        switched = custom_layers.use_layer(service.engine, name)
    except LookupError as exc:
        raise UserError(str(exc)) from exc
    except store.StaleData as exc:
        raise UserError("the data changed meanwhile (an import or an applied scenario); "
                        "nothing was written: run the command again") from exc
    if switched.done:
        print(switched.done)
        return 0
    for line in switched.problems:
        print(line)
    print(f"nothing written: {len(switched.problems)} problems")
    return 1
