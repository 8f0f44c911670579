"""The production stack for tests: gunicorn as a real child process, PostgreSQL
databases cloned from a template, a signed-in HTTP client that calls Dash
callbacks the way the browser does, and a TCP proxy that can cut the app off
from its database on demand."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- PostgreSQL databases -------------------------------------------------------


def admin_engine(url: str):
    return create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")


def _psycopg(url: str) -> str:
    return re.sub(r"^postgresql(\+psycopg)?://", "postgresql+psycopg://", url)


def database_url(base_url: str, name: str) -> str:
    return make_url(_psycopg(base_url)).set(database=name).render_as_string(False)


def create_database(admin_url: str, template: str | None = None) -> str:
    """A fresh database (a copy of ``template`` when given); returns its name."""
    name = f"td_prod_{uuid.uuid4().hex[:10]}"
    engine = admin_engine(admin_url)
    with engine.connect() as conn:
        clause = f' TEMPLATE "{template}"' if template else ""
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    engine.dispose()
    return name


def drop_database(admin_url: str, name: str) -> None:
    engine = admin_engine(admin_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


# -- gunicorn ---------------------------------------------------------------------


def stop_process(process: subprocess.Popen | None) -> None:
    """Stop a server the way an init system would: SIGTERM, then after 30 s
    SIGKILL to its whole process group (workers included)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


#: what the stack's /healthz wants in X-Health-Token before it shows its checks and worker
HEALTH_TOKEN = "prod-test-health-token"


def health(base: str, session=None) -> dict:
    """The /healthz answer with its details (checks, worker), as an operator gets it."""
    answer = (session or requests).get(base + "/healthz", timeout=30,
                                       headers={"X-Health-Token": HEALTH_TOKEN})
    return answer.json()


class Gunicorn:
    """``territory-dashboard serve --prod`` in a child process."""

    def __init__(self, database_url: str, redis_url: str, instance: Path, workers: int = 2,
                 port: int | None = None, extra_env: dict | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "CACHE_REDIS_URL": redis_url,
                    "SECRET_KEY": "prod-test-secret", "TD_DEMO": "0",
                    "TD_HEALTH_TOKEN": HEALTH_TOKEN,
                    "TD_INSTANCE_PATH": str(instance), "TD_TILE_URL": "",
                    "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> Gunicorn:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import app; raise SystemExit(app.main())", "serve",
             "--prod", "--workers", str(self.workers), "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        seen: set[int] = set()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.process.returncode}:\n{self.log()}")
            try:
                answer = requests.get(self.base + "/healthz", timeout=2,
                                      headers={"X-Health-Token": HEALTH_TOKEN})
                if answer.status_code == 200:
                    seen.add(answer.json()["worker"])
                    if len(seen) >= min(self.workers, 2) or time.monotonic() > deadline - 5:
                        return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- a signed-in browser ----------------------------------------------------------


class Browser:
    """A signed-in ``requests.Session`` that posts callbacks like dash-renderer.

    The callback map comes from the server's own ``/_dash-dependencies``, so
    the payloads are exactly what the page would send. The session keeps its
    connection alive, and gunicorn's gthread workers keep a kept-alive
    connection on the worker that accepted it: ``worker()`` says which one.
    """

    def __init__(self, base: str, username: str = "leader",
                 password: str = DEMO_PASSWORD):
        self.base = base
        self.session = requests.Session()
        page = self.session.get(base + "/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = self.session.post(base + "/login", timeout=30, allow_redirects=False, data={
            "csrf_token": token, "username": username, "password": password})
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in as {username} failed: HTTP {answer.status_code}")
        deps = self.session.get(base + "/_dash-dependencies", timeout=30).json()
        self.callback_map = {d["output"]: d for d in deps}

    def worker(self) -> int:
        return health(self.base, self.session)["worker"]

    def post(self, output: tuple[str, str], values: dict, changed: list | None = None,
             timeout: float = 60, params: dict | None = None):
        """Returns (status code, parsed JSON or None, raw text)."""
        from tests.dash_http import find_callback, payload, session_headers

        key, spec = find_callback(self, *output)
        body = payload(key, spec, values, changed)
        answer = self.session.post(self.base + "/_dash-update-component", json=body,
                                   timeout=timeout, params=params,
                                   headers=session_headers(self.session, self.base))
        try:
            parsed = answer.json()
        except ValueError:
            parsed = None
        return answer.status_code, parsed, answer.text

    def run_job(self, output: tuple[str, str], values: dict, changed: list | None = None,
                timeout: float = 180):
        """A background callback as the page runs it: started, then polled with
        its handles until it answers. Returns (status code, parsed JSON or None,
        raw text) of the last request: the answer, or what stopped it."""
        status, body, raw = self.post(output, values, changed=changed)
        if status != 200 or not body or "cacheKey" not in body:
            return status, body, raw
        job = {"cacheKey": body["cacheKey"], "job": body["job"]}
        deadline = time.monotonic() + timeout
        while "response" not in body and time.monotonic() < deadline:
            time.sleep(0.5)
            status, body, raw = self.post(output, values, changed=changed, params=job)
            if status not in (200, 204):
                return status, body, raw
            body = body or {}
        return status, body, raw

    def close(self) -> None:
        self.session.close()


@contextlib.contextmanager
def kept_alive(browser: Browser, every: float = 1.0):
    """Ping ``browser``'s worker while it waits for another browser's slow
    request, so gunicorn's keep-alive timeout does not close its connection
    (and move it to another worker). Yields the set of worker ids seen."""
    seen: set[int] = set()
    stop = threading.Event()

    def ping():
        while not stop.wait(every):
            seen.add(browser.worker())

    thread = threading.Thread(target=ping, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=30)


def browsers_on_two_workers(base: str, first_user: str = "leader", second_user: str = "leader",
                            tries: int = 30) -> tuple[Browser, Browser]:
    """Two signed-in browsers whose connections sit on different workers."""
    first = Browser(base, first_user)
    first_worker = first.worker()
    for _ in range(tries):
        other = Browser(base, second_user)
        if other.worker() != first_worker:
            return first, other
        other.close()
    raise RuntimeError("every connection landed on one worker")


# -- a TCP proxy that can be cut ------------------------------------------------


class Proxy:
    """Loopback TCP forwarder to ``target``; ``cut()`` drops every connection and
    refuses new ones (the database "goes away"), ``restore()`` listens again on
    the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self._stop = threading.Event()
        threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True).start()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:  # a loaded host can be slow to accept; the pipe then blocks freely
                upstream = socket.create_connection(self.target, timeout=30)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        # selectors (epoll), not select.select: late in a long run the test process
        # holds more than 1,024 descriptors, and select() then raises ValueError,
        # which closed the connection before a byte passed ("server closed the
        # connection unexpectedly" at gunicorn's start in CI).
        selector = selectors.DefaultSelector()
        try:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while a.fileno() >= 0 and b.fileno() >= 0:  # cut() closed them otherwise
                for key, _ in selector.select(1.0):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def close(self) -> None:
        self.cut()


# -- Celery -----------------------------------------------------------------------


class CeleryWorker:
    """``celery -A wsgi:celery_app worker`` as README documents it, in a child process."""

    def __init__(self, env: dict, instance: Path):
        self.env, self.log_path = env, instance / "celery.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> CeleryWorker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "worker",
             "--concurrency", "1", "--pool", "solo", "--loglevel", "INFO",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery exited {self.process.returncode}:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"celery did not become ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __exit__(self, *exc) -> None:
        stop_process(self.process)
