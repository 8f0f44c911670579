"""The app works in Chromium under its Content-Security-Policy: every page, as
the leader and as a manager, loads with no CSP violation and no other severe
console error; an inline script injected into the page does not run; ids and
names that reach the map's tooltip HTML are shown as text, never run; the
grids' CSV guard is the server exporter's rule."""

from __future__ import annotations

import pytest

from callbacks.pages import PAGES
from tests.browser.signin_steps import serve, sign_in
from tests.browser.waits import settled, until

pytestmark = pytest.mark.browser

INJECTED = """
const img = document.createElement('div');
img.innerHTML = '<img id="csp-probe" src="data:," onerror="window.tdInlineRan = true">';
document.body.appendChild(img);
"""


def severe(duo) -> list[dict]:
    return [entry for entry in duo.driver.get_log("browser") if entry["level"] == "SEVERE"]


def visit_every_page(duo, username: str) -> dict[str, list[str]]:
    """Each page the user may open, loaded fresh: its severe console messages."""
    role = {"leader": "leader"}.get(username, "manager")
    found = {}
    for page in PAGES:
        if role not in page.roles:
            continue
        duo.driver.get(duo.server_url + page.path)
        duo.wait_for_element("#react-entry-point")
        settled(duo)
        found[page.path] = [e["message"] for e in severe(duo)]
    return found


@pytest.mark.parametrize("username", ["leader", "manager-west"])
def test_every_page_runs_under_the_csp_without_violations(dash_duo, demo_app, username):
    serve(dash_duo, demo_app)
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.wait_for_element("#login-form")
    assert severe(dash_duo) == []
    sign_in(dash_duo, username)
    # the policy is enforced: an inline handler slipped into the page does not run
    dash_duo.driver.execute_script(INJECTED)
    until(dash_duo, lambda d: d.execute_script(
        "return document.getElementById('csp-probe') !== null"), "the probe was not added")
    messages = [e["message"] for e in severe(dash_duo)]
    assert dash_duo.driver.execute_script("return window.tdInlineRan === true") is False
    assert any("Content Security Policy" in m for m in messages), messages
    found = visit_every_page(dash_duo, username)
    assert len(found) >= 6
    assert found == {path: [] for path in found}


FORGED = "T<img src=x onerror=\"window.tdForgedRan=true\">"
TOOLTIP = """
const [id, tips] = arguments;
let made = null;
const layer = {bindTooltip: function (build) { made = build; }};
const feature = {properties: {territory_id: id, fips: '06037', t: id, label: 'LA'}};
window.territoryMapHideouts = {forged: {tips: tips}, whatif: {}};
window.territoryMap.map.bindTooltip(feature, layer, {hideout: {key: 'forged'}});
const mapHtml = made();
window.territoryMap.whatif.bindTooltip(feature, layer);
const whatifHtml = made();
const box = document.createElement('div');
box.id = 'forged-box';
box.innerHTML = mapHtml + '|' + whatifHtml;
document.body.appendChild(box);
return [mapHtml, whatifHtml, box.querySelectorAll('img').length, box.textContent];
"""


def test_a_forged_territory_id_in_a_tooltip_is_text_not_html(start_app):
    duo = start_app("/", user="manager-west")
    map_html, whatif_html, images, text = duo.driver.execute_script(TOOLTIP, FORGED, {})
    assert images == 0 and "<img" not in map_html and "<img" not in whatif_html
    assert text.count(FORGED) == 2  # shown as it is, as text
    assert duo.driver.execute_script("return window.tdForgedRan === true") is False
    # a tooltip the server wrote (escaped there) is used as it is
    assert duo.driver.execute_script(TOOLTIP, "T01", {"T01": "<b>West 1</b>"})[0] == \
        "<b>West 1</b>"


CELLS = ["=SUM(A1)", "+1", "-2", "@x", "\tcmd", "\rcmd", "'=quoted", "''+x", "'plain",
         "plain", "a=b", ""]


def test_the_grids_csv_guard_is_the_server_exporters_rule(start_app):
    from dashboard.ingest.export import _safe_text

    duo = start_app("/", user="manager-west")
    in_browser = duo.driver.execute_script(
        "return arguments[0].map(v => window.dashAgGridFunctions.safeCsvCell({value: v}))",
        CELLS)
    assert in_browser == [_safe_text(cell) for cell in CELLS]
