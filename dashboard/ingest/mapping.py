"""The mapping step: CRM exports in, DATA_FORMAT.md tables out.

:func:`propose` reads what each file is (``recognise``), which column holds
which field, the order each date column is written in (``dates``) and each
stage's status (``values``), into a :class:`Proposal` a user can look at and
edit (the upload page shows it as a grid; the CLI prints it). :func:`build`
applies a proposal: flat exports give accounts and opportunities (``flat``),
accounts are placed in counties (``places``), or in the units of a layer of
one's own (:class:`OwnUnits`), and the result is DATA_FORMAT.md
tables of text, which :func:`dashboard.ingest.service.import_read` checks and
writes all or nothing like any import. Every problem names the user's file,
row and column, not the tables built from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from dashboard.geo import zip_areas
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.ingest import areas, dates, flat, places, recognise, values
from dashboard.ingest.checks import WARNING, Problem
from dashboard.ingest.parsing import clean_cells, parse_column, per_distinct, stripped
from dashboard.ingest.reading import ReadFiles, validate
from dashboard.storage.schema import DATE, MONEY, TABLES

#: Fields read as dates, whatever the kind.
DATE_FIELDS = {c.name for t in TABLES.values() for c in t.columns if c.kind == DATE}
#: Why a required field is needed, said when it is left unmapped.
_NEEDED_FOR = {
    "opportunity_id": N_("every deal needs an id, to tell deals apart and import them again"),
    "account_id": N_("every deal belongs to an account"),
    "account_name": N_("every account needs a name"),
    "amount": N_("bookings and pipeline are sums of amounts"),
    "created_on": N_("the sales cycle runs from the created date"),
    "close_on": N_("bookings fall in the period of the close date"),
    "stage": N_("a deal's stage (or a won/closed flag) says whether it is won, lost or open"),
}


@dataclass(frozen=True)
class OwnUnits:
    """The layer of one's own the data runs on (``units layer:NAME``), as the mapping
    step needs it: its label, its unit ids, and ``place``, which takes the account
    rows (fields as text: ``county_fips`` holding a unit id, ``lat``/``lon``,
    ``postal_code``) and gives each row's unit id (None: placed nowhere) and, by row
    position, the field that failed and why (``dashboard.layers.placement.place_rows``;
    the caller builds it, as this package does not import ``layers``)."""

    label: str
    ids: tuple[str, ...]
    place: Callable[[pd.DataFrame], tuple[list[str | None], dict[int, tuple[str, str]]]]
    #: each unit's parent id (None: none) and name, in the order of ``ids``
    parents: tuple[str | None, ...] = ()
    names: tuple[str, ...] = ()


@dataclass
class FileMapping:
    """One file's reading: its kind, each header's field (None: not used) and
    each date column's order (None: not known yet, the user must say)."""

    file: str
    kind: str | None
    columns: dict[str, str | None]
    date_orders: dict[str, str | None] = field(default_factory=dict)

    def header_of(self, field_name: str) -> str | None:
        return next((h for h, f in self.columns.items() if f == field_name), None)


@dataclass
class Proposal:
    """What :func:`propose` makes of an import's files; every part editable."""

    files: list[FileMapping]
    #: each stage as written -> open, won or lost
    stage_status: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The editable parts, as JSON-ready data (a saved profile)."""
        return {"files": [asdict(f) for f in self.files], "stage_status": self.stage_status}

    @classmethod
    def from_dict(cls, data: dict) -> Proposal:
        return cls([FileMapping(**f) for f in data.get("files", [])],
                   dict(data.get("stage_status", {})))

    def file(self, name: str) -> FileMapping | None:
        return next((f for f in self.files if f.file == name), None)


def propose(frames: dict[str, pd.DataFrame], answers: Proposal | None = None) -> Proposal:
    """The proposed reading of each file (frames of text as ``read_cells``
    reads them). ``answers`` are the user's edits, or a saved profile: a
    file's kind, columns and date orders given there are kept, the rest is
    recognised again."""
    proposal = Proposal([])
    stages: list[str] = []
    currencies: set[str] = set()
    for name, frame in frames.items():
        given = answers.file(name) if answers else None
        headers = [str(h) for h in frame.columns]
        if given is not None:
            mapping = FileMapping(name, given.kind, {h: given.columns.get(h) for h in headers},
                                  dict(given.date_orders))
        else:
            found = recognise.recognise(headers)
            mapping = FileMapping(name, found.kind, found.columns)
        proposal.files.append(mapping)
        if mapping.kind is None:
            proposal.problems.append(Problem(name, None, None, _(
                "cannot tell what this file holds from its columns ({headers}); say which "
                "kind it is and map its columns").format(headers=", ".join(headers[:12]))))
            continue
        for missing in recognise.missing_required(mapping.kind, mapping.columns):
            proposal.problems.append(Problem(name, None, missing, _(
                "no column is mapped to {field}, which is required: {why}").format(
                field=missing, why=_(_NEEDED_FOR.get(missing, N_("DATA_FORMAT.md requires it"))))))
        _detect_dates(mapping, frame, proposal.problems)
        stage_header = mapping.header_of("stage")
        if stage_header is not None:
            stages += [s.strip() for s in pd.unique(frame[stage_header].astype(str))]
        amount_header = mapping.header_of("amount")
        if amount_header is not None:
            currencies |= values.currencies_in(frame[amount_header])
        currency_header = mapping.header_of("currency")
        if currency_header is not None:
            currencies |= values.currency_code_values(frame[currency_header])
    edits = answers.stage_status if answers else None
    proposal.stage_status = values.stage_statuses(dict.fromkeys(stages), edits)
    mixed = values.mixed_currency_reason(currencies)
    if mixed:
        proposal.problems.append(Problem(_("(import)"), None, "amount", mixed))
    return proposal


def _detect_dates(mapping: FileMapping, frame: pd.DataFrame, problems: list[Problem]) -> None:
    for header, field_name in mapping.columns.items():
        if field_name not in DATE_FIELDS:
            continue
        if mapping.date_orders.get(header) in dates.ORDERS:
            continue
        found = dates.detect(frame[header])
        mapping.date_orders[header] = found.order
        if found.ambiguous:
            problems.append(Problem(mapping.file, None, header,
                                    dates.describe_ambiguous(header)))
        elif found.order is None:
            problems.append(Problem(mapping.file, None, header, _(
                "cannot read {values} as dates in one order (YYYY-MM-DD, MM/DD/YYYY, "
                "DD/MM/YYYY or Excel serial numbers)").format(
                values=", ".join(repr(v) for v in found.unreadable))))


def unlisted_stages(frames: dict[str, pd.DataFrame], proposal: Proposal, known: set[str],
                    profile: str) -> list[Problem]:
    """Under a saved profile, the rows whose stage its stage table does not
    list and the default vocabulary does not know (a stage new since the
    profile was saved): a scheduled sync must not count them as open by a
    guess. Files whose status comes from a status column or Salesforce's
    flags are not concerned. At most 100 rows a file."""
    problems = []
    for file in proposal.files:
        header = file.header_of("stage")
        fields = set(file.columns.values())
        if (header is None or file.file not in frames or "status" in fields
                or {"won_flag", "closed_flag"} <= fields):
            continue
        cells = stripped(frames[file.file][header])
        unknown = per_distinct(cells, lambda stage: bool(stage) and stage not in known and (
            values.stage_key(stage) not in values.DEFAULT_STAGE_STATUS))
        for row in cells.index[unknown.astype(bool)][:100]:
            problems.append(Problem(file.file, int(row), header, _(
                "stage {stage} is not in the stage table of profile {profile}: say whether it "
                "is won, lost or open (in the import page's stages grid, then save the profile "
                "again); a new stage is never counted as open by a guess").format(
                stage=repr(cells[row]), profile=profile)))
    return problems


# -- building the tables -------------------------------------------------------


@dataclass
class Built:
    """DATA_FORMAT.md tables of text built from the exports, where each of
    their rows came from, and the problems met on the way."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: table -> (file, row) of each row, in the table's row order
    sources: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: (file, field) -> the header the field was read from
    headers: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: ids of the accounts refused as outside the US (their deals are refused too)
    foreign_ids: set[str] = field(default_factory=set)


def _fields(frame: pd.DataFrame, mapping: FileMapping, built: Built) -> pd.DataFrame:
    """The mapped columns of a file under their field names, dates as ISO,
    each row's source in ``_file``/``_row``."""
    columns = {}
    for header, field_name in mapping.columns.items():
        if not field_name or field_name in columns:
            continue
        built.headers[(mapping.file, field_name)] = header
        cells = stripped(frame[header])
        order = mapping.date_orders.get(header)
        if field_name in DATE_FIELDS and order:
            cells, failed = dates.to_iso(cells, order)
            for row in failed[failed].index[:100]:
                built.problems.append(Problem(mapping.file, int(row), header, _(
                    "{value} is not a date written {order}").format(
                    value=repr(frame.at[row, header]), order=dates.ORDER_LABELS[order])))
        columns[field_name] = cells
    fields = pd.DataFrame(columns, index=frame.index)
    fields[flat.FILE] = mapping.file
    fields[flat.ROW] = frame.index.to_numpy()
    return fields


def _statuses(rows: pd.DataFrame, stage_status: dict[str, str]) -> pd.Series:
    if "status" in rows and (rows["status"] != "").all():
        return rows["status"].str.lower()
    if "won_flag" in rows and "closed_flag" in rows:
        return values.status_from_flags(rows["won_flag"], rows["closed_flag"])
    return rows["stage"].map(lambda s: stage_status.get(s, values.OPEN))


def build(frames: dict[str, pd.DataFrame], proposal: Proposal,
          units: OwnUnits | None = None) -> Built:
    """The DATA_FORMAT.md tables a proposal makes of the files; ``units``: the layer
    of one's own the data runs on (None: US counties), whose units the accounts are
    placed in and the alignment names."""
    built = Built()
    account_rows, deal_rows = [], []
    for mapping in proposal.files:
        if mapping.kind is None or mapping.file not in frames:
            continue
        rows = _fields(frames[mapping.file], mapping, built)
        kind = mapping.kind
        if kind in (recognise.ACCOUNTS, recognise.FLAT_DEALS, recognise.ORDERS):
            account_rows.append(_account_rows(rows, kind))
        if kind in (recognise.OPPORTUNITIES, recognise.FLAT_DEALS):
            deal_rows.append(_deal_rows(rows, proposal.stage_status))
        elif kind == recognise.ORDERS:
            deal_rows.append(_order_rows(rows, built))
        elif kind == recognise.ALIGNMENT:  # state: and region: rows are US areas
            _add_table(built, kind, rows if units else _whole_areas(rows, built))
        elif kind in (recognise.TERRITORIES, recognise.REPS, recognise.QUOTAS):
            _add_table(built, kind, rows)
    accounts = _accounts(built, account_rows, units)
    if deal_rows:
        deals = pd.concat(deal_rows, ignore_index=True)
        deals = _link_accounts(deals, accounts)
        refused = deals["account_id"].isin(built.foreign_ids)
        if refused.any():
            built.problems.append(Problem(_("(import)"), None, None, ngettext(
                "{count} deal of an account outside the US was not imported",
                "{count} deals of accounts outside the US were not imported",
                int(refused.sum())).format(count=int(refused.sum())), WARNING))
        deals = deals[~refused]
        _add_table(built, "opportunities", deals)
    else:
        deals = pd.DataFrame(columns=["account_id", "amount", "status", "close_on"], dtype=object)
    if accounts is not None:
        _estimate_potential(built, deals)
        _first_won_as_customer_since(built, deals)
    if "alignment" in built.tables:
        _report_unaligned(built, units)
    return built


def _whole_areas(rows: pd.DataFrame, built: Built) -> pd.DataFrame:
    """Alignment rows naming a whole state (``state:WA``) or Census region
    (``region:West``) instead of a county, one row per county of it."""
    expanded, unknown = areas.expand_alignment(rows)
    for position, cell in unknown:
        file = rows[flat.FILE].iat[position]
        built.problems.append(areas.unknown_area(
            file, int(rows[flat.ROW].iat[position]),
            built.headers.get((file, "county_fips")), cell))
    return expanded


def _report_unaligned(built: Built, units: OwnUnits | None) -> None:
    """The counties no alignment row of this import names, by state; on a layer of
    one's own, its units no row names."""
    if units is not None:
        named = set(built.tables["alignment"]["county_fips"].astype(str).str.strip())
        left = [unit for unit in units.ids if unit not in named]
        if left:
            built.problems.append(Problem(_("(import)"), None, "county_fips", ngettext(
                "{count} unit of {layer} is in no territory: {units}",
                "{count} units of {layer} are in no territory: {units}", len(left)).format(
                count=len(left), layer=units.label, units=", ".join(left[:60])), WARNING))
        return
    warning = areas.unaligned_warning(built.tables["alignment"])
    if warning is not None:
        built.problems.append(warning)


def _first_won_as_customer_since(built: Built, deals: pd.DataFrame) -> None:
    """An account without ``customer_since`` is a customer from its first won
    deal in the files (a prospect without any), and the import says so."""
    accounts = built.tables["accounts"]
    given = accounts.get("customer_since", pd.Series("", index=accounts.index))
    blank = given.fillna("").astype(str).str.strip() == ""
    won = deals[(deals["status"] == "won") & (deals["close_on"].astype(str) != "")]
    # ISO text sorts as dates do (a string groupby min loops in Python per account)
    first_win = won.sort_values("close_on", kind="stable").drop_duplicates(
        "account_id").set_index("account_id")["close_on"]
    filled = blank & accounts["account_id"].isin(first_win.index)
    if not filled.any():
        return
    accounts["customer_since"] = given.where(~filled, accounts["account_id"].map(first_win))
    built.problems.append(Problem(_("(import)"), None, "customer_since", ngettext(
        "{count} account has no customer_since: it is a customer from its first won deal",
        "{count} accounts have no customer_since: each is a customer from its first won deal",
        int(filled.sum())).format(count=int(filled.sum())), WARNING))


def _estimate_potential(built: Built, deals: pd.DataFrame) -> None:
    """An account without ``annual_potential`` gets its best calendar year of
    won bookings in the files (0 without any), marked ``potential_estimated``,
    and the import says so."""
    accounts = built.tables["accounts"]
    given = accounts.get("annual_potential", pd.Series("", index=accounts.index))
    blank = given.astype(str).str.strip() == ""
    if not blank.any():
        return
    won = deals[deals["status"] == "won"]
    amounts = parse_column(MONEY, clean_cells(won["amount"].astype(str))).values
    years = won["close_on"].str[:4]
    best = amounts.groupby([won["account_id"], years]).sum().groupby(level=0).max()
    estimate = accounts["account_id"].map(best).fillna(0.0)
    accounts["annual_potential"] = given.where(~blank, estimate.map(repr))
    # kept beside the value, so every view can say "estimated" (schema FLAG text)
    accounts["potential_estimated"] = np.where(blank.to_numpy(), "true", "")
    built.problems.append(Problem(_("(import)"), None, "annual_potential", ngettext(
        "{count} account has no annual potential: estimated as its best calendar year of won "
        "bookings in these files (0 without any)",
        "{count} accounts have no annual potential: estimated as each one's best calendar "
        "year of won bookings in these files (0 without any)",
        int(blank.sum())).format(count=int(blank.sum())),
        WARNING))


def _account_rows(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = rows.copy()
    if "account_id" not in rows or (rows["account_id"] == "").all():
        rows["account_id"] = rows.get("account_name", "")
    keep = ["account_id", *[f for f in recognise.ACCOUNT_FIELDS if f in rows],
            flat.FILE, flat.ROW]
    if "territory_override" in rows:
        keep.append("territory_override")
    return rows[keep][rows["account_id"] != ""]


def _deal_rows(rows: pd.DataFrame, stage_status: dict[str, str]) -> pd.DataFrame:
    rows = rows.copy()
    if "account_id" not in rows:
        rows["account_id"] = rows.get("account_name", "")
    rows["account_id"] = rows["account_id"].str.split(r"[;,]").str[0].str.strip()
    if "stage" not in rows:
        rows["stage"] = ""
    rows["status"] = _statuses(rows, stage_status)
    empty_stage = rows["stage"] == ""
    rows.loc[empty_stage, "stage"] = rows.loc[empty_stage, "status"].map(
        {"won": "Closed Won", "lost": "Closed Lost"}).fillna("")  # i18n: not shown (stages)
    return rows


def _order_rows(rows: pd.DataFrame, built: Built) -> pd.DataFrame:
    header = built.headers.get((rows[flat.FILE].iloc[0], "amount")) if len(rows) else None
    amounts = flat.line_amounts(rows)
    for index in amounts.errors.index[:100]:
        built.problems.append(Problem(rows.at[index, flat.FILE], int(index), header, _(
            "{value} is not an amount of money, so this order's total cannot be summed").format(
            value=repr(rows.at[index, "amount"]))))
    return flat.roll_up_orders(rows, amounts.values)


def _add_table(built: Built, table: str, rows: pd.DataFrame) -> None:
    columns = [c for c in TABLES[table].column_names if c in rows]
    frame = rows[columns].reset_index(drop=True)
    sources = list(zip(rows[flat.FILE], rows[flat.ROW].astype(int), strict=True))
    if table in built.tables:
        frame = pd.concat([built.tables[table], frame], ignore_index=True)
        sources = built.sources[table] + sources
    frame.attrs["file"] = TABLES[table].file_name
    built.tables[table], built.sources[table] = frame, sources


def _accounts(built: Built, account_rows: list[pd.DataFrame],
              units: OwnUnits | None) -> pd.DataFrame | None:
    if not account_rows:
        return None
    combined, problems = flat.combine_accounts(
        pd.concat(account_rows, ignore_index=True), built.headers)
    built.problems += problems
    if units is not None:
        return _in_own_units(built, combined, units)
    placed = places.place(combined)
    foreign = placed.foreign.to_numpy(bool)
    if foreign.any():
        countries = sorted(set(combined.loc[foreign, "country"]))
        built.problems.append(Problem(_("(import)"), None, None, ngettext(
            "{count} account is outside the US ({countries}) and was not imported: only US "
            "counties exist for now",
            "{count} accounts are outside the US ({countries}) and were not imported: only US "
            "counties exist for now", int(foreign.sum())).format(
            count=int(foreign.sum()), countries=", ".join(countries[:10])), WARNING))
        built.foreign_ids = set(combined.loc[foreign, "account_id"])
    for index, reason in placed.unplaced.items():
        row = combined.loc[index]
        column = flat._first_header(built.headers, row[flat.FILE], flat.PLACE_COLUMNS)
        built.problems.append(Problem(row[flat.FILE], int(row[flat.ROW]), column, reason))
    for index, note in placed.notes:
        row = combined.loc[index]
        built.problems.append(Problem(row[flat.FILE], int(row[flat.ROW]), built.headers.get(
            (row[flat.FILE], "postal_code")), note, WARNING))
    combined["county_fips"] = placed.county_fips.where(placed.county_fips.notna(), "")
    if "postal_code" in combined:  # the ZIP area too (issue 19): a ZIP unit needs no guess
        combined["zip"] = zip_areas_of(combined["postal_code"])
    combined["lat"] = placed.lat.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    combined["lon"] = placed.lon.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    accounts = combined[~foreign]
    _add_table(built, "accounts", accounts)
    return accounts


def _in_own_units(built: Built, combined: pd.DataFrame, units: OwnUnits) -> pd.DataFrame:
    """The accounts placed in the units of a layer of one's own (a unit id, a point or a
    postal code equal to a unit id); each one placed nowhere is an error at its file,
    row and column (the import then writes nothing). No row is outside the US here."""
    found, failed = units.place(combined)
    for position, (field_name, reason) in sorted(failed.items()):
        row = combined.iloc[position]
        column = built.headers.get((row[flat.FILE], field_name)) or flat._first_header(
            built.headers, row[flat.FILE], flat.PLACE_COLUMNS)
        built.problems.append(Problem(row[flat.FILE], int(row[flat.ROW]), column, reason))
    combined["county_fips"] = [unit or "" for unit in found]
    for axis in ("lat", "lon"):
        if axis in combined:
            number = pd.to_numeric(combined[axis].astype(str).str.replace(",", "."),
                                   errors="coerce")
            combined[axis] = number.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    _add_table(built, "accounts", combined)
    return combined


def zip_areas_of(postal_codes: pd.Series) -> pd.Series:
    """Each postal code's ZIP area (``dashboard.geo.zip_areas``: its own, or the one
    holding a PO box's centre); blank where there is none (placing the account in
    its county reports what cannot be placed)."""
    def area(text) -> str:
        code = places.zip5(str(text)) if isinstance(text, str) and text.strip() else None
        return (zip_areas.area_of(code) or "") if code else ""
    return pd.Series(per_distinct(postal_codes, area), index=postal_codes.index, dtype=object)


def _link_accounts(deals: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Deals naming their account only by name take the id of the account of
    that name, when the accounts file gives ids."""
    if accounts is None or "account_name" not in accounts:
        return deals
    by_name = accounts.drop_duplicates("account_name", keep=False).set_index(
        "account_name")["account_id"]
    known = deals["account_id"].isin(accounts["account_id"])
    named = ~known & deals["account_id"].isin(by_name.index)
    deals.loc[named, "account_id"] = deals.loc[named, "account_id"].map(by_name)
    return deals


def to_read_files(built: Built) -> ReadFiles:
    """The built tables as the service's import takes them (mapping problems
    first; an error among them stops the write like any other)."""
    return ReadFiles(tables=dict(built.tables), problems=list(built.problems))


def in_source_terms(problem: Problem, built: Built, proposal: Proposal) -> Problem:
    """A problem the import found in a built table, told in the user's file,
    row and column."""
    table = next((t for t in built.tables if TABLES[t].file_name == problem.file), None)
    if table is None or problem.row is None:
        return problem
    position = problem.row - 2
    if not 0 <= position < len(built.sources[table]):
        return problem
    file, row = built.sources[table][position]
    column = problem.column
    if column is not None:
        column = built.headers.get((file, column), column)
    return Problem(file, row, column, problem.reason, problem.severity)


def preview(built: Built, rows: int = 5) -> dict[str, pd.DataFrame]:
    """The first rows of each built table exactly as they will be stored:
    parsed to the stored types by the import's own checks (their problems
    are the import's to report, so they are not repeated here)."""
    heads = {table: frame.head(rows) for table, frame in built.tables.items()}
    dataset, _problems = validate(heads)
    return {table: dataset.table(table) for table in heads}
