"""API: the installed base — what each customer owns, which customers own a product, whose warranty ends.

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_get
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.core.errors import InvalidInput, RecordNotFound
from crm.sales.schemas.assets import (
    AssetDetailOut,
    AssetIn,
    AssetPage,
    AssetPatch,
    ProductOwnerPage,
    ReturnIn,
)
from crm.sales.selectors import assets as selectors
from crm.sales.services import assets as services

router = Router()
assets = Router(tags=["assets"])
router.add_router("/assets", assets)

FIELD_NAMES = {"account": "account_id", "product": "product_id", "owner": "owner_id"}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@assets.get("", response=AssetPage, openapi_extra=list_openapi(selectors.ASSET_LIST))
def asset_list(request: HttpRequest) -> Any:
    """Assets the caller may see (`?product=3&status=active&warranty_until__gte=2026-12-01&warranty_until__lte=2026-12-31`)."""
    with query_errors():
        return selectors.asset_list(user=_user(request), params=request.GET, **page_args(request))


@assets.get("/owners", response=ProductOwnerPage)
def asset_owners(
    request: HttpRequest, product_id: int, cursor: str | None = None, limit: int | None = None
) -> Any:
    """Which customers own product `product_id`: accounts with the quantity they own (returned assets left
    out), by account name, in keyset pages."""
    user = _user(request)
    try:
        product = product_get(user=user, pk=product_id)
    except RecordNotFound:
        raise InvalidInput(field_errors={"product_id": [_("Choose a product from the catalog.")]}) from None
    with query_errors():
        return selectors.asset_owners_of_product(user=user, product=product, cursor=cursor, limit=limit)


@assets.get("/warranty-ending", response=AssetPage)
def assets_warranty_ending(
    request: HttpRequest, start: dt.date, end: dt.date, cursor: str | None = None, limit: int | None = None
) -> Any:
    """Active assets whose warranty ends between `start` and `end` (included), soonest first."""
    with query_errors():
        return selectors.assets_warranty_ending(
            user=_user(request), start=start, end=end, cursor=cursor, limit=limit
        )


@assets.post("", response={201: AssetDetailOut})
def asset_create(request: HttpRequest, payload: AssetIn) -> Any:
    """Record an asset by hand. The warranty defaults to the configured months after `delivered_on`."""
    user = _user(request)
    data = payload.model_dump()
    with renamed_fields(FIELD_NAMES):
        try:
            account = account_get(user=user, pk=data.pop("account_id"))
        except RecordNotFound:
            raise InvalidInput(field_errors={"account_id": [_("Choose an account you can see.")]}) from None
        try:
            product = product_get(user=user, pk=data.pop("product_id"))
        except RecordNotFound:
            raise InvalidInput(
                field_errors={"product_id": [_("Choose a product from the catalog.")]}
            ) from None
        asset = services.asset_create(actor=user, account=account, product=product, **data)
    return Status(201, selectors.asset_get(user=user, pk=asset.pk))


@assets.get("/{int:asset_id}", response=AssetDetailOut)
def asset_get(request: HttpRequest, asset_id: int, response: HttpResponse) -> Any:
    asset = selectors.asset_get(user=_user(request), pk=asset_id)
    response["ETag"] = f'"{asset.version}"'
    return asset


@assets.patch("/{int:asset_id}", response=AssetDetailOut)
def asset_update(request: HttpRequest, asset_id: int, payload: AssetPatch, response: HttpResponse) -> Any:
    """Change the fields sent; a stale `version` (or If-Match) answers 409 and changes nothing."""
    user = _user(request)
    asset = selectors.asset_get(user=user, pk=asset_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(FIELD_NAMES):
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        services.asset_update(actor=user, asset=asset, expected_version=version, **changes)
    asset = selectors.asset_get(user=user, pk=asset_id)
    response["ETag"] = f'"{asset.version}"'
    return asset


@assets.post("/{int:asset_id}/return", response=AssetDetailOut)
def asset_return(request: HttpRequest, asset_id: int, payload: ReturnIn) -> Any:
    """The customer gave it back (409 when it already was returned)."""
    user = _user(request)
    asset = selectors.asset_get(user=user, pk=asset_id)
    services.asset_mark_returned(
        actor=user, asset=asset, expected_version=payload.version, reason=payload.reason
    )
    return selectors.asset_get(user=user, pk=asset_id)
