"""A link's whole query survives signing in, and a link naming an unknown or
out-of-scope period, region or segment opens the default view (issue 17)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dashboard.access.users import DEMO_PASSWORD


def follow_link_signed_out(client, link: str) -> str:
    """Open ``link`` signed out, sign in through the form the redirect leads
    to (its hidden ``next`` as the browser posts it), return where sign-in lands."""
    redirected = client.get(link)
    assert redirected.status_code == 302
    login = urlsplit(redirected.headers["Location"])
    page = client.get(f"{login.path}?{login.query}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    next_path = re.search(r'name="next" value="([^"]*)"', page).group(1)
    next_path = next_path.replace("&amp;", "&")  # the HTML attribute, as the browser reads it
    landed = client.post("/login", data={"csrf_token": token, "username": "leader",
                                         "password": DEMO_PASSWORD, "next": next_path})
    assert landed.status_code == 302
    return landed.headers["Location"]


def test_signing_in_from_a_link_lands_on_the_whole_link(demo_app):
    link = "/attainment?period=ytd&region=West&segment=SMB&territory=T05"
    assert follow_link_signed_out(demo_app.server.test_client(), link) == link
