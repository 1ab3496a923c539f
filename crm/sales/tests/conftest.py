from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crm.core.identity.models import Role, Team, User


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """make_user("sales_rep", team="North", manager=boss) → an active user with that built-in role."""
    counter = {"n": 0}

    def make(
        role: str = "sales_rep", *, team: str | None = "North", manager: User | None = None, **extra: Any
    ) -> User:
        counter["n"] += 1
        n = counter["n"]
        team_obj = Team.objects.get_or_create(name=team)[0] if team else None
        return User.objects.create_user(
            extra.pop("email", f"user{n}-{role}@example.com"),
            "pw-123456-x",
            full_name=extra.pop("full_name", f"User {n} {role}"),
            role=Role.objects.get(key=role),
            team=team_obj,
            manager=manager,
            **extra,
        )

    return make
