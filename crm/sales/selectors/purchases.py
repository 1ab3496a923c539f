"""Which customers ordered when, read from the per-account purchase summary (`AccountPurchases`: the standing
orders' first and last date per account × order owner) instead of every order: the dashboards' new / active /
lapsed customers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q

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
    lapsed. The same figures as grouping the orders themselves by account (the tests prove it), in two queries
    over the summary's rows: first and last order dates alone cannot tell whether a row with orders both before
    `active_from` and after `until` (orders dated ahead) ordered in between, so such a row looks for one such
    order of its account and owner."""
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    if scope is None or owners == []:
        return CustomerCounts(new=0, active=0, lapsed=0)
    rows = AccountPurchases.objects.filter(scope) if scope else AccountPurchases.objects.all()
    if owners is not None:
        rows = rows.filter(owner_id__in=owners)
    rows = rows.filter(first_on__lte=until).order_by()
    found = (
        rows.values("account_id")
        .annotate(first=Min("first_on"))
        .aggregate(
            new=Count("account_id", filter=Q(first__gte=new_start, first__lt=new_end)),
            total=Count("account_id"),
        )
    )
    # a row ordered in [active_from, until] when its last order falls there, or its first one; a row with orders
    # before and after those days asks its orders (one index probe on the account's orders)
    between = Order.objects.exclude(status=OrderStatus.CANCELLED).filter(
        account_id=OuterRef("account_id"),
        owner_id=OuterRef("owner_id"),
        ordered_on__gte=active_from,
        ordered_on__lte=until,
    )
    active = (
        rows.filter(
            Q(last_on__gte=active_from, last_on__lte=until)
            | Q(first_on__gte=active_from)
            | (Q(first_on__lt=active_from, last_on__gt=until) & Exists(between))
        )
        .values("account_id")
        .distinct()
        .count()
    )
    total = int(found["total"] or 0)
    return CustomerCounts(new=int(found["new"] or 0), active=active, lapsed=total - active)
