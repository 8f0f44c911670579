"""Load test: 50 signed-in users on gunicorn (2 workers) with PostgreSQL and Redis.

    python -m benchmarks.load --database-url postgresql://... --redis-url redis://... \\
        [--users 50] [--duration 60] [--workers 2] [--prepare] [--write]
    python -m benchmarks.load --base-url http://127.0.0.1:8050 ...   # a running server

Each user is a thread with its own signed-in session (the real form, CSRF
included) that acts like a person on the page: open a view, change the
period, the region or a threshold, look at it for a while, do the next thing.
Every action posts what the browser posts -- the page route and the view's
content callback, built from the server's own ``/_dash-dependencies`` -- so
the timing is the server's answer to a real
interaction. The think time (3-12 s by default: people read a chart
before the next click) sets the offered load; ``--think 0.5 2.5`` is a stress
run far beyond it. The mix: a few leaders (every view, any region), more managers
(their region's views) and most users reps (their own page, the rep
scorecard when it exists). Bounded by design: a fixed duration, a request
timeout, loopback addresses only.

A request counts as an error when it is not HTTP 200, times out, or opens the
app's error banner. ``--write`` puts the figures into ``RESULTS.md`` between
the ``<!-- load -->`` markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from layouts import ids
from tests.dash_http import outputs_of, payload, session_headers

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- load -->", "<!-- /load -->"
DEMO_PASSWORD = "demo-pass"
PERIODS = ["qtd", "ytd", "t12m", "2026Q2", "2026Q1", "2025Q4", "2025"]
SEGMENTS = ["all", "all", "all", "Enterprise", "Mid-Market", "SMB"]
KPIS = ["attainment", "pace", "coverage", "growth", "penetration"]
REQUEST_TIMEOUT = 30.0
#: share of users per role (of 50: 5 leaders, 15 managers, 30 reps)
ROLE_MIX = (("leader", 0.1), ("manager", 0.3), ("rep", 0.6))


@dataclass
class Sample:
    action: str
    role: str
    status: int
    seconds: float
    error: str = ""
    #: when the request was sent (``time.monotonic``)
    at: float = 0.0


@dataclass
class Clock:
    """The measured window: set once every user has signed in."""
    ready: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0
    #: seconds a user looks at a view before the next action (uniform range)
    think: tuple[float, float] = (3.0, 12.0)


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def _loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load-test {host!r}: loopback addresses only")


class User(threading.Thread):
    """One person: sign in, then act with think time until the deadline."""

    def __init__(self, base: str, username: str, role: str, deps: dict, regions: list[str],
                 clock: Clock, recorder: Recorder, seed: int):
        super().__init__(daemon=True)
        self.base, self.username, self.role = base, username, role
        self.deps, self.regions, self.clock = deps, regions, clock
        self.recorder, self.random = recorder, random.Random(seed)
        self.session = requests.Session()
        # like a browser, send again once when a kept-alive connection turns out to
        # have been closed by the server just as the request went out
        retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None,
                      raise_on_status=False)
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    # -- the page's requests ---------------------------------------------------

    def post(self, action: str, output: tuple[str, str], values: dict, changed: list[str]):
        found = self.deps.get(output)
        if found is None:
            return
        key, spec = found
        body = payload(key, spec, values, changed)
        started = time.perf_counter()
        status, error = 0, ""
        try:
            answer = self.session.post(self.base + "/_dash-update-component", json=body,
                                       timeout=REQUEST_TIMEOUT,
                                       headers=session_headers(self.session, self.base))
            status = answer.status_code
            if status == 200 and ids.ERROR_BANNER in (answer.json().get("sideUpdate") or {}):
                error = "error banner"
            elif status not in (200, 204):
                error = f"HTTP {status}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        elapsed = time.perf_counter() - started
        self.recorder.add(Sample(action, self.role, status, elapsed, error,
                                 time.monotonic() - elapsed))

    def values(self, **given) -> dict:
        period = given.get("period", "qtd")
        region = given.get("region", "all")
        base = {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
                f"{ids.SEGMENT}.value": given.get("segment", "all"),
                f"{ids.MAP_KPI_PICKER}.value": given.get("kpi", "attainment"),
                f"{ids.ATTAINMENT_LEVEL}.value": given.get("level", "territory"),
                f"{ids.PIPELINE_HEALTHY}.value": given.get("healthy", 3.0),
                f"{ids.URL}.search": f"?period={period}",
                f"{ids.URL}.pathname": given.get("path", "/"),
                f"{ids.UP_PACE}.value": 85, f"{ids.UP_COVERAGE}.value": 2.0,
                f"{ids.UP_GROWTH}.value": -5, f"{ids.UP_POTENTIAL_INDEX}.value": 0.7,
                f"{ids.UP_PENETRATION}.value": True}
        base.update(given.get("extra", {}))
        return base

    def open_view(self, path: str, content: tuple[str, str], **given) -> None:
        values = self.values(path=path, **given)
        self.post(f"open {path}", (ids.PAGE, "children"), values, [f"{ids.URL}.pathname"])
        self.post(f"view {path}", content, values, [f"{ids.PERIOD}.value"])

    # -- what each role does -----------------------------------------------------

    def act(self) -> None:
        r = self.random
        period, segment = r.choice(PERIODS), r.choice(SEGMENTS)
        region = "all" if self.role != "leader" or r.random() < 0.5 else r.choice(self.regions)
        if self.role == "rep":
            self.open_view("/scorecard", (ids.SCORECARD_CONTENT, "children"), period=period)
            return
        choice = r.random()
        if choice < 0.35:
            self.open_view("/", (ids.KPI_STRIP, "children"), period=period, region=region,
                           segment=segment, kpi=r.choice(KPIS))
        elif choice < 0.55:
            self.open_view("/attainment", (ids.ATTAINMENT_CONTENT, "children"), period=period,
                           region=region, segment=segment,
                           level=r.choice(["territory", "rep", "region"]))
        elif choice < 0.75:
            self.open_view("/pipeline", (ids.PIPELINE_CONTENT, "children"), period=period,
                           region=region, segment=segment, healthy=r.choice([2.0, 3.0, 4.0]))
        else:
            self.open_view("/underperformers", (ids.UP_SUMMARY, "children"), period=period,
                           region=region, segment=segment,
                           extra={f"{ids.UP_PACE}.value": r.choice([75, 85, 95])})

    def sign_in(self) -> bool:
        started = time.perf_counter()
        try:
            page = self.session.get(self.base + "/login", timeout=REQUEST_TIMEOUT).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            answer = self.session.post(self.base + "/login", allow_redirects=False,
                                       timeout=REQUEST_TIMEOUT, data={
                                           "csrf_token": token, "username": self.username,
                                           "password": DEMO_PASSWORD})
            ok = answer.status_code == 302
            if ok:  # the page loads next, which hands over the CSRF cookie
                self.session.get(self.base + "/_dash-dependencies", timeout=REQUEST_TIMEOUT)
            error = "" if ok else f"HTTP {answer.status_code}"
            status = answer.status_code
        except (requests.RequestException, AttributeError) as exc:
            ok, error, status = False, type(exc).__name__, 0
        self.recorder.add(Sample("sign in", self.role, status, time.perf_counter() - started,
                                 error))
        return ok

    def run(self) -> None:
        signed_in = self.sign_in()
        self.clock.ready.wait()  # everybody signed in: the measured minute starts together
        if not signed_in:
            return
        time.sleep(self.random.uniform(0, self.clock.think[1]))  # not all in one millisecond
        while time.monotonic() < self.clock.deadline:
            self.act()
            pause = self.random.uniform(*self.clock.think)
            if time.monotonic() + pause >= self.clock.deadline:
                break
            time.sleep(pause)
        self.session.close()


# -- the server -------------------------------------------------------------------


def start_server(database_url: str, redis_url: str, workers: int, port: int,
                 instance: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "CACHE_REDIS_URL": redis_url,
           "SECRET_KEY": "load-test-secret", "TD_DEMO": "0", "TD_INSTANCE_PATH": instance,
           "TD_TILE_URL": ""}
    log = open(Path(instance) / "gunicorn.log", "ab")  # noqa: SIM115 - the child owns it
    process = subprocess.Popen(
        [sys.executable, "-c", "import app; raise SystemExit(app.main())", "serve", "--prod",
         "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}); see {instance}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("the server did not become healthy within 180 s")


def prepare(database_url: str, instance: str) -> None:
    """Build the demo and its users into an empty database (idempotent)."""
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService

    service = DataService(Settings(database_url=database_url, instance_path=instance))
    service.migrate()
    service.ensure_demo()
    service.engine.dispose()


def accounts(database_url: str) -> dict[str, list[str]]:
    """Demo usernames by role (and, under "regions", the regions), from the database."""
    from sqlalchemy import create_engine, text

    from dashboard.storage import db

    engine = db.make_engine(database_url) if database_url else create_engine("sqlite://")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, role FROM users WHERE active")).all()
        regions = conn.execute(text("SELECT DISTINCT region FROM territories")).scalars().all()
    engine.dispose()
    found: dict[str, list[str]] = {"leader": [], "manager": [], "rep": [],
                                   "regions": sorted(r for r in regions if r)}
    for username, role in rows:
        found.setdefault(role, []).append(username)
    return found


def callback_map(base: str, username: str) -> dict:
    """(output id, property) -> (callback key, spec), from the server."""
    session = requests.Session()
    page = session.get(base + "/login", timeout=REQUEST_TIMEOUT).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(base + "/login", allow_redirects=False, timeout=REQUEST_TIMEOUT, data={
        "csrf_token": token, "username": username, "password": DEMO_PASSWORD})
    deps = session.get(base + "/_dash-dependencies", timeout=REQUEST_TIMEOUT).json()
    found = {}
    for spec in deps:
        for out in outputs_of(spec["output"]):
            if isinstance(out["id"], str):  # not the navigation's wildcard links
                found.setdefault((out["id"], out["property"]), (spec["output"], spec))
    return found


# -- the run --------------------------------------------------------------------------


def run_load(base: str, users_by_role: dict[str, list[str]], n_users: int, duration: float,
             think: tuple[float, float] = (3.0, 12.0),
             seed: int = 7) -> tuple[Recorder, float, dict]:
    _loopback_only(base)
    deps = callback_map(base, users_by_role["leader"][0])
    regions = users_by_role["regions"]
    rng = random.Random(seed)
    recorder = Recorder()
    counts = {role: round(n_users * share) for role, share in ROLE_MIX}
    counts["rep"] = n_users - counts["leader"] - counts["manager"]
    clock = Clock(think=think)
    threads = []
    for role, count in counts.items():
        names = users_by_role.get(role) or users_by_role["leader"]
        for i in range(count):
            threads.append(User(base, names[i % len(names)], role, deps, regions, clock,
                                recorder, rng.randrange(1 << 30)))
    for thread in threads:
        thread.start()
    while len([s for s in recorder.samples if s.action == "sign in"]) < len(threads):
        if not any(t.is_alive() for t in threads):
            break
        time.sleep(0.05)
    started = time.monotonic()
    clock.deadline = started + duration
    clock.ready.set()
    for thread in threads:
        thread.join(timeout=duration + REQUEST_TIMEOUT + 10)
    return recorder, time.monotonic() - started, counts, started


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (Linux /proc), else 0."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return 0.0
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summarise(recorder: Recorder, elapsed: float, started: float = 0.0) -> dict:
    callbacks = [s for s in recorder.samples if s.action != "sign in"]
    quarters: dict[int, list[float]] = {}
    for sample in callbacks:
        index = min(3, max(0, int(4 * (sample.at - started) / elapsed))) if elapsed else 0
        quarters.setdefault(index, []).append(sample.seconds * 1000)
    times = [s.seconds * 1000 for s in callbacks]
    by_action: dict[str, list[Sample]] = {}
    for sample in callbacks:
        by_action.setdefault(sample.action, []).append(sample)
    errors: dict[str, int] = {}
    for sample in recorder.samples:
        if sample.error:
            errors[sample.error] = errors.get(sample.error, 0) + 1
    return {
        "requests": len(callbacks),
        "sign_ins": sum(1 for s in recorder.samples if s.action == "sign in"),
        "errors": sum(1 for s in recorder.samples if s.error), "error_kinds": errors,
        "p50": percentile(times, 50), "p95": percentile(times, 95),
        "p99": percentile(times, 99), "max": max(times, default=float("nan")),
        "mean": statistics.fmean(times) if times else float("nan"),
        "throughput": len(callbacks) / elapsed if elapsed else 0.0,
        "quarters": [(len(quarters.get(i, [])), percentile(quarters.get(i, []), 50),
                      percentile(quarters.get(i, []), 95)) for i in range(4)],
        "actions": {
            name: {"n": len(items), "errors": sum(1 for s in items if s.error),
                   "p50": percentile([s.seconds * 1000 for s in items], 50),
                   "p95": percentile([s.seconds * 1000 for s in items], 95)}
            for name, items in sorted(by_action.items())
        },
    }


def markdown(summary: dict, info: dict) -> str:
    lines = [
        "## Load test: 50 users on gunicorn + PostgreSQL + Redis",
        "",
        f"`python -m benchmarks.load` ({info['when']}): {info['users']} users "
        f"({info['mix']}) for {info['duration']:.0f} s with a think time of {info['think']} "
        f"between actions (each action = the page route + the view's content callback), "
        f"all signed in before the clock starts, against `territory-dashboard serve --prod` with "
        f"{info['workers']} gthread workers (4 threads each) on PostgreSQL {info['pg']} and "
        f"Redis {info['redis']}, demo dataset, loopback, {info['machine']}. Load generator "
        "and server share the machine.",
        "",
        f"**{summary['requests']:,} callback requests** ({summary['throughput']:.1f}/s) + "
        f"{summary['sign_ins']} sign-ins, **{summary['errors']} errors**"
        + (f" ({', '.join(f'{k}: {v}' for k, v in summary['error_kinds'].items())})"
           if summary["errors"] else "")
        + f"; latency p50 **{summary['p50']:.0f} ms**, p95 **{summary['p95']:.0f} ms**, "
        f"p99 {summary['p99']:.0f} ms, max {summary['max']:.0f} ms.",
        "",
        "| action | requests | errors | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in summary["actions"].items():
        lines.append(f"| {name} | {row['n']:,} | {row['errors']} | {row['p50']:.0f} | "
                     f"{row['p95']:.0f} |")
    lines.append("")
    lines.append("By quarter of the window (requests, p50/p95 ms): " + "; ".join(
        f"{n} at {p50:.0f}/{p95:.0f}" for n, p50, p95 in summary["quarters"]) + ".")
    lines.append("")
    if info.get("cpu"):
        lines += [f"CPU: {info['cpu']}; {info['load']} (other processes on the machine "
                  "count there too).", ""]
    lines.append(f"Target: 0 errors, p95 under 500 ms — "
                 f"{'met' if summary['errors'] == 0 and summary['p95'] < 500 else 'not met'}.")
    return "\n".join(lines)


def write_results(section: str, path: Path = RESULTS) -> None:
    """Replace only the text between our markers (append them when missing)."""
    text = path.read_text() if path.exists() else ""
    block = f"{START}\n{section}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def _versions(database_url: str, redis_url: str) -> tuple[str, str]:
    from sqlalchemy import text

    from dashboard.storage import db

    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        pg = conn.execute(text("SHOW server_version")).scalar().split()[0]
    engine.dispose()
    import redis

    return pg, redis.Redis.from_url(redis_url).info("server")["redis_version"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("CACHE_REDIS_URL", ""))
    parser.add_argument("--base-url", help="a running server instead of starting one")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--think", type=float, nargs=2, default=[3.0, 12.0],
                        metavar=("MIN", "MAX"), help="seconds between a user's actions")
    parser.add_argument("--prepare", action="store_true",
                        help="build the demo and its users into the database first")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is needed to find the demo users")
    instance = tempfile.mkdtemp(prefix="td-load-")
    if args.prepare:
        prepare(args.database_url, instance)
    server = None
    base = args.base_url
    if base is None:
        if not args.redis_url:
            parser.error("--redis-url (or CACHE_REDIS_URL) is needed to start the server")
        server = start_server(args.database_url, args.redis_url, args.workers, args.port,
                              instance)
        base = f"http://127.0.0.1:{args.port}"
    load_before = os.getloadavg()[0]
    server_cpu = client_cpu = 0.0
    try:
        before = (cpu_seconds(server.pid) if server else 0.0, time.process_time())
        recorder, elapsed, counts, started = run_load(base, accounts(args.database_url), args.users,
                                             args.duration, tuple(args.think))
        server_cpu = (cpu_seconds(server.pid) if server else 0.0) - before[0]
        client_cpu = time.process_time() - before[1]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    summary = summarise(recorder, elapsed, started)
    pg, redis_version = _versions(args.database_url, args.redis_url) if args.redis_url else (
        "?", "?")
    info = {"when": time.strftime("%Y-%m-%d"), "users": args.users,
            "mix": ", ".join(f"{n} {r}s" for r, n in counts.items()),
            "duration": args.duration, "workers": args.workers, "pg": pg,
            "think": f"{args.think[0]:g}-{args.think[1]:g} s",
            "load": f"1-minute load average {load_before:.1f} before, "
                    f"{os.getloadavg()[0]:.1f} after the run",
            "cpu": (f"server processes used {server_cpu:.0f} CPU-s and the load generator "
                    f"{client_cpu:.0f} CPU-s (sign-ins and the measured window together)"
                    if server_cpu else ""),
            "redis": redis_version,
            "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}"}
    section = markdown(summary, info)
    print(section)
    if args.write:
        write_results(section)
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
