import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start_app(dash_duo, demo_app):
    """Serve the demo app on a free port (tests run on two workers)."""

    def start(path: str = "/"):
        dash_duo.start_server(demo_app, port=free_port())
        if path != "/":
            dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        return dash_duo

    return start
