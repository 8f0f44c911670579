"""``territory-dashboard users`` on a real database, and the accounts it makes
signing in through the form."""

from __future__ import annotations

import pytest

from dashboard.runtime.cli import main
from tests.dash_http import sign_in


@pytest.fixture
def env(demo_settings, monkeypatch):
    monkeypatch.setenv("TD_INSTANCE_PATH", demo_settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return demo_settings


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_set_role_and_reset_password(env, capsys, monkeypatch, caplog):
    monkeypatch.setenv("TD_PASSWORD", "first-pass-123")
    assert run(capsys, "users", "add", "ana", "--role", "manager", "--scope", "West",
               "--name", "Ana Ortiz")[0] == 0
    code, out, _ = run(capsys, "users", "list")
    assert code == 0
    assert "ana\tmanager\tWest\tAna Ortiz" in out.splitlines()
    assert "first-pass-123" not in out and "scrypt" not in out

    assert run(capsys, "users", "set-role", "ana", "--role", "rep", "--scope", "R046")[0] == 0
    assert "ana\trep\tR046\tAna Ortiz" in run(capsys, "users", "list")[1].splitlines()

    monkeypatch.setenv("TD_PASSWORD", "second-pass-456")
    assert run(capsys, "users", "reset-password", "ana")[0] == 0
    assert "first-pass-123" not in caplog.text and "second-pass-456" not in caplog.text

    from app import create_app

    app = create_app(env)
    sign_in(app.server.test_client(), "ana", "second-pass-456")
    with pytest.raises(RuntimeError, match="HTTP 401"):
        sign_in(app.server.test_client(), "ana", "first-pass-123")


@pytest.mark.parametrize("argv, words", [
    (["users", "add", "bob", "--role", "manager"], "needs a scope"),
    (["users", "add", "leader", "--role", "leader"], "already exists"),
    (["users", "set-role", "nobody", "--role", "leader"], "no user"),
])
def test_mistakes_are_one_line_errors(env, capsys, monkeypatch, argv, words):
    monkeypatch.setenv("TD_PASSWORD", "long-enough-pass")
    code, _, err = run(capsys, *argv)
    assert code == 2 and words in err and "Traceback" not in err


def test_a_short_password_is_refused(env, capsys, monkeypatch):
    monkeypatch.setenv("TD_PASSWORD", "short")
    code, _, err = run(capsys, "users", "add", "cy", "--role", "leader")
    assert code == 2 and "at least 8 characters" in err


def test_outside_the_demo_the_app_needs_a_secret_key(env):
    from app import ConfigurationError, create_app

    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(env.with_(demo=False, secret_key=""))


def test_reset_password_one_time_prints_it_once_and_the_user_must_replace_it(env, capsys):
    code, out, _ = run(capsys, "users", "reset-password", "manager-west", "--one-time")
    assert code == 0
    one_time = out.split("(shown once): ")[1].split()[0]
    from app import create_app

    app = create_app(env)
    client = app.server.test_client()
    sign_in(client, "manager-west", one_time)
    assert client.get("/").headers["Location"].startswith("/password?next=")
