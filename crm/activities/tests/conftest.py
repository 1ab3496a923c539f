from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.tests.factories import (
    AccountFactory,
    ContactAccountFactory,
    ContactFactory,
    TeamFactory,
    role,
)
from crm.contacts.tests.factories import UserFactory as _UserFactory
from crm.core.identity.models import User


@pytest.fixture
def north(db: Any) -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def south(db: Any) -> Any:
    return TeamFactory(name="South")


@pytest.fixture
def rep(north: Any) -> User:
    user: User = _UserFactory(team=north, full_name="Ana Rep")
    return user


@pytest.fixture
def colleague(north: Any) -> User:
    user: User = _UserFactory(team=north, full_name="Bea Colleague")
    return user


@pytest.fixture
def other_rep(south: Any) -> User:
    user: User = _UserFactory(team=south, full_name="Carl Other")
    return user


@pytest.fixture
def admin(db: Any) -> User:
    user: User = _UserFactory(role=role("administrator"), full_name="Ada Admin")
    return user


@pytest.fixture
def account(rep: User) -> Any:
    return AccountFactory(owner=rep, name="Acme")


@pytest.fixture
def contact(rep: User, account: Any) -> Any:
    person = ContactFactory(
        owner=rep, first_name="Lola", last_name="Pérez", full_name="Lola Pérez", primary_account=account
    )
    ContactAccountFactory(contact=person, account=account, is_primary=True)
    return person


@pytest.fixture
def foreign_account(other_rep: User) -> Any:
    return AccountFactory(owner=other_rep, name="Globex")
