"""What each main view shows and how to read it, in one place so that the
texts are translated together. Each entry is (title, two or three
sentences), marked with ``N_()`` here (they are defined at import, before any
request has a language) and translated with ``_()`` where shown
(``components.help_button``, ``callbacks/shell.py``)."""

from __future__ import annotations

from dashboard.i18n.translation import N_

VIEW_HELP: dict[str, tuple[str, str]] = {
    "map": (
        N_("The territory map"),
        N_("Each territory is coloured by the figure picked above the map: blue is ahead of "
           "target, red behind, on a scale centred on the target (attainment is judged against "
           "the share of the period already elapsed). Hover a territory for its rep and figures; "
           "click it, or a row of the ranking, to open its drill-down."),
    ),
    "attainment": (
        N_("Quota attainment"),
        N_("Bars show bookings as a share of quota for the period, coloured by pace; the "
           "diamond is pace (attainment against the share of the period elapsed, 100% = on "
           "track) and the dashed line is where an on-pace territory stands today. The heat "
           "table shows the last eight closed quarters; rank by territory, rep or region with "
           "the switch."),
    ),
    "pipeline": (
        N_("Pipeline"),
        N_("Coverage is open pipeline divided by the quota still to win: below the healthy line "
           "(3× by default, change it above) a territory is unlikely to close the gap. The funnel "
           "counts open deals by stage; overdue deals are open deals whose expected close date "
           "has passed."),
    ),
    "underperformers": (
        N_("Underperforming territories"),
        N_("A territory is flagged when one of the rules fires (low pace, thin coverage, "
           "shrinking revenue, low penetration of a rich territory, selling less than its "
           "potential); the thresholds are adjustable above. Each card lists the rules in "
           "words and figures and says whether the cause looks like the territory's design "
           "(load, coverage) or its execution."),
    ),
    "scorecard": (
        N_("Rep scorecard"),
        N_("Your attainment and pace for the period, with the quarterly trend, and where you "
           "stand among peers as a percentile (no other rep is named). Below: the fewest accounts "
           "that make 80% of your trailing-12-month bookings, and the accounts at risk."),
    ),
}

#: the empty state of every data view while the store holds no territory yet
NO_DATA_TITLE = N_("No data yet")
NO_DATA_LEADER = N_("Import your territories, reps, county alignment, accounts, opportunities and "
                     "quotas on the Import page (CSV or XLSX files); the views fill in as soon as "
                     "an import succeeds.")
NO_DATA_OTHERS = N_("Ask a leader to import your accounts; the views fill in once they have.")
