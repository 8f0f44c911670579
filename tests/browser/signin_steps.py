"""Starting the app and signing in from a headless browser (shared by the
browser tests; a module of its own because every test folder has a conftest)."""

from __future__ import annotations

import socket

from tests.browser.waits import PATIENCE, settled


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(duo, app) -> None:
    """Start ``app`` on a free port without waiting for the Dash page (an
    unsigned browser is sent to the sign-in form first)."""
    duo.start_server(app, navigate=False, port=free_port(), start_timeout=PATIENCE)
    duo._url = duo.server.url  # server_url's setter would wait for the Dash page


def sign_in(duo, username: str, path: str = "/", password: str | None = None) -> None:
    """Sign in through the real form, landing on ``path`` once its start-up
    callbacks have answered (a control used before then can be reset by them)."""
    from dashboard.access.users import DEMO_PASSWORD

    duo.driver.get(f"{duo.server_url}/login?next={path}")
    duo.wait_for_element("#username").send_keys(username)
    duo.find_element("#password").send_keys(password or DEMO_PASSWORD)
    duo.find_element("#login-submit").click()
    duo.wait_for_element("#react-entry-point")
    settled(duo)
