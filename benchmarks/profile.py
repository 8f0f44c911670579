"""Profile one interaction with pyinstrument (``pip install pyinstrument``; not a dependency).

    python -m benchmarks.profile --size M --target map-page [--target drilldown …] [--calls 5]

Targets: cold-start, map-page, recolour, drilldown, attainment, pipeline,
underperformers, scorecard, and the what-if editor's clicks whatif-county,
whatif-accounts (1,000 accounts) and whatif-quota (each the click's callback and
the two it fires, as the runner times them). Every target goes through the
callback endpoint and clears the result cache before every call (cold), like the
runner.
"""

from __future__ import annotations

import argparse
import tempfile

from benchmarks import datasets
from tests.dash_http import find_where, payload, sign_in, timed_post

TARGETS = ("cold-start", "map-page", "recolour", "drilldown", "attainment", "pipeline",
           "underperformers", "scorecard", "whatif-county", "whatif-accounts", "whatif-quota")


def main(argv: list[str] | None = None) -> int:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(datasets.SIZES), default="M")
    parser.add_argument("--target", choices=TARGETS, required=True, action="append",
                        help="repeat to profile several interactions on one loaded app")
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--html", default=None, help="also write an HTML report here")
    args = parser.parse_args(argv)

    from app import create_app
    from dashboard.runtime.config import Settings

    folder = datasets.ensure(args.size)
    with tempfile.TemporaryDirectory(prefix="td-profile-") as cache_dir:
        settings = Settings(
            instance_path=cache_dir, database_url=f"sqlite:///{folder / datasets.DB_NAME}",
            demo=False, tile_url="", secret_key="bench",
        )
        app = create_app(settings)
        service = app.server.extensions["territory_service"]
        cache = app.server.extensions["territory_cache"]
        for target in args.target:
            _profile(args, target, app, service, cache, Profiler(interval=0.001))
        service.engine.dispose()
    return 0


def _profile(args, target, app, service, cache, profiler) -> None:
    import numpy as np

    from benchmarks.run import editor_click
    from dashboard.views.selection import period_options
    from layouts import ids

    if target == "cold-start":
        with profiler:
            service.frames()
    else:
        frames = service.frames()
        as_of = service.as_of()
        periods = [o["value"] for o in period_options(as_of)]
        tids = list(frames.territories["territory_id"])
        kpis = ["pace", "coverage", "revenue_growth", "penetration", "attainment"]

        def values(i: int) -> dict:
            return {
                f"{ids.PERIOD}.value": periods[i % len(periods)],
                f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
                f"{ids.MAP_KPI_PICKER}.value": kpis[i % len(kpis)],
                f"{ids.URL}.search": f"?period={periods[i % len(periods)]}",
                f"{ids.URL}.pathname": "/",
                f"{ids.DRILLDOWN_TERRITORY}.data": tids[i % len(tids)],
                f"{ids.ATTAINMENT_LEVEL}.value": "territory",
                f"{ids.UP_PACE}.value": [80, 85, 90][i % 3], f"{ids.UP_COVERAGE}.value": 2,
                f"{ids.UP_GROWTH}.value": 0, f"{ids.UP_POTENTIAL_INDEX}.value": 0.8,
                f"{ids.UP_PENETRATION}.value": True,
            }

        reps = sorted(frames.reps.dropna(subset=["territory_id"]).index)

        def values(i: int, base=values) -> dict:
            return {**base(i), f"{ids.SCORECARD_REP}.value": reps[i * 37 % len(reps)]}

        client = sign_in(app.server.test_client())
        if target.startswith("whatif-"):
            alignment = frames.alignment["territory_id"]
            counties = alignment.dropna().index.to_numpy()

            def form(i: int) -> dict:
                if target == "whatif-quota":
                    return {f"{ids.WI_QUOTA_TERRITORY}.value": tids[i * 13 % len(tids)],
                            f"{ids.WI_QUOTA_PCT}.value": [5, 10, -5, -10][i % 4]}
                if target == "whatif-accounts":
                    chosen = np.random.default_rng(i).choice(
                        frames.accounts.index.to_numpy(), min(1000, len(frames.accounts)),
                        replace=False)
                    return {f"{ids.WI_ACCOUNTS}.selectedRows": [{"id": a} for a in chosen],
                            f"{ids.WI_ACCOUNT_TARGET}.value": tids[i % len(tids)]}
                fips = counties[i * 7919 % len(counties)]
                return {f"{ids.WI_SELECT}.value": [fips], f"{ids.WI_TARGET}.value": next(
                    t for t in tids[i % len(tids):] + tids if t != alignment[fips])}

            button = {"whatif-county": ids.WI_MOVE, "whatif-accounts": ids.WI_ACCOUNT_MOVE,
                      "whatif-quota": ids.WI_QUOTA_APPLY}[target]

            def call(i: int) -> None:
                cache.clear()
                editor_click(client, app, button, form(i))
        else:
            output, changed = {
                "map-page": ((ids.PAGE, "children"), f"{ids.URL}.pathname"),
                "recolour": ((ids.KPI_STRIP, "children"), f"{ids.MAP_KPI_PICKER}.value"),
                "drilldown": ((ids.DRILLDOWN, "children"), f"{ids.DRILLDOWN_TERRITORY}.data"),
                "attainment": ((ids.ATTAINMENT_CONTENT, "children"), f"{ids.PERIOD}.value"),
                "pipeline": ((ids.PIPELINE_CONTENT, "children"), f"{ids.PERIOD}.value"),
                "underperformers": ((ids.UP_SUMMARY, "children"), f"{ids.UP_PACE}.value"),
                "scorecard": ((ids.SCORECARD_CONTENT, "children"),
                              f"{ids.SCORECARD_REP}.value"),
            }[target]
            found = find_where(app, lambda o, _s: (o["id"], o["property"]) == output)
            if found is None:
                raise SystemExit(f"{target}: no callback writes {output}")
            key, spec = found

            def call(i: int) -> None:
                cache.clear()
                status, _, _ = timed_post(client, payload(key, spec, values(i), [changed]))
                assert status in (200, 204), status

        call(0)  # warm-up, not profiled
        with profiler:
            for i in range(1, args.calls + 1):
                call(i)
    print(f"=== {target} ({args.calls} calls) ===")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(f"{args.html}.{target}.html", "w") as handle:
            handle.write(profiler.output_html())


if __name__ == "__main__":
    raise SystemExit(main())
