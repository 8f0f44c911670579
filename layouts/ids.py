"""Every component id, in one place, grouped by view (the shell and its
controls first, then each page in navigation order, then the parts several
views share). Names say what the component holds; views import them from here."""

# --- shell: the URL, the page slot, the navigation and the error banner -------
URL = "url"
PAGE = "page-content"
NAV = "nav"
#: the navigation's links, {"type": NAV_LINK, "path": "/pipeline"}: pattern ids,
#: since the links a viewer gets depend on their role
NAV_LINK = "nav-link-to"
ERROR_BANNER = "error-banner"

# --- shell: the global controls (their state is mirrored in the URL) ----------
PERIOD = "ctl-period"
PERIOD_RANGE = "ctl-period-range"
PERIOD_RANGE_START = "period-range-start"  # the date range's first input, for its label
REGION = "ctl-region"
SEGMENT = "ctl-segment"
AS_OF = "ctl-as-of"
AS_OF_DATE = "ctl-as-of-date"  # the picker; AS_OF above is its label
RESTATED = "ctl-restated"  # the "restate to today's alignment" switch

# --- shell: the signed-in user's menu (name, role, sign-out, language) --------
USER_NAME = "user-name"
USER_ROLE = "user-role"
SIGN_OUT = "sign-out"
#: the language switch is a plain form post (see callbacks/language.py)
LANGUAGE_SWITCH = "language-switch"
LANGUAGE_NEXT = "language-next"
LANGUAGE_BUTTONS = {"en": "language-en", "fr": "language-fr"}

# --- map (overview) page ------------------------------------------------------
MAP = "map"
MAP_TERRITORIES = "map-territories"
#: where the territory layer's geometry comes from ({url, object, key}: assets/topojson.js)
MAP_GEOMETRY = "map-geometry"
MAP_KPI_PICKER = "map-kpi-picker"
MAP_LEGEND = "map-legend"
MAP_ACCOUNTS = "map-accounts"
MAP_ACCOUNTS_SWITCH = "map-accounts-switch"
MAP_ACCOUNTS_LEGEND = "map-accounts-legend"
KPI_STRIP = "kpi-strip"
OVERVIEW_RANKING = "overview-ranking"
OVERVIEW_RANKING_EXPORT = "overview-ranking-export"
OVERVIEW_RANKING_XLSX = "overview-ranking-xlsx"
OVERVIEW_RANKING_DOWNLOAD = "overview-ranking-download"
HELP_MAP = "help-map"

# --- territory drill-down: the panel any view opens ---------------------------
DRILLDOWN = "drilldown"
DRILLDOWN_TERRITORY = "drilldown-territory"
DRILLDOWN_ACCOUNTS = "drilldown-accounts"
DRILLDOWN_ACCOUNTS_EXPORT = "drilldown-accounts-export"
DRILLDOWN_ACCOUNTS_XLSX = "drilldown-accounts-xlsx"
DRILLDOWN_ACCOUNTS_DOWNLOAD = "drilldown-accounts-download"
DRILLDOWN_DEALS = "drilldown-deals"
DRILLDOWN_DEALS_EXPORT = "drilldown-deals-export"
DRILLDOWN_DEALS_XLSX = "drilldown-deals-xlsx"
DRILLDOWN_DEALS_DOWNLOAD = "drilldown-deals-download"
DRILLDOWN_PRINT = "drilldown-print"
DRILLDOWN_QUARTERLY_TABLE = "drilldown-quarterly-table"

# --- attainment page ----------------------------------------------------------
ATTAINMENT_LEVEL = "attainment-level"
ATTAINMENT_CONTENT = "attainment-content"
ATTAINMENT_RANKING = "attainment-ranking"
ATTAINMENT_GROWTH = "attainment-growth"
ATTAINMENT_HEAT = "attainment-heat"
ATTAINMENT_HEAT_EXPORT = "attainment-heat-export"
ATTAINMENT_HEAT_XLSX = "attainment-heat-xlsx"
ATTAINMENT_HEAT_DOWNLOAD = "attainment-heat-download"
ATTAINMENT_GRID = "attainment-grid"
ATTAINMENT_EXPORT = "attainment-export"
ATTAINMENT_XLSX = "attainment-xlsx"
ATTAINMENT_DOWNLOAD = "attainment-download"
HELP_ATTAINMENT = "help-attainment"

# --- pipeline page ------------------------------------------------------------
PIPELINE_HEALTHY = "pipeline-healthy"
PIPELINE_CONTENT = "pipeline-content"
PIPELINE_FUNNEL = "pipeline-funnel"
PIPELINE_COVERAGE = "pipeline-coverage"
PIPELINE_AGING = "pipeline-aging"
PIPELINE_OVERDUE = "pipeline-overdue"
PIPELINE_OVERDUE_EXPORT = "pipeline-overdue-export"
PIPELINE_OVERDUE_XLSX = "pipeline-overdue-xlsx"
PIPELINE_OVERDUE_DOWNLOAD = "pipeline-overdue-download"
PIPELINE_GRID = "pipeline-grid"
PIPELINE_EXPORT = "pipeline-export"
PIPELINE_XLSX = "pipeline-xlsx"
PIPELINE_DOWNLOAD = "pipeline-download"
HELP_PIPELINE = "help-pipeline"

# --- underperformers page -----------------------------------------------------
UP_SUMMARY = "up-summary"
UP_PACE = "up-pace"
UP_COVERAGE = "up-coverage"
UP_GROWTH = "up-growth"
UP_POTENTIAL_INDEX = "up-potential-index"
UP_PENETRATION = "up-penetration"
UP_PENETRATION_BOTTOM = "up-penetration-bottom"
UP_POTENTIAL_TOP = "up-potential-top"
UP_RESET = "up-reset"
UP_NOTE = "up-note"
UP_LIST = "up-list"
UP_LIST_COUNT = "up-list-count"
UP_MORE = "up-more"
UP_OPEN = "up-open"  # dict id type: {"type": UP_OPEN, "index": territory_id}
UP_MAP = "up-map"
UP_MAP_TERRITORIES = "up-map-territories"
UP_MAP_GEOMETRY = "up-map-geometry"
UP_MAP_LEGEND = "up-map-legend"
UP_GRID = "up-grid"
UP_GRID_EXPORT = "up-grid-export"
UP_GRID_XLSX = "up-grid-xlsx"
UP_GRID_DOWNLOAD = "up-grid-download"
HELP_UNDERPERFORMERS = "help-underperformers"

# --- what-if page: the editor (the scenario lives in WI_HISTORY, a page Store) --
WI_HISTORY = "wi-history"
WI_MAP = "wi-map"
WI_COUNTIES = "wi-counties"
WI_OUTLINES = "wi-outlines"
#: where the county layer's geometry comes from ({url, object, key}: assets/topojson.js)
WI_GEOMETRY = "wi-geometry"
#: the ZIP areas of the expanded counties: their layer, its geometry source, the
#: counties expanded, and the buttons that expand the selected ones or fold all back
WI_ZIPS = "wi-zips"
WI_ZIP_GEOMETRY = "wi-zip-geometry"
WI_EXPANDED = "wi-expanded"
#: the ZIP areas clicked on the map (Move selected moves them with the selected counties)
WI_ZIP_SELECTED = "wi-zip-selected"
WI_EXPAND = "wi-expand"
WI_COLLAPSE = "wi-collapse"
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
WI_LOCK_TERRITORY = "wi-lock-territory"
WI_LOCK_TERRITORY_APPLY = "wi-lock-territory-apply"

# --- what-if page: accounts ---------------------------------------------------
WI_ACCOUNT_SEARCH = "wi-account-search"
WI_ACCOUNTS = "wi-accounts"
WI_ACCOUNT_TARGET = "wi-account-target"
WI_ACCOUNT_MOVE = "wi-account-move"
WI_ACCOUNT_CLEAR = "wi-account-clear"
WI_ACCOUNT_LOCK = "wi-account-lock"

# --- what-if page: background rebalance and its trade-off chart ---------------
WI_BUDGET = "wi-budget"
WI_SUGGEST = "wi-suggest"
WI_REASONS = "wi-reasons"
WI_RUN = "wi-run"
WI_CANCEL = "wi-cancel"
WI_PROGRESS = "wi-progress"
WI_TRADEOFF = "wi-tradeoff"
#: balance against compactness (cut borders) of the rebalance and design runs
WI_COMPACT = "wi-compact"
#: the runs' points both charts draw (page data: rebalance budgets, designs)
WI_POINTS = "wi-points"
# search settings shared by Suggest and Design from scratch
WI_TOLERANCE = "wi-tolerance"
WI_TIME_LIMIT = "wi-time-limit"
WI_SEED = "wi-seed"
WI_SPLIT = "wi-split"
# design from scratch
WI_DESIGN = "wi-design"
WI_DESIGN_CANCEL = "wi-design-cancel"
WI_DESIGN_PROGRESS = "wi-design-progress"
WI_DESIGN_COUNT = "wi-design-count"
WI_DESIGN_MEASURES = "wi-design-measures"
#: the signed viewer handed to the background auto-balance
WI_VIEWER = "wi-viewer"

# --- what-if page: side-by-side compare ---------------------------------------
WI_CMP_A = "wi-cmp-a"
WI_CMP_B = "wi-cmp-b"
WI_CMP_TABLE = "wi-cmp-table"
WI_CMP_MAP = "wi-cmp-map"
WI_CMP_DIFF = "wi-cmp-diff"
WI_CMP_SUMMARY = "wi-cmp-summary"

# --- what-if page: saved scenarios (save, open, approve, apply) ---------------
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
# the apply dialog (effective date, quota step) and the alignment history
SC_APPLY_MODAL = "sc-apply-modal"
SC_APPLY_TARGET = "sc-apply-target"
SC_APPLY_DATE = "sc-apply-date"
SC_APPLY_WARNING = "sc-apply-warning"
SC_APPLY_BASIS = "sc-apply-basis"
SC_APPLY_SUMMARY = "sc-apply-summary"
SC_APPLY_QUOTAS = "sc-apply-quotas"
SC_APPLY_ERROR = "sc-apply-error"
SC_APPLY_CANCEL = "sc-apply-cancel"
SC_APPLY_CONFIRM = "sc-apply-confirm"
SC_STEPS = "sc-steps"
SC_ROLLBACK_DATE = "sc-rollback-date"
SC_ROLLBACK = "sc-rollback"

# --- rep scorecard page -------------------------------------------------------
SCORECARD_REP = "scorecard-rep"
SCORECARD_CONTENT = "scorecard-content"
SCORECARD_STANDING = "scorecard-standing"
SCORECARD_TOP = "scorecard-top-accounts"
SCORECARD_TOP_EXPORT = "scorecard-top-export"
SCORECARD_TOP_XLSX = "scorecard-top-xlsx"
SCORECARD_TOP_DOWNLOAD = "scorecard-top-download"
SCORECARD_OVERDUE = "scorecard-overdue"
SCORECARD_OVERDUE_EXPORT = "scorecard-overdue-export"
SCORECARD_OVERDUE_XLSX = "scorecard-overdue-xlsx"
SCORECARD_OVERDUE_DOWNLOAD = "scorecard-overdue-download"
SCORECARD_LAPSED = "scorecard-lapsed"
SCORECARD_LAPSED_EXPORT = "scorecard-lapsed-export"
SCORECARD_LAPSED_XLSX = "scorecard-lapsed-xlsx"
SCORECARD_LAPSED_DOWNLOAD = "scorecard-lapsed-download"
HELP_SCORECARD = "help-scorecard"

# --- import page --------------------------------------------------------------
IMPORT_UPLOAD = "import-upload"
IMPORT_RESULT = "import-result"
#: the warning that a dropped file is over the upload's size limit
IMPORT_TOO_BIG = "import-too-big"
#: the mapping step (files in another layout than DATA_FORMAT.md's): its
#: section, the token of the files waiting server-side, the grids of files,
#: columns and stages, the problems, the first rows as stored, the profile
#: name, the Import button and what the import did
IMPORT_MAP = "import-map"
IMPORT_MAP_TOKEN = "import-map-token"
IMPORT_MAP_FILES = "import-map-files"
IMPORT_MAP_COLUMNS = "import-map-columns"
IMPORT_MAP_STAGES = "import-map-stages"
IMPORT_MAP_PROBLEMS = "import-map-problems"
IMPORT_MAP_PREVIEW = "import-map-preview"
IMPORT_MAP_PROFILE = "import-map-profile"
IMPORT_MAP_CONFIRM = "import-map-confirm"
IMPORT_MAP_RESULT = "import-map-result"
#: the data's as-of date at import (data without one: the last activity in the files)
IMPORT_MAP_AS_OF = "import-map-as-of"
#: the import as a background job: the viewer signed for the job (it has no
#: session), the box shown while it runs, its step, its progress bar and Cancel
IMPORT_MAP_VIEWER = "import-map-viewer"
IMPORT_MAP_RUNNING = "import-map-running"
IMPORT_MAP_STEP = "import-map-step"
IMPORT_MAP_PROGRESS = "import-map-progress"
IMPORT_MAP_CANCEL = "import-map-cancel"
#: files named after their tables import as a background job too: the panel an
#: upload opens (its store holds the staged files' token and the signed viewer,
#: and starts the job), the box shown while it runs, its step, its progress
#: bar, Cancel, and what the import did
IMPORT_RUN = "import-run"
IMPORT_RUN_RUNNING = "import-run-running"
IMPORT_RUN_STEP = "import-run-step"
IMPORT_RUN_PROGRESS = "import-run-progress"
IMPORT_RUN_CANCEL = "import-run-cancel"
IMPORT_RUN_RESULT = "import-run-result"
#: a boundary file of one's own added as a unit layer: its upload, the warning that
#: it is over the size limit, the staged file's token, the form filled on upload
#: (id, name and parent properties, the layer's name, Check and Add), what the check
#: or the add found (and the note shown while they run), the layer added (its name),
#: "Use this layer for the data" and what that did
LAYER_UPLOAD = "layer-upload"
LAYER_TOO_BIG = "layer-too-big"
LAYER_TOKEN = "layer-token"
LAYER_FORM = "layer-form"
LAYER_ID_PROPERTY = "layer-id-property"
LAYER_NAME_PROPERTY = "layer-name-property"
LAYER_PARENT_PROPERTY = "layer-parent-property"
LAYER_NAME = "layer-name"
LAYER_CHECK = "layer-check"
LAYER_ADD = "layer-add"
LAYER_RESULT = "layer-result"
LAYER_RUNNING = "layer-running"
LAYER_ADDED = "layer-added"
LAYER_USE = "layer-use"
LAYER_USE_RESULT = "layer-use-result"

# First-run checklist (map page, a leader with accounts but no whole plan)
FIRST_RUN = "first-run"
FIRST_RUN_START = "first-run-start"
FIRST_RUN_TERRITORIES_SAVE = "first-run-territories-save"
FIRST_RUN_REPS = "first-run-reps"
FIRST_RUN_REPS_SAVE = "first-run-reps-save"
FIRST_RUN_QUOTA_METHOD = "first-run-quota-method"
FIRST_RUN_YEAR = "first-run-year"
FIRST_RUN_GROWTH = "first-run-growth"
FIRST_RUN_TARGET = "first-run-target"
FIRST_RUN_WEIGHT = "first-run-weight"
FIRST_RUN_QUOTAS = "first-run-quotas"
FIRST_RUN_QUOTAS_SAVE = "first-run-quotas-save"
FIRST_RUN_AS_OF = "first-run-as-of"
FIRST_RUN_AS_OF_SAVE = "first-run-as-of-save"
FIRST_RUN_AS_OF_NOTE = "first-run-as-of-note"
FIRST_RUN_MESSAGE = "first-run-message"
#: under a successful import: the way on to the checklist
FIRST_RUN_NEXT = "first-run-next"
#: the accounts on the map before any territory exists
FIRST_RUN_MAP = "first-run-map"

# --- every grid's XLSX twin ---------------------------------------------------
#: CSV button id -> (XLSX button id, download id): the layout places the
#: twin next to the CSV button, and registering the CSV export registers both
XLSX_EXPORTS = {
    OVERVIEW_RANKING_EXPORT: (OVERVIEW_RANKING_XLSX, OVERVIEW_RANKING_DOWNLOAD),
    DRILLDOWN_ACCOUNTS_EXPORT: (DRILLDOWN_ACCOUNTS_XLSX, DRILLDOWN_ACCOUNTS_DOWNLOAD),
    DRILLDOWN_DEALS_EXPORT: (DRILLDOWN_DEALS_XLSX, DRILLDOWN_DEALS_DOWNLOAD),
    ATTAINMENT_EXPORT: (ATTAINMENT_XLSX, ATTAINMENT_DOWNLOAD),
    ATTAINMENT_HEAT_EXPORT: (ATTAINMENT_HEAT_XLSX, ATTAINMENT_HEAT_DOWNLOAD),
    PIPELINE_EXPORT: (PIPELINE_XLSX, PIPELINE_DOWNLOAD),
    PIPELINE_OVERDUE_EXPORT: (PIPELINE_OVERDUE_XLSX, PIPELINE_OVERDUE_DOWNLOAD),
    UP_GRID_EXPORT: (UP_GRID_XLSX, UP_GRID_DOWNLOAD),
    SCORECARD_TOP_EXPORT: (SCORECARD_TOP_XLSX, SCORECARD_TOP_DOWNLOAD),
    SCORECARD_OVERDUE_EXPORT: (SCORECARD_OVERDUE_XLSX, SCORECARD_OVERDUE_DOWNLOAD),
    SCORECARD_LAPSED_EXPORT: (SCORECARD_LAPSED_XLSX, SCORECARD_LAPSED_DOWNLOAD),
}
