"""The DuckDB floor: each interaction's aggregation as plain SQL over the same data.

DuckDB is a benchmark-only tool (``pip install duckdb``), imported nowhere
but here. The app's pandas frames are registered in DuckDB and copied once
into native DuckDB tables (not timed), so each query is the fastest plain
scan of the same rows. Opportunities are loaded *without* their precomputed
territory: every query joins them to their account's territory, as a plain
system would, so the floor does the same work the app's frames save.

Each method runs the aggregation(s) an interaction needs and returns the
result rows; the runner times them. Per-territory KPI parts cover what the
KPI table sums (bookings, pipeline, weighted pipeline, won/lost counts, T12
and prior-year bookings, median sales cycle, customer counts, quota pro
rata); the 80/20 concentration is left out (a window over accounts).
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dashboard.metrics.frames import Frames
from dashboard.metrics.kpi_blocks import Window
from dashboard.metrics.periods import Period, to_day

_OPP_PARTS = """
    SUM(o.amount) FILTER (o.status = 'won' AND o.close_on BETWEEN {s} AND {e}) AS bookings,
    SUM(o.amount) FILTER (o.status = 'open' AND o.close_on BETWEEN {s} AND {e}) AS open_pipeline,
    SUM(o.amount * o.probability)
        FILTER (o.status = 'open' AND o.close_on BETWEEN {s} AND {e}) AS weighted_pipeline,
    COUNT(*) FILTER (o.status = 'won' AND o.close_on BETWEEN {s} AND {e}) AS won,
    COUNT(*) FILTER (o.status = 'lost' AND o.close_on BETWEEN {s} AND {e}) AS lost,
    SUM(o.amount) FILTER (o.status = 'won' AND o.close_on BETWEEN {t12} AND {E}) AS t12_bookings,
    SUM(o.amount) FILTER (o.status = 'won' AND o.close_on BETWEEN {s} AND {E}) AS to_date,
    SUM(o.amount) FILTER (o.status = 'won' AND o.close_on BETWEEN {ps} AND {pe}) AS prior,
    MEDIAN(o.close_on - o.created_on)
        FILTER (o.status = 'won' AND o.close_on BETWEEN {s} AND {e}) AS sales_cycle
"""

_ACCOUNT_PARTS = """
    COUNT(*) AS accounts,
    SUM(a.annual_potential) AS potential,
    COUNT(*) FILTER (a.customer_since <= {b}
                     AND (a.churned_on IS NULL OR a.churned_on > {b})) AS customers_at_start,
    COUNT(*) FILTER (a.customer_since <= {b} AND (a.churned_on IS NULL OR a.churned_on > {e})
                     ) AS retained,
    COUNT(*) FILTER (a.customer_since BETWEEN {s} AND {e}) AS acquired,
    COUNT(*) FILTER (a.customer_since <= {e}
                     AND (a.churned_on IS NULL OR a.churned_on > {e})) AS customers_at_end
"""

_QUOTA = """
    SELECT q.territory_id,
           SUM(q.amount * GREATEST(0, LEAST({e}, q.end_day) - GREATEST({s}, q.start_day) + 1)
               / (q.end_day - q.start_day + 1)) AS quota
    FROM quotas q {where}
    GROUP BY q.territory_id
"""


class Floor:
    """A DuckDB connection holding the frames as native tables."""

    def __init__(self, frames: Frames, as_of: date, areas: pd.Series | None = None,
                 threads: int | None = None):
        self.as_of = as_of
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        accounts = frames.accounts[[
            "account_id", "county_fips", "territory_override", "territory_id", "segment",
            "annual_potential", "customer_since", "churned_on",
        ]].reset_index(drop=True)
        opps = frames.opportunities[[
            "opportunity_id", "account_id", "amount", "stage", "status", "created_on",
            "close_on", "probability",
        ]]
        quotas = frames.quotas[["territory_id", "period", "amount", "start_day", "end_day"]]
        territories = frames.territories[["territory_id", "region"]].reset_index(drop=True)
        alignment = frames.alignment.reset_index()[["county_fips", "territory_id"]]
        if areas is None:
            areas = pd.Series(dtype="float64")
        area_frame = pd.DataFrame({"county_fips": areas.index.astype(str),
                                   "area_km2": areas.to_numpy("float64")})
        for name, frame in (("accounts", accounts), ("opps", opps), ("quotas", quotas),
                            ("territories", territories), ("alignment", alignment),
                            ("areas", area_frame)):
            self.con.register(f"{name}_df", frame)
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_df")
            self.con.unregister(f"{name}_df")

    # -- helpers ---------------------------------------------------------------
    def _window(self, period: Period) -> dict:
        w = Window.of(period, self.as_of)
        return {"s": w.start, "e": w.end, "E": w.e, "t12": w.t12_start,
                "ps": w.prior_start, "pe": w.prior_end, "b": w.start - 1}

    def _fetch(self, sql: str, params: list | None = None) -> np.ndarray:
        return self.con.execute(sql, params or []).fetchnumpy()

    def _parts(self, period: Period, account_source: str, where: str = "",
               params: list | None = None) -> list:
        """Per-territory KPI parts with accounts taken from ``account_source``
        (a table or sub-query with account_id, territory_id and the account
        columns), optionally filtered by ``where`` on its territory."""
        p = self._window(period)
        params = params or []
        opp = self._fetch(
            f"SELECT a.territory_id, {_OPP_PARTS.format(**p)} "
            f"FROM opps o JOIN ({account_source}) a USING (account_id) {where} "
            "GROUP BY a.territory_id", params,
        )
        acc = self._fetch(
            f"SELECT a.territory_id, {_ACCOUNT_PARTS.format(**p)} "
            f"FROM ({account_source}) a {where} GROUP BY a.territory_id", params,
        )
        quota_where = where.replace("a.territory_id", "q.territory_id")
        quota = self._fetch(_QUOTA.format(where=quota_where, **p), params)
        return [opp, acc, quota]

    # -- one method per interaction ----------------------------------------------
    def overview(self, period: Period, region: str | None = None) -> list:
        """Per-territory KPI parts plus the company totals over the scope."""
        if region:
            where = ("WHERE a.territory_id IN "
                     "(SELECT territory_id FROM territories WHERE region = ?)")
            return self._parts(period, "SELECT * FROM accounts", where, [region])
        return self._parts(period, "SELECT * FROM accounts")

    def drilldown(self, territory_id: str, period: Period, quarters: int = 8) -> list:
        """One territory's parts plus bookings and open pipeline by quarter."""
        parts = self._parts(period, "SELECT * FROM accounts", "WHERE a.territory_id = ?",
                            [territory_id])
        first = to_day(date(self.as_of.year - quarters // 4 - 1, 1, 1))
        trend = self._fetch(
            "SELECT year(DATE '1970-01-01' + CAST(o.close_on AS INTEGER)) AS y, "
            "quarter(DATE '1970-01-01' + CAST(o.close_on AS INTEGER)) AS q, "
            "SUM(o.amount) FILTER (o.status = 'won') AS bookings, "
            "SUM(o.amount) FILTER (o.status = 'open') AS pipeline "
            "FROM opps o JOIN accounts a USING (account_id) "
            f"WHERE a.territory_id = ? AND o.close_on >= {first} GROUP BY 1, 2",
            [territory_id],
        )
        return [*parts, trend]

    def scorecard(self, territory_id: str, period: Period) -> list:
        """A rep's card: every territory's parts (the peer ranking) plus the
        rep's territory as in the drill-down (accounts, deals, quarters)."""
        return [*self.overview(period), *self.drilldown(territory_id, period)]

    def pipeline(self, period: Period, region: str | None = None) -> list:
        """Open pipeline by territory and stage: amount, count, age, overdue."""
        p = self._window(period)
        a_day = to_day(self.as_of)
        where = ""
        params: list = []
        if region:
            where = ("AND a.territory_id IN "
                     "(SELECT territory_id FROM territories WHERE region = ?)")
            params = [region]
        stages = self._fetch(
            "SELECT a.territory_id, o.stage, SUM(o.amount) AS amount, COUNT(*) AS n, "
            f"SUM(o.amount * o.probability) AS weighted, AVG({a_day} - o.created_on) AS age, "
            f"COUNT(*) FILTER (o.close_on < {a_day}) AS overdue "
            "FROM opps o JOIN accounts a USING (account_id) "
            f"WHERE o.status = 'open' AND o.close_on BETWEEN {p['s']} AND {p['e']} {where} "
            "GROUP BY 1, 2", params,
        )
        quota = self._fetch(_QUOTA.format(where="", **p))
        return [stages, quota, *self.overview(period, region)[:1]]

    def underperformers(self, period: Period) -> list:
        """Every territory's parts (the rules rank all of them) plus workload inputs."""
        return [*self.overview(period), *self.workload("SELECT * FROM alignment")]

    def workload(self, alignment_source: str, params: list | None = None) -> list:
        area = self._fetch(
            "SELECT al.territory_id, SUM(ar.area_km2) AS area "
            f"FROM ({alignment_source}) al LEFT JOIN areas ar USING (county_fips) "
            "GROUP BY 1", params,
        )
        return [area]

    def whatif_county(self, county_fips: str, territory_id: str, period: Period) -> list:
        """Move one county: accounts' territory recomputed from the new
        alignment, then territory parts and workload under it."""
        aligned = ("SELECT county_fips, CASE WHEN county_fips = $county THEN $tid "
                   "ELSE territory_id END AS territory_id FROM alignment")
        accounts = (
            "SELECT x.* EXCLUDE (territory_id), "
            "COALESCE(x.territory_override, al.territory_id) AS territory_id "
            f"FROM accounts x LEFT JOIN ({aligned}) al USING (county_fips)"
        )
        return self._named_parts(period, accounts, aligned,
                                 {"county": county_fips, "tid": territory_id})

    def whatif_accounts(self, account_ids: list[str], territory_id: str,
                        period: Period) -> list:
        """Override ``account_ids`` to ``territory_id``, then parts and workload."""
        moves = pd.DataFrame({"account_id": account_ids})
        self.con.register("moves", moves)
        try:
            accounts = (
                "SELECT x.* EXCLUDE (territory_id), "
                "CASE WHEN m.account_id IS NOT NULL THEN $tid "
                "ELSE COALESCE(x.territory_override, al.territory_id) END AS territory_id "
                "FROM accounts x LEFT JOIN alignment al USING (county_fips) "
                "LEFT JOIN moves m USING (account_id)"
            )
            return self._named_parts(period, accounts, "SELECT * FROM alignment",
                                     {"tid": territory_id})
        finally:
            self.con.unregister("moves")

    def whatif_quota(self, territory_id: str, change: float, period: Period) -> list:
        """Scale one territory's quotas by (1 + change), then parts, workload and quota."""
        out = self._named_parts(period, "SELECT * FROM accounts", "SELECT * FROM alignment", {})
        quota = out[-1]
        quota["quota"] = np.where(quota["territory_id"] == territory_id,
                                  quota["quota"] * (1 + change), quota["quota"])
        return out

    def _named_parts(self, period: Period, accounts: str, alignment: str,
                     params: dict) -> list:
        p = self._window(period)
        out = []
        for sql in (
            f"SELECT a.territory_id, {_OPP_PARTS.format(**p)} "
            f"FROM opps o JOIN ({accounts}) a USING (account_id) GROUP BY 1",
            f"SELECT a.territory_id, {_ACCOUNT_PARTS.format(**p)} FROM ({accounts}) a GROUP BY 1",
            "SELECT al.territory_id, SUM(ar.area_km2) AS area "
            f"FROM ({alignment}) al LEFT JOIN areas ar USING (county_fips) GROUP BY 1",
        ):
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            out.append(self.con.execute(sql, used).fetchnumpy())
        out.append(self._fetch(_QUOTA.format(where="", **p)))
        return out

    def close(self) -> None:
        self.con.close()
