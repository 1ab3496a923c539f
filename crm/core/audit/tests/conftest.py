"""Fixtures for the history and recycle bin tests. Records come from the contacts services (test-only import:
core code never imports a domain app)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from crm.core.identity.models import Role, Team, User


@pytest.fixture
def contacts() -> Any:
    """`crm.contacts.services`, loaded at run time so core's import contracts stay clean."""
    return importlib.import_module("crm.contacts.services")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(role: str = "sales_rep", *, team: str | None = "North", **extra: Any) -> User:
        counter["n"] += 1
        return User.objects.create_user(
            extra.pop("email", f"user{counter['n']}@example.com"),
            "pw-123456-x",
            full_name=extra.pop("full_name", f"User {counter['n']}"),
            role=Role.objects.get(key=role),
            team=Team.objects.get_or_create(name=team)[0] if team else None,
            **extra,
        )

    return make


@pytest.fixture
def rep(make_user: Callable[..., User]) -> User:
    return make_user("sales_rep", full_name="Rita Rep")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("administrator", team=None, full_name="Ada Admin")
