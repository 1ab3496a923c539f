"""Which customers ordered when, read from the per-account purchase summary (`AccountPurchases`: the standing
orders' first and last date per account × order owner) instead of every order: the dashboards' new / active /
lapsed customers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q

from crm.core.identity.permissions import scope_q
from crm.sales.enums import OrderStatus
from crm.sales.models import AccountPurchases, Order

OBJECT_TYPE = "sales.order"


@dataclass(frozen=True)
class CustomerCounts:
    new: int  # the first order falls in [new_start, new_end)
    active: int  # an order in [active_from, until]
    lapsed: int  # ordered by `until`, but not since `active_from`


def purchase_customer_counts(
    *,
    user: Any,
    owners: list[int] | None,
    until: dt.date,
    new_start: dt.date,
    new_end: dt.date,
    active_from: dt.date,
) -> CustomerCounts:
    """The accounts with standing orders (not cancelled, not in the recycle bin) up to `until`, of the orders
    `user` may see (the orders' `view` scope) and of `owners` (None: every owner): how many are new, active,
    lapsed. The same figures as grouping the orders themselves by account (the tests prove it); two queries
    when an account's row has orders both before `active_from` and after `until` (then who is active is read
    from the orders of those days), one otherwise."""
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    if scope is None or owners == []:
        return CustomerCounts(new=0, active=0, lapsed=0)
    rows = AccountPurchases.objects.filter(scope) if scope else AccountPurchases.objects.all()
    if owners is not None:
        rows = rows.filter(owner_id__in=owners)
    found = (
        rows.filter(first_on__lte=until)
        .order_by()
        .values("account_id")
        .annotate(
            first=Min("first_on"),
            last=Max("last_on"),
            # orders before active_from and after until: whether one falls in between is not in the row
            unsure_rows=Count("id", filter=Q(first_on__lt=active_from, last_on__gt=until)),
        )
        .aggregate(
            new=Count("account_id", filter=Q(first__gte=new_start, first__lt=new_end)),
            total=Count("account_id"),
            active=Count("account_id", filter=Q(last__gte=active_from)),
            unsure=Count("account_id", filter=Q(unsure_rows__gt=0)),
        )
    )
    total, active = int(found["total"] or 0), int(found["active"] or 0)
    if found["unsure"]:
        orders = Order.objects.filter(scope) if scope else Order.objects.all()
        if owners is not None:
            orders = orders.filter(owner_id__in=owners)
        active = (
            orders.exclude(status=OrderStatus.CANCELLED)
            .filter(ordered_on__gte=active_from, ordered_on__lte=until)
            .order_by()
            .values("account_id")
            .distinct()
            .count()
        )
    return CustomerCounts(new=int(found["new"] or 0), active=active, lapsed=total - active)
