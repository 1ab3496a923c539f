"""The stored territory of accounts: each account's primary address (else its first one) matched against the
territories of crm.core.assignment in their order (`territories_in_order()`); the first that matches wins.

`accounts_match(…)` matches a set of accounts and writes only the ones whose territory changes, one UPDATE per
target territory; `account_batches(…)` walks every account (soft-deleted ones too, so a restore is right) by
keyset over the primary key. Both take the models as arguments, so the data migration that fills the column on
first migrate runs the same code on its historical models.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from crm.core.assignment.matching import fold, postal_normalise, territory_pick

BATCH = 2000


def _address_facts(address_model: Any, low: int, high: int) -> dict[int, dict[str, str]]:
    """{account id: facts} of the accounts with ids in [low, high] that have an address."""
    rows = (
        address_model._base_manager.filter(account_id__gte=low, account_id__lte=high)
        .order_by("account_id", "-is_primary", "id")
        .values_list("account_id", "country", "region", "postal_code")
    )
    facts: dict[int, dict[str, str]] = {}
    for account_id, country, region, postal_code in rows:
        if account_id not in facts:
            facts[account_id] = {"country": country, "region": region, "postal_code": postal_code}
    return facts


def accounts_match(
    *, account_model: Any, address_model: Any, territories: Sequence[Any], ids: Sequence[int]
) -> int:
    """Match the accounts `ids` again; write those whose territory changes. Returns how many changed."""
    if not ids:
        return 0
    manager = account_model._base_manager
    current = dict(manager.filter(pk__in=list(ids)).values_list("pk", "territory_id"))
    if not current:
        return 0
    facts = _address_facts(address_model, min(current), max(current))
    memo: dict[tuple[str, str, str], int | None] = {}
    moves: dict[int | None, list[int]] = {}
    for pk, territory_id in current.items():
        fact = facts.get(pk)
        new: int | None = None
        if fact is not None:
            key = (
                str(fact["country"] or "").upper(),
                fold(fact["region"]),
                postal_normalise(fact["postal_code"]),
            )
            if key not in memo:
                found = territory_pick(territories, fact)
                memo[key] = found.pk if found is not None else None
            new = memo[key]
        if new != territory_id:
            moves.setdefault(new, []).append(pk)
    for territory_id, pks in moves.items():
        for start in range(0, len(pks), BATCH):
            manager.filter(pk__in=pks[start : start + BATCH]).update(territory_id=territory_id)
    return sum(len(p) for p in moves.values())


def account_batches(*, account_model: Any, after: int = 0, batch: int = BATCH) -> Iterator[list[int]]:
    """Every account id above `after`, in batches of `batch`, by keyset over the primary key."""
    manager = account_model._base_manager
    last = after
    while True:
        ids = list(manager.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def territory_names_attach(rows: Sequence[Any]) -> None:
    """Sets `territory_name` ("" without one) on each account of a list page, in one query."""
    from crm.core.assignment.selectors import territory_names

    names = territory_names(ids=sorted({r.territory_id for r in rows if r.territory_id is not None}))
    for r in rows:
        r.territory_name = names.get(r.territory_id, "") if r.territory_id is not None else ""


def territory_rematch_latest() -> Any:
    """The newest re-match run (None before the first), for its progress on the territory screens."""
    from crm.contacts.models import TerritoryRematch

    return TerritoryRematch.objects.order_by("-id").first()
