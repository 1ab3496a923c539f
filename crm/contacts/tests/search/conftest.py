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


@pytest.fixture
def pending_spanish() -> None:
    """Load this branch's new Spanish strings (crm/locale/es/pending-search.json, merged into django.po by the
    lead) into the Spanish catalogue, so tests can check the translated messages before the merge."""
    import json
    from pathlib import Path

    from django.utils.translation import trans_real

    path = Path(__file__).resolve().parents[3] / "locale" / "es" / "pending-search.json"
    catalog = trans_real.translation("es")._catalog  # type: ignore[attr-defined]
    for msgid, msgstr in json.loads(path.read_text()).items():
        if isinstance(msgstr, str) and msgid not in catalog:
            catalog[msgid] = msgstr
