"""What a viewer must never receive, and a scanner that finds it in an answer.

Shared by the forged-request test (tests/integration/test_access_http.py) and
the browser test (tests/browser/test_scope_browser.py). The sets come from the
demo data itself: every territory, rep, account and deal outside the viewer's
scope (issue 15: a manager's region, a rep's own territory), the names of
other regions, other people's saved scenarios and company-level totals.

False positives are kept out by construction, not by tolerance:

* ids are matched as whole tokens of their own shape (``T07``, ``R012``,
  ``A001234``, ``O0001234``), and ``T12`` is left out: it is also the label
  of the trailing-twelve-months period ("T12 bookings"); that territory's
  name and rep are still looked for;
* names are matched with word boundaries, after HTML and JSON unescaping,
  and a name that also occurs inside an in-scope name (a foreign account
  named like an own one, "South" inside an own account's name) is only
  looked for as a whole value, never as a substring;
* what the request itself posted is not a leak when it comes back (an
  attacker learns nothing from an echo of their own words), so each scan
  leaves out what the scan of the posted values finds.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

#: territory ids that are also ordinary words of the interface (the T12 period)
AMBIGUOUS_TERRITORY_IDS = frozenset({"T12"})

ID_SHAPES = {
    "territory id": re.compile(r"(?<![\w-])T\d{2,3}(?![\w-])"),
    "rep id": re.compile(r"(?<![\w-])R\d{3,4}(?![\w-])"),
    "account id": re.compile(r"(?<![\w-])A\d{6,7}(?![\w-])"),
    "deal id": re.compile(r"(?<![\w-])O\d{7,8}(?![\w-])"),
}


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` shaped as a trie: Python's engine
    then tries each branch once per position, so ten thousand names scan a
    megabyte in well under a second."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class Names:
    """Finds whole-word occurrences of any of a set of names in a text."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(n for n in names if n)
        self._pattern = (re.compile(r"(?<!\w)(?:" + _trie_pattern(self.names) + r")(?!\w)")
                         if self.names else None)

    def find(self, text: str) -> set[str]:
        if self._pattern is None or not text:
            return set()
        # a shorter name can match where a longer one starts: keep only exact names
        return {m for m in self._pattern.findall(text) if m in self.names}


def strings_of(value) -> list[str]:
    """Every string in a JSON value (keys too), downloads decoded: a CSV or
    XLSX a callback sends is base64 text that would otherwise hide its cells."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            if node.get("base64") is True and isinstance(node.get("content"), str):
                found.extend(_decoded(node["content"]))
            for key, item in node.items():
                found.append(str(key))
                walk(item)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    walk(value)
    return found


def _decoded(content: str) -> list[str]:
    try:
        raw = base64.b64decode(content)
    except ValueError:
        return []
    if raw[:2] == b"PK":  # an XLSX: its cells are XML inside a zip
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return [book.read(name).decode("utf-8", "replace") for name in book.namelist()
                    if name.endswith(".xml")]
    return [raw.decode("utf-8", "replace")]


@dataclass(frozen=True)
class Leak:
    kind: str
    found: str


@dataclass
class Outsiders:
    """What one viewer must never be sent, and how to find it."""

    ids: dict[str, frozenset[str]]
    #: name kind -> names looked for as words anywhere in a text
    names: dict[str, Names]
    #: name kind -> names looked for only as a whole string value
    whole_values: dict[str, frozenset[str]]
    #: (kind, regex) for company-level totals and other fixed shapes
    patterns: list[tuple[str, re.Pattern]] = field(default_factory=list)

    def add_names(self, kind: str, names: Iterable[str], in_scope: str = "") -> None:
        """Look for ``names`` too: as words, except those that also occur in the
        ``in_scope`` text (there they are someone's own), and as whole values."""
        names = frozenset(names)
        clash = Names(names).find(in_scope) if in_scope else set()
        self.names[kind] = Names(names - clash)
        self.whole_values[kind] = names

    def scan(self, value, raw: str = "") -> set[Leak]:
        """Leaks in one answer: ``value`` a parsed JSON body (or a plain
        string, such as a page's HTML), ``raw`` its text as sent."""
        strings = [html.unescape(s) for s in strings_of(value)] if not isinstance(
            value, str) else [html.unescape(value)]
        text = "\n".join(strings)
        leaks: set[Leak] = set()
        for kind, shape in ID_SHAPES.items():
            foreign = self.ids.get(kind, frozenset())
            leaks |= {Leak(kind, t) for t in set(shape.findall(text)) if t in foreign}
        for kind, names in self.names.items():
            leaks |= {Leak(kind, n) for n in names.find(text)}
        values = set(strings)
        for kind, names in self.whole_values.items():
            leaks |= {Leak(kind, n) for n in values & names}
        for kind, pattern in self.patterns:
            for where in (text, raw):
                leaks |= {Leak(kind, m.group(0)) for m in pattern.finditer(where)}
        return leaks


@dataclass(frozen=True)
class Own:
    """In-scope values to post: what a good request names."""

    region: str
    territories: tuple[str, ...]
    reps: tuple[str, ...]
    accounts: tuple[str, ...]
    counties: tuple[str, ...]
    deals: tuple[str, ...]


@dataclass(frozen=True)
class Foreign:
    """Out-of-scope values to forge requests with, one or a few per kind."""

    regions: tuple[str, ...]
    territories: tuple[str, ...]
    reps: tuple[str, ...]
    accounts: tuple[str, ...]
    counties: tuple[str, ...]
    deals: tuple[str, ...]


def _spread(values: list[str], groups: list[str], per_group: int = 1) -> tuple[str, ...]:
    """The first ``per_group`` values (sorted) of each group, groups in sorted
    order: a few values from every other region, the same on every run."""
    picked: dict[str, list[str]] = {}
    for value, group in sorted(zip(values, groups, strict=True)):
        bucket = picked.setdefault(group, [])
        if len(bucket) < per_group:
            bucket.append(value)
    return tuple(v for group in sorted(picked) for v in picked[group])


def world(frames, territories: frozenset[str]) -> tuple[Own, Foreign, Outsiders]:
    """For a viewer whose scope is ``territories`` (ids) in the full demo
    ``frames``: what to post as theirs, what to forge with, what to look for."""
    t = frames.territories
    region_of = t["region"].to_dict()
    own_regions = {region_of[tid] for tid in territories}
    region = sorted(own_regions)[0]
    mine_t = t.index.isin(list(territories))
    reps = frames.reps
    rep_territory = reps["territory_id"].astype(object)
    mine_r = rep_territory.isin(territories).to_numpy()
    accounts = frames.accounts
    account_territory = accounts["territory_id"].astype(object)
    mine_a = account_territory.isin(territories).to_numpy()
    deals = frames.opportunities
    deal_territory = deals["territory_id"].astype(object)
    mine_d = deal_territory.isin(territories).to_numpy()
    county_territory = frames.alignment["territory_id"].astype(object)
    mine_c = county_territory.isin(territories).to_numpy()

    own = Own(region=region, territories=tuple(sorted(territories)),
              reps=tuple(sorted(reps.index[mine_r])),
              accounts=tuple(sorted(accounts.index[mine_a])[:5]),
              counties=tuple(sorted(frames.alignment.index[mine_c])[:5]),
              deals=tuple(sorted(deals["opportunity_id"][mine_d])[:5]))

    def region_groups(territory_ids) -> list[str]:
        # other regions first, then (for a rep) their own region's other territories
        return [f"{region_of.get(tid) == region}:{region_of.get(tid)}" for tid in territory_ids]

    foreign_t = [tid for tid in t.index[~mine_t] if tid not in AMBIGUOUS_TERRITORY_IDS]
    foreign = Foreign(
        regions=tuple(sorted(set(region_of.values()) - own_regions)),
        territories=_spread(foreign_t, [str(region_of[x]) for x in foreign_t]),
        reps=_spread(list(reps.index[~mine_r & rep_territory.notna().to_numpy()]),
                     [str(region_of.get(x)) for x in rep_territory[~mine_r].dropna()]),
        accounts=_spread(list(accounts.index[~mine_a]),
                         region_groups(account_territory[~mine_a]), per_group=2),
        counties=_spread(list(frames.alignment.index[~mine_c]),
                         region_groups(county_territory[~mine_c]), per_group=2),
        deals=_spread(list(deals["opportunity_id"][~mine_d]),
                      region_groups(deal_territory[~mine_d]), per_group=2),
    )

    in_scope_text = "\n".join([*t.loc[mine_t, "territory_name"], *reps.loc[mine_r, "rep_name"],
                               *accounts.loc[mine_a, "account_name"], *own_regions])
    outsiders = Outsiders(
        ids={"territory id": frozenset(t.index[~mine_t]) - AMBIGUOUS_TERRITORY_IDS,
             "rep id": frozenset(reps.index[~mine_r]),
             "account id": frozenset(accounts.index[~mine_a]),
             "deal id": frozenset(deals["opportunity_id"][~mine_d])},
        names={}, whole_values={})
    own_names = {"territory name": set(t.loc[mine_t, "territory_name"]),
                 "rep name": set(reps.loc[mine_r, "rep_name"].dropna()),
                 "account name": set(accounts.loc[mine_a, "account_name"])}
    for kind, names in (("territory name", t.loc[~mine_t, "territory_name"]),
                        ("rep name", reps.loc[~mine_r, "rep_name"].dropna()),
                        ("account name", accounts.loc[~mine_a, "account_name"]),
                        ("region name", set(region_of.values()))):
        foreign_names = set(names) - own_names.get(kind, set()) - own_regions
        outsiders.add_names(kind, foreign_names, in_scope_text)
    if not mine_a.all():
        outsiders.patterns += company_totals(len(accounts),
                                             float(accounts["annual_potential"].sum()))
    return own, foreign, outsiders


def company_totals(accounts: int, potential: float) -> list[tuple[str, re.Pattern]]:
    """The company's account count as a page prints it ("20,000", French
    "20 000") or a grid cell holds it (``"accounts_before": 20000.0``), and
    its potential as a number (whole units: the sum may be rounded apart)."""
    spaced = f"{accounts:,}".replace(",", "[,\u00a0\u202f ]")
    return [("company total", re.compile(rf"(?<![\d.,]){spaced}(?![\d])")),
            ("company total", re.compile(rf'"accounts_\w+":\s*{accounts}(?:\.0)?(?![\d.])')),
            ("company total", re.compile(rf"(?<![\d.]){int(potential)}(?:\.\d+)?(?![\d])"))]


def leaks_in_answer(outsiders: Outsiders, body, raw: str, posted: dict) -> set[Leak]:
    """Leaks in one answer, less what the request posted itself."""
    echoed = outsiders.scan(posted, json.dumps(posted))
    return outsiders.scan(body, raw) - echoed


def described(leaks: Iterable[Leak]) -> str:
    """"territory id x3 ('T01', 'T02', 'T03'); rep name x1 ('Grace Lee')"."""
    kinds: dict[str, list[str]] = {}
    for leak in leaks:
        kinds.setdefault(leak.kind, []).append(leak.found)
    return "; ".join(f"{kind} x{len(found)} ({', '.join(map(repr, sorted(found)[:4]))}"
                     f"{', ...' if len(found) > 4 else ''})"
                     for kind, found in sorted(kinds.items()))
