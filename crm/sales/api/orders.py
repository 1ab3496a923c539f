"""API: orders (entered directly or from an accepted quote) and their deliveries (partial or full; shipped,
delivered, cancelled).

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize. Field
errors use the API's names (`lines.0.product_id`, `lines.1.quantity`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_get, contact_get
from crm.core.api.errors import query_errors
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.sales.schemas.orders import (
    CancelIn,
    DeliverIn,
    DeliveryDetailOut,
    DeliveryIn,
    DeliveryPage,
    OrderDetailOut,
    OrderFromQuoteIn,
    OrderIn,
    OrderPage,
    OrderPatch,
    ShipIn,
)
from crm.sales.selectors import opportunities as opportunity_selectors
from crm.sales.selectors import orders as selectors
from crm.sales.services import deliveries as delivery_services
from crm.sales.services import orders as order_services

if TYPE_CHECKING:
    from crm.sales.models import Order

router = Router()
orders = Router(tags=["orders"])
deliveries = Router(tags=["deliveries"])
router.add_router("/orders", orders)
router.add_router("/deliveries", deliveries)

_SUFFIXES = {"product": "product_id", "order_line": "order_line_id"}
_NAMES = {
    "owner": "owner_id",
    "account": "account_id",
    "contact": "contact_id",
    "opportunity": "opportunity_id",
}


@contextlib.contextmanager
def api_field_names() -> Iterator[None]:
    """Report a service's field errors under the API's names (`lines.0.product` → `lines.0.product_id`)."""
    try:
        yield
    except DomainError as exc:
        if exc.field_errors:
            renamed = {}
            for key, messages in exc.field_errors.items():
                head, dot, last = key.rpartition(".")
                if dot and last in _SUFFIXES:
                    key = f"{head}.{_SUFFIXES[last]}"
                renamed[_NAMES.get(key, key)] = messages
            exc.field_errors = renamed
        raise


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def _order_detail(user: Any, pk: int) -> Order:
    order = selectors.order_get(user=user, pk=pk)
    order.delivery_rows = selectors.order_deliveries(user=user, order=order)  # type: ignore[attr-defined]
    return order


def _ref(getter: Any, user: Any, pk: int | None, field: str, message: str) -> Any:
    if pk is None:
        return None
    try:
        return getter(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={field: [message]}) from None


# --- orders -------------------------------------------------------------------------------------------------
@orders.get("", response=OrderPage, openapi_extra=list_openapi(selectors.ORDER_LIST))
def order_list(request: HttpRequest) -> Any:
    """Orders the caller may see (`?status=partially_delivered&account=12&ordered_on__gte=2026-01-01`)."""
    with query_errors():
        return selectors.order_list(user=_user(request), params=request.GET, **page_args(request))


@orders.post("", response={201: OrderDetailOut})
def order_create(request: HttpRequest, payload: OrderIn) -> Any:
    """An order entered directly. Each line is a catalog product (`product_id`: its price in the order's
    currency and its tax from the catalog, unless `unit_price`/`tax_rate` are sent) or a `description` with a
    `unit_price`. 422 names each bad field (`lines.1.quantity`); nothing is stored then."""
    user = _user(request)
    data = payload.model_dump()
    with api_field_names():
        account = _ref(
            account_get, user, data.pop("account_id"), "account_id", _("Choose an account you can see.")
        )
        contact = _ref(
            contact_get, user, data.pop("contact_id"), "contact_id", _("Choose a contact you can see.")
        )
        opportunity = _ref(
            opportunity_selectors.opportunity_get,
            user,
            data.pop("opportunity_id"),
            "opportunity_id",
            _("Choose an opportunity you can see."),
        )
        owner_id = data.pop("owner_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        lines, errors = [], {}
        for i, line in enumerate(data.pop("lines")):
            product_id = line.pop("product_id")
            product = None
            if product_id is not None:
                try:
                    product = product_get(user=user, pk=product_id)
                except RecordNotFound:
                    errors[f"lines.{i}.product_id"] = [_("Choose a product from the catalog.")]
            lines.append({**line, "product": product})
        if errors:
            raise InvalidInput(field_errors=errors)
        order = order_services.order_create(
            actor=user,
            account=account,
            contact=contact,
            opportunity=opportunity,
            owner=owner,
            lines=lines,
            **data,
        )
    return Status(201, _order_detail(user, order.pk))


@orders.post("/from-quote", response={201: OrderDetailOut})
def order_create_from_quote(request: HttpRequest, payload: OrderFromQuoteIn) -> Any:
    """The order of an accepted quote (its account, recipient, owner, opportunity, currency and lines). 409 when
    the quote is not accepted or already has an order; 422 `quote_id` for a quote the caller cannot see."""
    user = _user(request)
    data = payload.model_dump()
    quote = selectors.quote_visible(user=user, pk=data.pop("quote_id"))
    if quote is None:
        raise InvalidInput(field_errors={"quote_id": [_("Choose a quote you can see.")]})
    with api_field_names():
        order = order_services.order_create_from_quote(actor=user, quote=quote, **data)
    return Status(201, _order_detail(user, order.pk))


@orders.get("/{int:order_id}", response=OrderDetailOut)
def order_get(request: HttpRequest, order_id: int, response: HttpResponse) -> Any:
    """An order with its lines (ordered, delivered and invoiced quantities) and its deliveries."""
    order = _order_detail(_user(request), order_id)
    _etag(response, order.version)
    return order


@orders.patch("/{int:order_id}", response=OrderDetailOut)
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch, response: HttpResponse) -> Any:
    """Change the header fields sent. Send `version` (or `If-Match`): a stale version answers 409."""
    user = _user(request)
    order = selectors.order_get(user=user, pk=order_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with api_field_names():
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        if "contact_id" in changes:
            changes["contact"] = _ref(
                contact_get, user, changes.pop("contact_id"), "contact_id", _("Choose a contact you can see.")
            )
        order_services.order_update(actor=user, order=order, expected_version=version, **changes)
    order = _order_detail(user, order_id)
    _etag(response, order.version)
    return order


@orders.post("/{int:order_id}/cancel", response=OrderDetailOut)
def order_cancel(request: HttpRequest, order_id: int, payload: CancelIn) -> Any:
    """Cancel an order of which nothing was shipped or delivered (409 otherwise); its pending deliveries are
    cancelled with it."""
    user = _user(request)
    order = selectors.order_get(user=user, pk=order_id)
    order_services.order_cancel(
        actor=user, order=order, expected_version=payload.version, reason=payload.reason
    )
    return _order_detail(user, order_id)


# --- deliveries ---------------------------------------------------------------------------------------------
@deliveries.get("", response=DeliveryPage, openapi_extra=list_openapi(selectors.DELIVERY_LIST))
def delivery_list(request: HttpRequest) -> Any:
    """Deliveries the caller may see (`?status=shipped&order=4`)."""
    with query_errors():
        return selectors.delivery_list(user=_user(request), params=request.GET, **page_args(request))


@deliveries.post("", response={201: DeliveryDetailOut})
def delivery_create(request: HttpRequest, payload: DeliveryIn) -> Any:
    """A pending delivery of some or all of an order's lines. More than what remains to deliver of a line is
    refused naming it (`lines.0.quantity`, 422); serial numbers, when sent, are one per unit."""
    user = _user(request)
    order = _ref(selectors.order_get, user, payload.order_id, "order_id", _("Choose an order you can see."))
    with api_field_names():
        delivery = delivery_services.delivery_create(
            actor=user,
            order=order,
            lines=[(line.order_line_id, line.quantity, line.serial_numbers) for line in payload.lines],
            carrier=payload.carrier,
            tracking_number=payload.tracking_number,
            notes=payload.notes,
        )
    return Status(201, selectors.delivery_get(user=user, pk=delivery.pk))


@deliveries.get("/{int:delivery_id}", response=DeliveryDetailOut)
def delivery_get(request: HttpRequest, delivery_id: int, response: HttpResponse) -> Any:
    delivery = selectors.delivery_get(user=_user(request), pk=delivery_id)
    _etag(response, delivery.version)
    return delivery


@deliveries.post("/{int:delivery_id}/ship", response=DeliveryDetailOut)
def delivery_ship(request: HttpRequest, delivery_id: int, payload: ShipIn) -> Any:
    """A pending delivery leaves (409 otherwise); the carrier and tracking number may be set now."""
    user = _user(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id)
    delivery_services.delivery_ship(
        actor=user,
        delivery=delivery,
        expected_version=payload.version,
        at=payload.shipped_at,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
    )
    return selectors.delivery_get(user=user, pk=delivery_id)


@deliveries.post("/{int:delivery_id}/deliver", response=DeliveryDetailOut)
def delivery_deliver(request: HttpRequest, delivery_id: int, payload: DeliverIn) -> Any:
    """The customer received it: the order's delivered quantities and status, and the customer's assets."""
    user = _user(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id)
    delivery_services.delivery_mark_delivered(
        actor=user, delivery=delivery, expected_version=payload.version, at=payload.delivered_at
    )
    return selectors.delivery_get(user=user, pk=delivery_id)


@deliveries.post("/{int:delivery_id}/cancel", response=DeliveryDetailOut)
def delivery_cancel(request: HttpRequest, delivery_id: int, payload: CancelIn) -> Any:
    """Cancel a delivery that was not delivered yet (409 otherwise)."""
    user = _user(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id)
    delivery_services.delivery_cancel(
        actor=user, delivery=delivery, expected_version=payload.version, reason=payload.reason
    )
    return selectors.delivery_get(user=user, pk=delivery_id)
