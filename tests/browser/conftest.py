import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.signin_steps import serve, sign_in  # noqa: E402


@pytest.fixture
def start_app(dash_duo, demo_app):
    """Serve the demo app on a free port (tests run on two workers) and sign
    in (the demo leader unless a test names another user)."""

    def start(path: str = "/", user: str = "leader"):
        serve(dash_duo, demo_app)
        sign_in(dash_duo, user, path)
        return dash_duo

    return start
