"""Small reads every sales selector module shares."""

from __future__ import annotations

from typing import Any

from crm.core.errors import RecordNotFound
from crm.core.identity.models import User


def record_pk(value: Any) -> int:
    """A primary key from a URL or API parameter; anything that is not a whole number is simply not found."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RecordNotFound() from None


def attach_owners(rows: list[Any]) -> None:
    """The owners of a page in one query (not a join: the permission scope filters on owner_id)."""
    ids = {r.owner_id for r in rows}
    owners = (
        {u.pk: u for u in User.objects.filter(pk__in=ids).only("id", "full_name", "email")} if ids else {}
    )
    for r in rows:
        r._state.fields_cache["owner"] = owners.get(r.owner_id)
