"""Territory design on a plain unit graph (issue 18): units with coordinates and any
number of additive measures, an adjacency list (water links are ordinary edges), locks
and an optional starting assignment in; a contiguous, balanced, compact assignment out.
It knows nothing of counties, accounts or the app's frames: the app feeds it
(``dashboard.whatif.design_input`` for the demo's counties).

``graph`` (the unit graph and its checks), ``figures`` (balance, contiguity and
compactness of an assignment), ``seeding`` (spread seeds and contiguous growth),
``search`` (the tabu local search with moves, swaps and ejection chains), ``engine``
(``design`` from scratch, ``rebalance`` an existing assignment), ``split`` (units too big
for the tolerance, split into pieces of their items: named-account overrides),
``transfer`` (a run of units taken from a bordering territory), ``flow`` (the global
step: a balanced flow of load between territories, solved with SciPy's HiGHS).

May import: nothing else in ``dashboard``. Never Dash or Flask.
"""
