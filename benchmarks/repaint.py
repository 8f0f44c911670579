"""Map repaint after a KPI change, timed by the browser itself (issue 7).

Starts the app on the demo (size S) in a child process, signs in as the demo
leader in headless Chromium, then clicks through the map's KPI choices and
measures, with ``performance.now()`` in the page, the time from the click to
the first animation frame in which the territory fills have changed. That is
what the user waits for: the callback round trip, the hideout patch and
Leaflet restyling every territory path.

    python -m benchmarks.repaint [--rounds 5]

Prints p50 / p95 / max in milliseconds; no thresholds (speed is measured,
not asserted).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

KPIS = ("pace", "coverage", "revenue_growth", "penetration", "attainment")

#: resolves with the ms from the click to the frame whose fills differ
MEASURE = """
const [selector, done] = [arguments[0], arguments[arguments.length - 1]];
const fills = () => Array.from(document.querySelectorAll('#map path.leaflet-interactive'))
    .map(p => p.getAttribute('fill')).join();
const before = fills();
const started = performance.now();
document.querySelector(selector).click();
const check = () => {
    if (fills() !== before) { done(performance.now() - started); }
    else if (performance.now() - started > 10000) { done(-1); }
    else { requestAnimationFrame(check); }
};
requestAnimationFrame(check);
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not start at {url}")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


def measure(url: str, rounds: int) -> list[float]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from dashboard.access.users import DEMO_LEADER, DEMO_PASSWORD

    driver = browser()
    try:
        driver.get(url + "/login?next=/")
        driver.find_element(By.ID, "username").send_keys(DEMO_LEADER)
        driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 60).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, "#map path.leaflet-interactive")))
        time.sleep(2)  # let the first colouring settle
        driver.set_script_timeout(20)
        times = []
        for _ in range(rounds):
            for kpi in KPIS:
                selector = f"label[for='_dbcprivate_radioitems_map-kpi-picker_input_{kpi}']"
                times.append(driver.execute_async_script(MEASURE, selector))
        return times
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the five KPIs")
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="td-repaint-") as folder:
        env = {**os.environ, "TD_INSTANCE_PATH": folder, "TD_TILE_URL": "", "TD_DEMO": "1"}
        server = subprocess.Popen(
            [sys.executable, "-c", "from app import main; main()", "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url)
            times = measure(url, args.rounds)
        finally:
            server.terminate()
            server.wait(10)
    ok = sorted(t for t in times if t >= 0)
    if not ok:
        print("no repaint observed")
        return 1
    p95 = ok[min(len(ok) - 1, round(0.95 * (len(ok) - 1)))]
    print(f"map repaint after a KPI change (size S, headless Chromium, {len(ok)} clicks, "
          f"{len(times) - len(ok)} without a repaint): p50 {statistics.median(ok):.0f} ms, "
          f"p95 {p95:.0f} ms, max {ok[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
