from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.tests.factories import TeamFactory, user_with_role


@pytest.fixture
def north(db: Any) -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def manager(north: Any) -> Any:
    return user_with_role("sales_manager", team=north, full_name="Mia Manager")


@pytest.fixture
def admin(north: Any) -> Any:
    return user_with_role("administrator", team=north, full_name="Ada Admin", is_superuser=True)


@pytest.fixture
def rep(north: Any) -> Any:
    return user_with_role("sales_rep", team=north, full_name="Rita Reyes")
