import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.signin_steps import serve, sign_in  # noqa: E402
from tests.browser.waits import PATIENCE  # noqa: E402


@pytest.fixture
def dash_duo(dash_duo):
    """dash.testing's browser, waiting up to :data:`~tests.browser.waits.PATIENCE`
    by default (its own default is 10 s): every ``wait_for_*`` waits for a
    state of the page, so a test names no timeout of its own."""
    dash_duo.wait_timeout = PATIENCE
    return dash_duo


@pytest.fixture
def start_app(dash_duo, demo_app):
    """Serve the demo app on a free port (tests run on two workers) and sign
    in (the demo leader unless a test names another user)."""

    def start(path: str = "/", user: str = "leader"):
        serve(dash_duo, demo_app)
        sign_in(dash_duo, user, path)
        return dash_duo

    return start
