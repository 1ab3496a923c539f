from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.tests.factories import TeamFactory, user_with_role
from crm.core.identity.models import User


@pytest.fixture
def admin(db: Any) -> User:
    return user_with_role("administrator", full_name="Ada Admin")


@pytest.fixture
def rep(db: Any) -> User:
    """A sales rep: sees their team's records (here: only their own, the team has no one else)."""
    return user_with_role("sales_rep", team=TeamFactory(name="North"), full_name="Rita Rep")


@pytest.fixture
def outsider(db: Any) -> User:
    return user_with_role("sales_rep", team=TeamFactory(name="South"), full_name="Otto Outsider")
