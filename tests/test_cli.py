"""The `crm` console script: createadmin and token, in-process and through a real subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from crm import cli
from crm.core.identity import selectors, services

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _createadmin(email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada Lovelace") -> str:
    out, _err = _run("createadmin", "--email", email, "--password", password, "--name", name)
    return out


# --- createadmin ----------------------------------------------------------------------------------------


def test_createadmin_creates_an_administrator_who_can_sign_in(db):
    out = _createadmin()

    user = selectors.user_get_by_email(email="ada@example.com")
    assert user is not None
    assert "ada@example.com" in out
    assert user.full_name == "Ada Lovelace"
    assert user.is_superuser and user.is_active
    assert user.role is not None and user.role.key == "administrator"
    assert authenticate(username="ada@example.com", password=PASSWORD) == user


def test_createadmin_refuses_an_existing_email_and_changes_nothing(db):
    _createadmin()
    before = selectors.user_get_by_email(email="ada@example.com")
    assert before is not None

    with pytest.raises(CommandError, match="email: A user with this email already exists"):
        _createadmin(email="ADA@example.com", password="another-long-passphrase", name="Someone Else")

    after = selectors.user_get_by_email(email="ada@example.com")
    assert after is not None
    assert (after.pk, after.full_name, after.password) == (before.pk, before.full_name, before.password)
    assert selectors.user_list().count() == 1


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [("not-an-email", PASSWORD, "email"), ("bob@example.com", "123", "password")],
)
def test_createadmin_reports_the_field_errors_and_stores_nothing(db, email, password, field):
    with pytest.raises(CommandError) as excinfo:
        _createadmin(email=email, password=password)

    assert str(excinfo.value).startswith(f"{field}: ")
    assert selectors.user_list().count() == 0


def test_createadmin_without_a_password_and_no_terminal_says_what_is_missing(db, monkeypatch):
    monkeypatch.delenv("CRM_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="--password is required"):
        _run("createadmin", "--email", "ada@example.com")

    assert selectors.user_list().count() == 0


# --- token ----------------------------------------------------------------------------------------------


@pytest.fixture
def ada(db):
    role = selectors.role_get_by_key(key="sales_rep")
    return services.user_create(
        actor=None, email="ada@example.com", full_name="Ada Lovelace", password=PASSWORD, role=role
    )


def test_token_create_prints_only_a_secret_that_authenticates(ada):
    out, err = _run("token", "create", "--user", "ada@example.com", "--name", "laptop", "--scopes", "read")

    secret = out.strip()
    assert "\n" not in secret
    assert "not shown again" in err
    token = services.token_authenticate(secret=secret)
    assert token is not None
    assert token.user == ada
    assert (token.name, token.scopes, token.expires_at) == ("laptop", ["read"], None)


def test_token_create_with_expiry_sets_it(ada):
    out, _err = _run("token", "create", "--user", "ada@example.com", "--expires-days", "30")

    token = services.token_authenticate(secret=out.strip())
    assert token is not None and token.expires_at is not None
    assert token.scopes == ["read", "write"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scopes", "read,admin"], "scopes: Unknown scope"),
        (["--expires-days", "0"], "--expires-days must be"),
        (["--name", "  "], "name: This field is required"),
    ],
)
def test_token_create_rejects_bad_input_and_stores_nothing(ada, args, message):
    with pytest.raises(CommandError, match=message):
        _run("token", "create", "--user", "ada@example.com", *args)

    assert selectors.token_list(user=ada).count() == 0


def test_token_create_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="No user with the email"):
        _run("token", "create", "--user", "nobody@example.com")


def test_token_list_and_revoke(ada):
    secret, _err = _run("token", "create", "--user", "ada@example.com", "--name", "ci")
    token = services.token_authenticate(secret=secret.strip())
    assert token is not None

    listing, _err = _run("token", "list", "--user", "ada@example.com")
    assert str(token.pk) in listing and "ci" in listing and token.prefix in listing

    _run("token", "revoke", str(token.pk))
    assert services.token_authenticate(secret=secret.strip()) is None
    with pytest.raises(CommandError, match=f"No live token with id {token.pk}"):
        _run("token", "revoke", str(token.pk))


# --- the console script ---------------------------------------------------------------------------------


def test_crm_without_arguments_prints_the_usage(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    for command in ("serve", "worker", "createadmin", "token", "demo"):
        assert command in out


def _crm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [sys.executable, "-m", "crm.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_console_script_end_to_end(tmp_path):
    """A real process against its own SQLite file: migrate, createadmin twice, a token; no tracebacks."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "CRM_VAR_DIR": str(tmp_path),
        "CRM_FAST_PASSWORD_HASHER": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    migrate = _crm("migrate", "--noinput", "-v", "0", env=env)
    assert migrate.returncode == 0, migrate.stderr

    first = _crm("createadmin", "--email", "root@example.com", "--password", PASSWORD, env=env)
    assert first.returncode == 0, first.stderr
    assert "root@example.com" in first.stdout

    again = _crm("createadmin", "--email", "root@example.com", "--password", PASSWORD, env=env)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr

    token = _crm("token", "create", "--user", "root@example.com", env=env)
    assert token.returncode == 0, token.stderr
    assert token.stdout.startswith(services.TOKEN_PREFIX)
    assert len(token.stdout.strip().splitlines()) == 1


def test_unknown_command_is_a_message_not_a_traceback(capsys):
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["no-such-command"])

    assert excinfo.value.code != 0
    err = capsys.readouterr().err
    assert "Unknown command: 'no-such-command'" in err
    assert "Traceback" not in err
