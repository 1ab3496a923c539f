from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crm.analytics.core import registry
from crm.analytics.core.tests import runners
from crm.core.identity.models import Team, User


@pytest.fixture(autouse=True)
def test_analyses() -> Iterator[None]:
    saved = dict(registry._ANALYSES)
    runners.register()
    yield
    registry._ANALYSES.clear()
    registry._ANALYSES.update(saved)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """make_user("sales_manager") → an active user with that built-in role."""
    counter = {"n": 0}

    def make(role: str = "sales_rep", **extra: Any) -> User:
        from crm.core.identity.models import Role

        counter["n"] += 1
        team = Team.objects.get_or_create(name="North")[0]
        return User.objects.create_user(
            f"analyst{counter['n']}-{role}@example.com",
            "pw-123456-x",
            role=Role.objects.get(key=role),
            team=team,
            **extra,
        )

    return make
