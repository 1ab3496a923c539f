"""Signing in and out, passwords, and one's own profile and API tokens (web UI)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from crm.core.identity.models import AccessToken, Role, User
from crm.core.identity.services import token_authenticate

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456-x"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def user() -> User:
    return User.objects.create_user(
        "ana@example.com", PASSWORD, full_name="Ana López", role=Role.objects.get(key="sales_rep")
    )


def _login(client: Any, email: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("identity:login"), {"username": email, "password": password, **extra})


# --- sign in / out ---------------------------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get(reverse("identity:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'type="email"' in response.content
    assert reverse("identity:password_reset").encode() in response.content


def test_login_with_right_password_signs_in_until_the_browser_closes(client, user):
    response = _login(client, "ana@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expire_at_browser_close()


def test_login_remember_me_keeps_the_session(client, user):
    _login(client, "ANA@example.com ", PASSWORD, remember_me="on")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not client.session.get_expire_at_browser_close()


def test_login_follows_next(client, user):
    response = client.post(
        reverse("identity:login") + "?next=/me/",
        {"username": user.email, "password": PASSWORD, "next": "/me/"},
    )
    assert response["Location"] == "/me/"


def test_wrong_password_shows_a_clear_error_and_does_not_sign_in(client, user):
    response = _login(client, "ana@example.com", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_error_is_translated(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = _login(client, "ana@example.com", "wrong-password")
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Por favor, introduzca un" in html  # Django's own Spanish catalogue
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _login(client, "ana@example.com", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_too_many_failures_lock_the_email_for_a_while(client, user):
    for _attempt in range(10):
        _login(client, "ana@example.com", "wrong-password")
    response = _login(client, "ana@example.com", PASSWORD)  # even the right password waits
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_visitor_skips_the_login_page(client, user):
    client.force_login(user)
    assert client.get(reverse("identity:login")).status_code == 302


def test_logout_needs_post_and_signs_out(client, user):
    client.force_login(user)
    assert client.get(reverse("identity:logout")).status_code == 405
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("identity:login")
    assert "_auth_user_id" not in client.session


# --- passwords ---------------------------------------------------------------------------------------------


def test_password_reset_end_to_end(client, user):
    response = client.post(reverse("identity:password_reset"), {"email": "ana@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("identity:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.com"]
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body)
    assert link is not None
    response = client.get(link.group(1))  # Django swaps the token for a session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.get(form_url)
    assert b"new_password1" in response.content
    response = client.post(
        form_url, {"new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("identity:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-42")
    assert _login(client, "ana@example.com", "Brand-new-pass-42").status_code == 302
    # the link works once
    client.post(reverse("identity:logout"))
    assert b"does not work" in client.get(link.group(1), follow=True).content


def test_password_reset_for_unknown_email_sends_nothing_but_says_the_same(client, user):
    response = client.post(reverse("identity:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_reaches_invited_users_without_a_password(client):
    invited = User.objects.create_user("new@example.com", None, full_name="New Person")
    assert not invited.has_usable_password()
    client.post(reverse("identity:password_reset"), {"email": "new@example.com"})
    assert len(mail.outbox) == 1


def test_password_reset_with_mismatched_passwords_changes_nothing(client, user):
    client.post(reverse("identity:password_reset"), {"email": user.email})
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"new_password1": "Brand-new-pass-42", "new_password2": "Other-pass-42"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change(client, user):
    client.force_login(user)
    url = reverse("identity:password_change")
    bad = client.post(
        url,
        {"old_password": "nope", "new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"},
    )
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-new-pass-42",
            "new_password2": "Brand-new-pass-42",
        },
    )
    assert good["Location"] == reverse("identity:password_change_done")
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-42")
    assert client.get(reverse("identity:profile")).status_code == 200  # still signed in


# --- profile -------------------------------------------------------------------------------------------------


def test_profile_needs_sign_in(client):
    response = client.get(reverse("identity:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_profile_saves_details_and_switches_language_at_once(client, user):
    client.force_login(user)
    response = client.post(
        reverse("identity:profile"),
        {
            "full_name": "Ana María López",
            "job_title": "Account executive",
            "phone": "+34 600 000 000",
            "language": "es",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    user.refresh_from_db()
    assert (user.full_name, user.job_title, user.language) == ("Ana María López", "Account executive", "es")
    page = client.get(reverse("identity:profile")).content.decode()
    assert 'lang="es"' in page


def test_profile_back_to_browser_language_forgets_the_cookie(client, user):
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(
        reverse("identity:profile"), {"full_name": user.full_name, "language": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    page = client.get(reverse("identity:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page


def test_profile_rejects_an_empty_name_and_changes_nothing(client, user):
    client.force_login(user)
    response = client.post(reverse("identity:profile"), {"full_name": "", "language": "es"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Ana López", "")


def test_profile_cannot_change_role_or_email(client, user):
    client.force_login(user)
    client.post(
        reverse("identity:profile"),
        {"full_name": "Ana", "email": "x@example.com", "role": "1", "is_superuser": "on"},
    )
    user.refresh_from_db()
    assert user.email == "ana@example.com" and user.role.key == "sales_rep" and not user.is_superuser


# --- tokens -------------------------------------------------------------------------------------------------


def test_token_secret_is_shown_once_and_authenticates(client, user):
    client.force_login(user)
    response = client.post(
        reverse("identity:token_create"),
        {"name": "Sheet sync", "scopes": ["read"], "expires_in": "30"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'value="(crm_[^"]+)"', response.content.decode()).group(1)
    token = AccessToken.objects.get(user=user)
    assert (token.name, token.scopes) == ("Sheet sync", ["read"])
    assert token.expires_at is not None
    assert b"<html" not in response.content  # htmx gets the tokens panel only
    found = token_authenticate(secret=secret)
    assert found is not None and found.user_id == user.pk
    page = client.get(reverse("identity:profile")).content.decode()
    assert secret not in page and "Sheet sync" in page and token.prefix in page


def test_token_without_name_is_refused_and_nothing_stored(client, user):
    client.force_login(user)
    response = client.post(reverse("identity:token_create"), {"name": "", "scopes": ["read"]})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not AccessToken.objects.exists()


def test_token_revoke_stops_it_working(client, user):
    from crm.core.identity.services import token_create

    token, secret = token_create(actor=user, user=user, name="CLI")
    client.force_login(user)
    response = client.post(reverse("identity:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert token_authenticate(secret=secret) is None


def test_cannot_revoke_someone_elses_token(client, user):
    from crm.core.identity.services import token_create

    other = User.objects.create_user("other@example.com", PASSWORD, full_name="Other")
    token, secret = token_create(actor=other, user=other, name="Theirs")
    client.force_login(user)
    assert client.post(reverse("identity:token_revoke", args=[token.pk])).status_code == 404
    assert token_authenticate(secret=secret) is not None
