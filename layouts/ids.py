"""Every component id, in one place, grouped by view."""

# shell and global controls (state mirrored in the URL)
URL = "url"
PAGE = "page-content"
NAV = "nav"
PERIOD = "ctl-period"
REGION = "ctl-region"
SEGMENT = "ctl-segment"
AS_OF = "ctl-as-of"
ERROR_BANNER = "error-banner"

# overview (map) view
MAP = "map"
MAP_TERRITORIES = "map-territories"
MAP_KPI_PICKER = "map-kpi-picker"
MAP_LEGEND = "map-legend"
KPI_STRIP = "kpi-strip"
DRILLDOWN = "drilldown"
DRILLDOWN_TERRITORY = "drilldown-territory"

# import view
IMPORT_UPLOAD = "import-upload"
IMPORT_RESULT = "import-result"

# underperformers view
UP_SUMMARY = "up-summary"
UP_PACE = "up-pace"
UP_COVERAGE = "up-coverage"
UP_GROWTH = "up-growth"
UP_POTENTIAL_INDEX = "up-potential-index"
UP_PENETRATION = "up-penetration"
UP_RESET = "up-reset"
UP_NOTE = "up-note"
UP_LIST = "up-list"
UP_LIST_COUNT = "up-list-count"
UP_OPEN = "up-open"  # dict id type: {"type": UP_OPEN, "index": territory_id}
UP_MAP = "up-map"
UP_MAP_TERRITORIES = "up-map-territories"
UP_MAP_LEGEND = "up-map-legend"
UP_GRID = "up-grid"
UP_GRID_EXPORT = "up-grid-export"

# attainment view
ATTAINMENT_LEVEL = "attainment-level"
ATTAINMENT_CONTENT = "attainment-content"
ATTAINMENT_RANKING = "attainment-ranking"
ATTAINMENT_GROWTH = "attainment-growth"
ATTAINMENT_HEAT = "attainment-heat"
ATTAINMENT_GRID = "attainment-grid"
ATTAINMENT_EXPORT = "attainment-export"

# pipeline view
PIPELINE_HEALTHY = "pipeline-healthy"
PIPELINE_CONTENT = "pipeline-content"
PIPELINE_FUNNEL = "pipeline-funnel"
PIPELINE_COVERAGE = "pipeline-coverage"
PIPELINE_AGING = "pipeline-aging"
PIPELINE_OVERDUE = "pipeline-overdue"
PIPELINE_GRID = "pipeline-grid"
PIPELINE_EXPORT = "pipeline-export"

# territory drill-down panel (the Offcanvas DRILLDOWN above) and map additions
OVERVIEW_RANKING = "overview-ranking"
MAP_ACCOUNTS = "map-accounts"
MAP_ACCOUNTS_SWITCH = "map-accounts-switch"
MAP_ACCOUNTS_LEGEND = "map-accounts-legend"
DRILLDOWN_ACCOUNTS = "drilldown-accounts"
DRILLDOWN_ACCOUNTS_EXPORT = "drilldown-accounts-export"
DRILLDOWN_DEALS = "drilldown-deals"
DRILLDOWN_DEALS_EXPORT = "drilldown-deals-export"

# global custom date range (writes a "start..end" period)
PERIOD_RANGE = "ctl-period-range"

# what-if editor view (the scenario lives in WI_HISTORY, a page-level Store)
WI_HISTORY = "wi-history"
WI_MAP = "wi-map"
WI_COUNTIES = "wi-counties"
WI_SELECT = "wi-select"
WI_TARGET = "wi-target"
WI_MOVE = "wi-move"
WI_LOCK = "wi-lock"
WI_UNDO = "wi-undo"
WI_ALERT = "wi-alert"
WI_STEPS = "wi-steps"
WI_FAIRNESS = "wi-fairness"
WI_METRIC = "wi-metric"
WI_WEIGHT = "wi-weight"
WI_DISRUPTION = "wi-disruption"
WI_TOUCHED = "wi-touched"
WI_TOUCHED_EXPORT = "wi-touched-export"
WI_REPS = "wi-reps"
WI_QUOTA_TERRITORY = "wi-quota-territory"
WI_QUOTA_PCT = "wi-quota-pct"
WI_QUOTA_APPLY = "wi-quota-apply"
WI_HANDOVER_FROM = "wi-handover-from"
WI_HANDOVER_TO = "wi-handover-to"
WI_HANDOVER_SHARE = "wi-handover-share"
WI_HANDOVER_APPLY = "wi-handover-apply"
WI_BUDGET = "wi-budget"
WI_SUGGEST = "wi-suggest"
WI_REASONS = "wi-reasons"

# scenarios panel on the what-if page (saved scenarios: save, open, approve, apply)
SC_OPENED = "sc-opened"
SC_CHANGED = "sc-changed"
SC_NAME = "sc-name"
SC_SAVE = "sc-save"
SC_SAVE_NEW = "sc-save-new"
SC_GRID = "sc-grid"
SC_OPEN = "sc-open"
SC_DUPLICATE = "sc-duplicate"
SC_DELETE = "sc-delete"
SC_EXPORT = "sc-export"
SC_DOWNLOAD = "sc-download"
SC_PROPOSE = "sc-propose"
SC_APPROVE = "sc-approve"
SC_APPLY = "sc-apply"
SC_ALERT = "sc-alert"
SC_OPENED_TEXT = "sc-opened-text"

# --- signed-in user (navigation bar) ---
USER_NAME = "user-name"
USER_ROLE = "user-role"
SIGN_OUT = "sign-out"
# what-if editor, issue 5 completion: proposed outlines, accounts, territory locks,
# background rebalance with trade-off chart, and the compare card
WI_OUTLINES = "wi-outlines"
WI_ACCOUNT_SEARCH = "wi-account-search"
WI_ACCOUNTS = "wi-accounts"
WI_ACCOUNT_TARGET = "wi-account-target"
WI_ACCOUNT_MOVE = "wi-account-move"
WI_ACCOUNT_CLEAR = "wi-account-clear"
WI_ACCOUNT_LOCK = "wi-account-lock"
WI_LOCK_TERRITORY = "wi-lock-territory"
WI_LOCK_TERRITORY_APPLY = "wi-lock-territory-apply"
WI_CANCEL = "wi-cancel"
WI_PROGRESS = "wi-progress"
WI_TRADEOFF = "wi-tradeoff"
WI_CMP_A = "wi-cmp-a"
WI_CMP_B = "wi-cmp-b"
WI_CMP_TABLE = "wi-cmp-table"
WI_CMP_MAP = "wi-cmp-map"
WI_CMP_DIFF = "wi-cmp-diff"
WI_CMP_SUMMARY = "wi-cmp-summary"
WI_RUN = "wi-run"

# --- rep scorecard ---
SCORECARD_REP = "scorecard-rep"
SCORECARD_CONTENT = "scorecard-content"
SCORECARD_STANDING = "scorecard-standing"
SCORECARD_TOP = "scorecard-top-accounts"
SCORECARD_OVERDUE = "scorecard-overdue"
SCORECARD_LAPSED = "scorecard-lapsed"
SCORECARD_TOP_EXPORT = "scorecard-top-export"
SCORECARD_OVERDUE_EXPORT = "scorecard-overdue-export"
SCORECARD_LAPSED_EXPORT = "scorecard-lapsed-export"

# --- everyday polish (issue 9): XLSX exports, print, help ---
# every grid's "Export XLSX" button and the dcc.Download it fills, next to its CSV button
DRILLDOWN_ACCOUNTS_XLSX = "drilldown-accounts-xlsx"
DRILLDOWN_ACCOUNTS_DOWNLOAD = "drilldown-accounts-download"
DRILLDOWN_DEALS_XLSX = "drilldown-deals-xlsx"
DRILLDOWN_DEALS_DOWNLOAD = "drilldown-deals-download"
UP_GRID_XLSX = "up-grid-xlsx"
UP_GRID_DOWNLOAD = "up-grid-download"
ATTAINMENT_XLSX = "attainment-xlsx"
ATTAINMENT_DOWNLOAD = "attainment-download"
ATTAINMENT_HEAT_EXPORT = "attainment-heat-export"
ATTAINMENT_HEAT_XLSX = "attainment-heat-xlsx"
ATTAINMENT_HEAT_DOWNLOAD = "attainment-heat-download"
PIPELINE_XLSX = "pipeline-xlsx"
PIPELINE_DOWNLOAD = "pipeline-download"
PIPELINE_OVERDUE_EXPORT = "pipeline-overdue-export"
PIPELINE_OVERDUE_XLSX = "pipeline-overdue-xlsx"
PIPELINE_OVERDUE_DOWNLOAD = "pipeline-overdue-download"
SCORECARD_TOP_XLSX = "scorecard-top-xlsx"
SCORECARD_TOP_DOWNLOAD = "scorecard-top-download"
SCORECARD_OVERDUE_XLSX = "scorecard-overdue-xlsx"
SCORECARD_OVERDUE_DOWNLOAD = "scorecard-overdue-download"
SCORECARD_LAPSED_XLSX = "scorecard-lapsed-xlsx"
SCORECARD_LAPSED_DOWNLOAD = "scorecard-lapsed-download"
#: CSV button id -> (XLSX button id, download id): the layout places the
#: twin next to the CSV button, and registering the CSV export registers both
XLSX_EXPORTS = {
    DRILLDOWN_ACCOUNTS_EXPORT: (DRILLDOWN_ACCOUNTS_XLSX, DRILLDOWN_ACCOUNTS_DOWNLOAD),
    DRILLDOWN_DEALS_EXPORT: (DRILLDOWN_DEALS_XLSX, DRILLDOWN_DEALS_DOWNLOAD),
    UP_GRID_EXPORT: (UP_GRID_XLSX, UP_GRID_DOWNLOAD),
    ATTAINMENT_EXPORT: (ATTAINMENT_XLSX, ATTAINMENT_DOWNLOAD),
    ATTAINMENT_HEAT_EXPORT: (ATTAINMENT_HEAT_XLSX, ATTAINMENT_HEAT_DOWNLOAD),
    PIPELINE_EXPORT: (PIPELINE_XLSX, PIPELINE_DOWNLOAD),
    PIPELINE_OVERDUE_EXPORT: (PIPELINE_OVERDUE_XLSX, PIPELINE_OVERDUE_DOWNLOAD),
    SCORECARD_TOP_EXPORT: (SCORECARD_TOP_XLSX, SCORECARD_TOP_DOWNLOAD),
    SCORECARD_OVERDUE_EXPORT: (SCORECARD_OVERDUE_XLSX, SCORECARD_OVERDUE_DOWNLOAD),
    SCORECARD_LAPSED_EXPORT: (SCORECARD_LAPSED_XLSX, SCORECARD_LAPSED_DOWNLOAD),
}
DRILLDOWN_PRINT = "drilldown-print"
DRILLDOWN_QUARTERLY_TABLE = "drilldown-quarterly-table"
# the "?" help of each main view (texts in layouts/help_texts.py)
HELP_MAP = "help-map"
HELP_ATTAINMENT = "help-attainment"
HELP_PIPELINE = "help-pipeline"
HELP_UNDERPERFORMERS = "help-underperformers"
HELP_SCORECARD = "help-scorecard"
PERIOD_RANGE_START = "period-range-start"  # the date range's first input, for its label

# --- what-if: the signed viewer handed to the background auto-balance ---
WI_VIEWER = "wi-viewer"

# language switch in the user menu (a plain form post, see callbacks/language.py)
LANGUAGE_SWITCH = "language-switch"
LANGUAGE_NEXT = "language-next"
LANGUAGE_BUTTONS = {"en": "language-en", "fr": "language-fr"}

# underperformers: the note under a capped list of flag cards
UP_MORE = "up-more"

# underperformers: the market-penetration rule's two ranks, beside its switch
UP_PENETRATION_BOTTOM = "up-penetration-bottom"
UP_POTENTIAL_TOP = "up-potential-top"

# the as-of picker in the controls bar; the map ranking's exports
AS_OF_DATE = "ctl-as-of-date"  # the picker; AS_OF above is its label
OVERVIEW_RANKING_EXPORT = "overview-ranking-export"
OVERVIEW_RANKING_XLSX = "overview-ranking-xlsx"
OVERVIEW_RANKING_DOWNLOAD = "overview-ranking-download"
XLSX_EXPORTS[OVERVIEW_RANKING_EXPORT] = (OVERVIEW_RANKING_XLSX, OVERVIEW_RANKING_DOWNLOAD)
#: the navigation's links, {"type": NAV_LINK, "path": "/pipeline"}: pattern ids,
#: since the links a viewer gets depend on their role
NAV_LINK = "nav-link-to"
