"""No text a user reads is left in English only.

Scans every layout and callback module, and the core modules whose words
reach the screen (flag reasons, import errors, what-if messages, KPI names,
period names), for string literals not wrapped in ``_()`` (see
``tests/i18n_scan.py``); ``test_i18n`` then requires French for every
wrapped message. The CLI, the demo generator and the geography builder speak
English only (operators' tools and data, not screens).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n_scan import untranslated

ROOT = Path(__file__).resolve().parents[3]
SHOWN_CORE = ("ingest/api_import", "ingest/checks", "ingest/parsing", "ingest/reading",
              "ingest/service",
              "ingest/dates", "ingest/flat", "ingest/mapping", "ingest/mapping_page",
              "ingest/places", "ingest/values",
              "metrics/kpi_table", "metrics/periods", "metrics/underperformance",
              "runtime/health", "views/choropleth", "views/drilldown", "views/flagged",
              "views/overview", "views/rankings", "views/scorecard", "views/selection",
              "views/whatif", "views/xlsx", "whatif/account_lists", "whatif/autobalance",
              "whatif/autobalance_graph", "whatif/boundaries", "whatif/changeset",
              "whatif/design_reasons", "whatif/design_runs",
              "whatif/scenario_impact", "whatif/scenarios", "whatif/side_by_side",
              "layers/boundary_checks", "layers/boundary_files", "layers/model",
              "layers/placement", "layers/topojson", "layers/us_layers")
SCANNED = sorted(
    [p for folder in ("layouts", "callbacks") for p in (ROOT / folder).glob("*.py")]
    + [ROOT / "dashboard" / f"{name}.py" for name in SHOWN_CORE]
)


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shown_string_goes_through_translation(path):
    found = untranslated(path)
    assert not found, "\n".join(f"{path.name}:{line}: {text!r}" for line, text in found)


def test_the_scan_catches_a_bare_label(tmp_path):
    module = tmp_path / "view.py"
    module.write_text('from dash import html\n'
                      'def layout():\n'
                      '    """Docstrings are fine."""\n'
                      '    return html.Div([html.H4("Quota attainment"), html.P(_("Pace")),\n'
                      '                     html.Span("x", className="kpi-value big")])\n')
    assert untranslated(module) == [(4, "Quota attainment")]
