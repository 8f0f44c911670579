"""A manager's browser receives nothing of another region (issue 15).

Signed in as ``manager-west``, the browser opens every page the page registry
lets a manager open, waits for each to settle, and the test looks for any
other region's territory, rep, account or deal id, their names, the other
regions' names and company-level totals (``tests/scope_leaks.py``) in the
DOM and in the text of every response the page fetched.

dash.testing sets Chrome's ``goog:loggingPrefs`` itself (browser log only),
so the performance log that would list the network responses is not
available; instead a recorder is installed before any page script runs
(``Page.addScriptToEvaluateOnNewDocument``) that keeps the text of every
``fetch`` and ``XMLHttpRequest`` response in ``window.__responses``: the
layout, every callback answer, the account points.
"""

from __future__ import annotations

import json

import pytest

from callbacks.pages import PAGES
from dashboard.access.rules import MANAGER
from tests.browser.waits import settled, until
from tests.scope_leaks import Names, described, world

pytestmark = pytest.mark.browser

RECORDER = """
(() => {
  window.__responses = [];
  window.__pending = 0;  // requests sent whose response text is not kept yet
  const keep = (url, read) => Promise.resolve().then(read).then(
      text => window.__responses.push([String(url), String(text)]),
      error => window.__responses.push([String(url), 'unreadable: ' + error]))
    .finally(() => { window.__pending -= 1; });
  const fetch = window.fetch;
  window.fetch = function (...args) {
    window.__pending += 1;
    return fetch.apply(this, args).then(response => {
      const copy = response.clone();
      keep(response.url, () => copy.text());
      return response;
    }, error => { window.__pending -= 1; throw error; });
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    window.__pending += 1;
    this.addEventListener('loadend', () => keep(this.responseURL, () =>
      (this.responseType === '' || this.responseType === 'text') ? this.responseText
        : JSON.stringify(this.response)));
    return send.apply(this, args);
  };
})();
"""

#: the recorder's record is complete: every response it saw has been read
RECORDED = "return window.__pending === 0 && window.__responses.length > 0;"


def leaks_on(duo, outsiders, responses) -> list[str]:
    """What the settled page holds of another region, in its DOM and in each
    response it fetched: one line per place, what was found there."""
    places = {"DOM": outsiders.scan(duo.driver.page_source)}
    for url, text in responses:
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        found = outsiders.scan(body, text)
        if found:
            places.setdefault(url.split("?")[0], set()).update(found)
    return [f"{place}: {described(found)}" for place, found in places.items() if found]


def test_a_manager_receives_nothing_of_another_region_on_any_page(dash_duo, start_app,
                                                                   demo_app):
    frames = demo_app.server.extensions["territory_service"].frames()
    west = frozenset(frames.territories.index[frames.territories["region"] == "West"])
    _own, _foreign, outsiders = world(frames, west)
    # what each page must show: the region's own territories or reps (a page
    # that received nothing would pass the scan too)
    own = Names(set(west) | set(frames.reps["rep_name"][frames.reps["territory_id"].isin(west)]))
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": RECORDER})
    duo = start_app("/", user="manager-west")
    pages = [page.path for page in PAGES if MANAGER in page.roles]
    assert len(pages) >= 5  # the map, attainment, pipeline, underperformers, what-if...
    leaks = {}
    for path in pages:
        duo.driver.get(duo.server_url + path)
        settled(duo)
        until(duo, lambda d: d.execute_script(RECORDED),
              f"{path}: the page's responses were never all read")
        responses = duo.driver.execute_script("return window.__responses;")
        assert any("_dash-update-component" in url for url, _text in responses), path
        assert own.find(duo.driver.page_source + "".join(t for _u, t in responses)), (
            f"{path} shows nothing of the West")
        leaks[path] = leaks_on(duo, outsiders, responses)
    found = {path: found for path, found in leaks.items() if found}
    assert not found, "\n".join(f"{path}:\n  " + "\n  ".join(lines)
                                for path, lines in found.items())
