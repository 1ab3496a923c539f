"""Permission-scoped reads of the installed base: the asset list, an asset, what an account owns, which
customers own a product, whose warranty ends in a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.listing import (
    FilterField,
    ListSpec,
    Page,
    SortField,
    capped_count,
    decode_cursor,
    encode_cursor,
    parse_limit,
)
from crm.sales.enums import AssetStatus
from crm.sales.models import Asset
from crm.sales.selectors.common import attach_owners, record_pk

ASSET_OBJECT_TYPE = "sales.asset"
OWNED_STATUSES = (AssetStatus.ACTIVE, AssetStatus.EXPIRED)  # what a customer still has (not returned)

ASSET_LIST = ListSpec(
    object_type=ASSET_OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", gettext_lazy("Status"), tuple(AssetStatus.choices)),
        FilterField("product", "product", "fk", gettext_lazy("Product")),
        FilterField("account", "account", "fk", gettext_lazy("Account")),
        FilterField("order", "order", "fk", gettext_lazy("Order")),
        FilterField("owner", "owner", "user", gettext_lazy("Owner")),
        FilterField("serial_number", "serial_number", "text", gettext_lazy("Serial number")),
        FilterField("delivered_on", "delivered_on", "date", gettext_lazy("Delivered on")),
        FilterField("warranty_until", "warranty_until", "date", gettext_lazy("Warranty until")),
    ),
    sorts=(
        SortField("warranty_until", "warranty_until", gettext_lazy("Warranty until")),
        SortField("delivered_on", "delivered_on", gettext_lazy("Delivered on")),
        SortField("name", "name", gettext_lazy("Name")),
        SortField("created_at", "created_at", gettext_lazy("Created")),
    ),
    default_sort="-created_at",
    search_paths=("name", "serial_number", "account__name"),
)


def asset_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Asset]:
    qs: QuerySet[Asset] = Asset.objects.visible_to(user, action)
    if params:
        qs = ASSET_LIST.apply(qs, params, user=user)
    return qs


def asset_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the assets `user` may see (filters: see ASSET_LIST); two queries."""
    qs = asset_query(user=user, params=params).select_related("account", "product")
    page = ASSET_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def asset_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(asset_query(user=user, params=params))


def asset_get(*, user: Any, pk: int | str, action: str = "view") -> Asset:
    asset = (
        Asset.objects.visible_to(user, action)
        .select_related("account", "product", "owner", "order", "delivery_line__delivery", "contract")
        .filter(pk=record_pk(pk))
        .first()
    )
    if asset is None:
        raise RecordNotFound()
    return asset


def asset_exists_visible(*, user: Any, pk: int) -> bool:
    return Asset.objects.visible_to(user).filter(pk=pk).exists()


def account_assets(*, user: Any, account_id: int, limit: int = 20) -> list[Asset]:
    """What the customer owns (not returned), newest deliveries first (the account page's panel)."""
    qs = (
        Asset.objects.visible_to(user)
        .filter(account_id=account_id, status__in=OWNED_STATUSES)
        .select_related("product")
        .order_by("status", "-delivered_on", "-id")
    )
    return list(qs[:limit])


@dataclass(frozen=True)
class ProductOwner:
    """One customer owning a product: how many units, in how many assets, the latest delivery."""

    account_id: int
    account_name: str
    quantity: Decimal
    assets: int
    last_delivered_on: dt.date | None


def asset_owners_of_product(
    *,
    user: Any,
    product: Any,
    cursor: str | None = None,
    limit: int | str | None = None,
    include_expired: bool = True,
) -> Page:
    """ "Which customers own product X": the accounts holding (not returned) assets of `product` that `user`
    may see, with the quantity they own, by account name — keyset pages on (name, account id), one query."""
    size = parse_limit(limit)
    statuses = OWNED_STATUSES if include_expired else (AssetStatus.ACTIVE,)
    qs = Asset.objects.visible_to(user).filter(product_id=product.pk, status__in=statuses)
    if cursor:
        name, last_id = decode_cursor(cursor)
        qs = qs.filter(
            Q(account__name__gt=name) | Q(account__name=name, account_id__gt=last_id), account__name__gte=name
        )
    rows = list(
        qs.values("account_id", "account__name")
        .annotate(quantity=Sum("quantity"), assets=Count("id"), last=Max("delivered_on"))
        .order_by("account__name", "account_id")[: size + 1]
    )
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1]["account__name"], rows[-1]["account_id"])
    items = [
        ProductOwner(
            account_id=r["account_id"],
            account_name=r["account__name"],
            quantity=Decimal(r["quantity"] or 0).quantize(Decimal("0.001")),
            assets=r["assets"],
            last_delivered_on=r["last"],
        )
        for r in rows
    ]
    return Page(items=items, next_cursor=next_cursor, sort="account", limit=size)


def assets_warranty_ending(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """ "Whose warranty ends this month": active assets `user` may see whose warranty ends between `start` and
    `end` (both included), soonest first — keyset pages on (warranty_until, id), index
    `sales_asset_warranty_idx`."""
    if end < start:
        raise InvalidInput(field_errors={"end": [_("The end cannot be before the start.")]})
    qs = (
        Asset.objects.visible_to(user)
        .filter(status=AssetStatus.ACTIVE, warranty_until__gte=start, warranty_until__lte=end)
        .select_related("account", "product")
    )
    page = ASSET_LIST.paginate(qs, sort="warranty_until", cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def product_choices(*, user: Any, limit: int = 500) -> list[tuple[int, str]]:
    """(id, "name · SKU") of the active catalog products `user` may see, for pickers."""
    from crm.catalog.selectors import product_query

    rows = (
        product_query(user=user)
        .filter(is_active=True)
        .order_by("name", "id")
        .values_list("id", "name", "sku")
    )
    return [(pk, f"{name} · {sku}") for pk, name, sku in rows[:limit]]
