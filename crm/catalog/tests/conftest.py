from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.tests.factories import TeamFactory, user_with_role


@pytest.fixture
def admin(db: Any) -> Any:
    return user_with_role("administrator")


@pytest.fixture
def rep(db: Any) -> Any:
    return user_with_role("sales_rep", team=TeamFactory(name="North"))


@pytest.fixture
def manager(db: Any) -> Any:
    return user_with_role("sales_manager")
