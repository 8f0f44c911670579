"""``territory-dashboard design-graph`` on small CSV graphs (issue 18 items 5 and 6): the
figures it prints, the assignment it writes, a start to rebalance, and each bad input as
one clear line (the infeasible tolerance: the best assignment written all the same, with
what it misses by)."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from dashboard.design.graph import DesignError
from dashboard.i18n import translation
from dashboard.runtime.cli import main
from dashboard.whatif.design_input import refusal


def write_grid(folder, rows=4, cols=4, values=None, skip_edges=(), no_xy=()):
    """A rows x cols grid of units "r-c" with measure m (1 each unless given)."""
    units = folder / "units.csv"
    edges = folder / "edges.csv"
    with units.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["unit_id", "x", "y", "m", "other"])
        for r in range(rows):
            for c in range(cols):
                name = f"{r}-{c}"
                value = 1 if values is None else values.get(name, 1)
                xy = ["", ""] if name in no_xy else [c, r]
                out.writerow([name, *xy, value, 5])
    with edges.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["unit_a", "unit_b"])
        for r in range(rows):
            for c in range(cols):
                for other in ((r, c + 1), (r + 1, c)):
                    if other[0] < rows and other[1] < cols:
                        pair = (f"{r}-{c}", f"{other[0]}-{other[1]}")
                        if pair not in skip_edges:
                            out.writerow(pair)
    return units, edges


def run(capsys, tmp_path, units, edges, *extra):
    code = main(["design-graph", "--units", str(units), "--edges", str(edges),
                 "--balance", "m", "--seed", "3", "--time-limit", "20",
                 "--out", str(tmp_path / "out" / "assignment.csv"), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def assignment(tmp_path) -> dict[str, str]:
    with (tmp_path / "out" / "assignment.csv").open() as handle:
        return {row["unit_id"]: row["territory"] for row in csv.DictReader(handle)}


def test_a_grid_is_split_evenly_and_the_figures_printed(tmp_path, capsys):
    units, edges = write_grid(tmp_path)
    code, out, _ = run(capsys, tmp_path, units, edges, "--territories", "4",
                       "--tolerance", "0")
    assert code == 0
    assert "m: largest deviation from the mean 0.00%" in out
    assert "contiguous: yes" in out
    assert "cut edges: " in out and "seconds: " in out
    placed = assignment(tmp_path)
    assert len(placed) == 16
    assert sorted(np.unique(list(placed.values()), return_counts=True)[1]) == [4, 4, 4, 4]


def test_a_start_is_rebalanced_and_keeps_its_territory_names(tmp_path, capsys):
    units, edges = write_grid(tmp_path)
    start = tmp_path / "start.csv"
    rows = ["unit_id,territory"] + [f"{r}-{c},{'North' if r < 3 else 'South'}"
                                    for r in range(4) for c in range(4)]
    start.write_text("\n".join(rows) + "\n")
    code, out, _ = run(capsys, tmp_path, units, edges, "--territories", "2",
                       "--tolerance", "0", "--start", str(start))
    assert code == 0, out
    placed = assignment(tmp_path)
    assert sorted(placed.values()).count("North") == 8
    assert set(placed.values()) == {"North", "South"}


def test_the_same_seed_writes_the_same_assignment(tmp_path, capsys):
    rng = np.random.default_rng(4)
    values = {f"{r}-{c}": int(v) for (r, c), v in
              zip([(r, c) for r in range(5) for c in range(5)], rng.integers(1, 9, 25),
                  strict=True)}
    units, edges = write_grid(tmp_path, 5, 5, values)
    answers = []
    for _ in range(2):
        _code, out, _ = run(capsys, tmp_path, units, edges, "--territories", "3",
                            "--tolerance", "0.1")
        assert "stopped: converged" in out  # not cut short by the time limit
        answers.append(assignment(tmp_path))
    assert answers[0] == answers[1]


def test_a_time_limit_spent_before_the_growth_says_so_and_writes_every_unit(tmp_path, capsys):
    # a nanosecond is over before the growth starts: the 16 - 4 units beside the 4 seeds
    # go to the nearest territory, and the line says the growth was cut short
    units, edges = write_grid(tmp_path)
    code, out, _ = run(capsys, tmp_path, units, edges, "--territories", "4",
                       "--tolerance", "0.5", "--time-limit", "1e-9")
    assert "(stopped: time, in the growth: 12 units given to the nearest territory)" in out
    assert "contiguous: yes" in out
    placed = assignment(tmp_path)
    assert len(placed) == 16 and len(set(placed.values())) == 4


@pytest.mark.parametrize("grid, territories, words", [
    (dict(skip_edges={("0-1", "0-2"), ("1-1", "1-2"), ("2-1", "2-2"), ("3-1", "3-2")}), 2,
     "do not form one connected graph: 2 pieces"),
    (dict(no_xy={"2-2"}), 2, "1 unit has no coordinates: 2-2"),
    ({}, 17, "17 territories cannot be made of 16 units"),
])
def test_bad_input_is_one_clear_line(tmp_path, capsys, grid, territories, words):
    units, edges = write_grid(tmp_path, **grid)
    code, out, err = run(capsys, tmp_path, units, edges, "--territories", str(territories))
    assert code == 2
    assert words in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_infeasible_tolerance_writes_the_best_and_says_what_it_misses_by(tmp_path,
                                                                            capsys):
    # total 27 into 3 territories: target 9, and 0-0 alone holds 12: 12 / 9 = 1.33 x,
    # its territory at least +33.3%, 33.3 - 5 = 28.3 points outside the ±5% band
    units, edges = write_grid(tmp_path, values={"0-0": 12})
    code, out, _ = run(capsys, tmp_path, units, edges, "--territories", "3",
                       "--tolerance", "0.05", "--time-limit", "3")
    assert code == 1
    assert len(assignment(tmp_path)) == 16
    assert "not within tolerance: m misses by" in out
    assert ("infeasible: no assignment puts every territory within the tolerance while "
            "this unit stays whole") in out
    assert ("unit 0-0 alone holds 1.33 x the target m, above the 1.05 allowed: its "
            "territory at least +33.3%, 28.3 points outside") in out


def test_refusals_are_in_french_for_a_french_user():
    error = DesignError("too_many_territories", "x", territories=17, units=16)
    with translation.use("fr"):
        assert refusal(error) == ("Impossible de former 17 territoires avec 16 unités : "
                                  "demandez-en au plus 16.")
        assert "n'a pas de coordonnées" in refusal(DesignError("bad_coordinates", "x",
                                                               units=["u1"]))
    assert refusal(error).startswith("17 territories cannot be made of 16 units")
