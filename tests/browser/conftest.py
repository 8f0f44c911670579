import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(duo, app) -> None:
    """Start ``app`` on a free port without waiting for the Dash page (an
    unsigned browser is sent to the sign-in form first)."""
    duo.start_server(app, navigate=False, port=free_port())
    duo._url = duo.server.url  # server_url's setter would wait for the Dash page


def sign_in(duo, username: str, path: str = "/", password: str | None = None) -> None:
    """Sign in through the real form, landing on ``path``."""
    from dashboard.users import DEMO_PASSWORD

    duo.driver.get(f"{duo.server_url}/login?next={path}")
    duo.wait_for_element("#username", timeout=10).send_keys(username)
    duo.find_element("#password").send_keys(password or DEMO_PASSWORD)
    duo.find_element("#login-submit").click()
    duo.wait_for_element("#react-entry-point", timeout=15)


@pytest.fixture
def start_app(dash_duo, demo_app):
    """Serve the demo app on a free port (tests run on two workers) and sign
    in (the demo leader unless a test names another user)."""

    def start(path: str = "/", user: str = "leader"):
        # no navigate: "/" answers unsigned visitors with the sign-in form, which
        # has no Dash entry point for start_server's page wait to find
        dash_duo.start_server(demo_app, navigate=False, port=free_port())
        dash_duo._url = dash_duo.server.url
        sign_in(dash_duo, user, path)
        return dash_duo

    return start
