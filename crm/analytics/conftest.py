"""Fixtures every analytics app's tests share: users in a built-in role, the company currency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from crm.core.identity.models import Role, Team, User


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """make_user("sales_manager", team="North", manager=boss) → an active user with that built-in role."""
    counter = {"n": 0}

    def make(
        role: str = "sales_rep", *, team: str | None = "North", manager: User | None = None, **extra: Any
    ) -> User:
        counter["n"] += 1
        n = counter["n"]
        return User.objects.create_user(
            extra.pop("email", f"analyst{n}-{role}@example.com"),
            "pw-123456-x",
            full_name=extra.pop("full_name", f"Person {n} {role}"),
            role=Role.objects.get(key=role),
            team=Team.objects.get_or_create(name=team)[0] if team else None,
            manager=manager,
            **extra,
        )

    return make


@pytest.fixture
def company_currency(db: Any) -> str:
    """The company currency's code (EUR, created when the catalog has none)."""
    currency = apps.get_model("catalog", "Currency")
    found = currency.objects.filter(is_company=True).first()
    if found is None:
        found = currency.objects.create(code="EUR", name="Euro", is_company=True)
    return str(found.code)
