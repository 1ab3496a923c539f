"""Writes on orders: from an accepted quote or entered directly (lines from the catalog or free text), header
edits with optimistic locking, and cancellation. Deliveries move an order's status (see `deliveries.py`).

Every door (web, API, demo) goes through these functions, so the rules hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.catalog.errors import PriceNotFound
from crm.catalog.selectors import price_get, tax_rate_get
from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.context import audit_context
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.sales.enums import DeliveryStatus, OrderStatus, QuoteStatus
from crm.sales.errors import OrderNotCancellable, QuoteAlreadyOrdered, QuoteNotAccepted
from crm.sales.events import OrderPlaced
from crm.sales.models import Delivery, Order, OrderLine, Quote
from crm.sales.models.lines import cost_total_of
from crm.sales.services.line_costs import unit_cost_clean
from crm.sales.services.numbering import number_next
from crm.sales.services.order_company_totals import order_company_totals_refresh
from crm.sales.services.purchases import account_purchases_refresh, purchase_keys
from crm.sales.services.values import text_clean, user_or_none

OBJECT_TYPE = "sales.order"
ORDER_SERIES = "order"
ORDER_PREFIX = "SO-"
# what `order_update` may change (status, lines, totals and numbers have their own services)
ORDER_UPDATE_FIELDS = frozenset(
    {"contact", "owner", "ordered_on", "customer_reference", "shipping_address", "notes"}
)
_CURRENCIES = frozenset(list_currencies())
MAX_QUANTITY = Decimal("999999999.999")
MAX_PRICE = Decimal("999999999999.99")


# --- values ------------------------------------------------------------------------------------------------


def decimal_parse(value: Any) -> Decimal | None:
    """A Decimal from a number or its text (`1,5` too), or None when it is not a finite number."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool) or value is None:
        return None
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return None
    return number if number.is_finite() else None


def quantity_clean(value: Any, *, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    """A positive quantity with at most three decimals, or an error under `field`."""
    number = decimal_parse(value)
    if number is None:
        errors[field] = [_("Enter a number.")]
        return None
    if number <= 0:
        errors[field] = [_("Enter a quantity greater than zero.")]
        return None
    if number > MAX_QUANTITY or number != number.quantize(Decimal("0.001")):
        errors[field] = [_("Enter a quantity below one billion with at most three decimals.")]
        return None
    return number.quantize(Decimal("0.001"))


def _percent(value: Any, *, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    number = decimal_parse(value)
    if number is None or not Decimal(0) <= number <= Decimal(100):
        errors[field] = [_("Enter a percentage between 0 and 100.")]
        return None
    return number.quantize(Decimal("0.0001"))


def currency_clean(value: Any, *, errors: dict[str, list[str]]) -> str:
    code = str(value or "").strip().upper()
    if code not in _CURRENCIES:
        errors["currency"] = [_("Enter an ISO 4217 currency code such as EUR or USD.")]
    return code


def date_clean(value: Any, *, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None
    return value


# --- lines -------------------------------------------------------------------------------------------------
def order_lines_build(
    *, lines: Sequence[Mapping[str, Any]], currency: str, on_date: dt.date, errors: dict[str, list[str]]
) -> list[OrderLine]:
    """Unsaved order lines from `lines` (each: `product` — a catalog Product or None — `description`,
    `quantity`, and optionally `unit_price`, `discount_percent`, `tax_rate`). A product without a unit price
    takes its price in `currency` on `on_date` from the price books, and its tax rate from the catalog; without
    a `unit_cost` it takes the product's catalog cost (converted to `currency`), kept on the line from then on.
    Errors are named `lines.<n>.<field>`."""
    built: list[OrderLine] = []
    if not lines:
        errors["lines"] = [_("Add at least one line.")]
        return built
    for i, raw in enumerate(lines):
        prefix = f"lines.{i}."
        product = raw.get("product")
        if product is not None and (
            getattr(product, "pk", None) is None
            or getattr(product, "deleted_at", None) is not None
            or not getattr(product, "is_active", False)
        ):
            errors[prefix + "product"] = [_("Choose an active product from the catalog.")]
            product = None
        description = text_clean(raw.get("description") or (product.name if product else ""), 300)
        if not description:
            errors[prefix + "description"] = [_("Describe the line or choose a product.")]
        quantity = quantity_clean(raw.get("quantity"), field=prefix + "quantity", errors=errors)
        unit_price: Decimal | None
        if raw.get("unit_price") in (None, ""):
            unit_price = None
            if product is not None:
                try:
                    quote = price_get(product=product, currency=currency, on_date=on_date)
                except PriceNotFound:
                    errors[prefix + "unit_price"] = [
                        _("No price book has a price for “%(product)s” in %(currency)s: enter a unit price.")
                        % {"product": product.name, "currency": currency}
                    ]
                else:
                    unit_price = quote.unit_price
            elif (prefix + "description") not in errors:
                errors[prefix + "unit_price"] = [_("Enter a unit price.")]
        else:
            unit_price = decimal_parse(raw.get("unit_price"))
            if unit_price is None or unit_price < 0 or unit_price > MAX_PRICE:
                errors[prefix + "unit_price"] = [_("Enter a price of zero or more.")]
                unit_price = None
            else:
                unit_price = unit_price.quantize(Decimal("0.01"))
        discount = _percent(
            raw.get("discount_percent") or 0, field=prefix + "discount_percent", errors=errors
        )
        raw_tax = raw.get("tax_rate")
        if raw_tax in (None, ""):
            tax_rate: Decimal | None = tax_rate_get(product=product) if product is not None else Decimal(0)
        else:
            tax_rate = _percent(raw_tax, field=prefix + "tax_rate", errors=errors)
        unit_cost = unit_cost_clean(
            raw.get("unit_cost"),
            product=product,
            currency=currency,
            on_date=on_date,
            field=prefix + "unit_cost",
            errors=errors,
        )
        if quantity is None or unit_price is None or discount is None or tax_rate is None:
            continue
        line = OrderLine(
            position=i + 1,
            product=product,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=tax_rate,
            unit_cost=unit_cost,
        )
        line.net_amount, line.tax_amount = line.line_amounts()
        built.append(line)
    return built


def _lines_save(order: Order, lines: list[OrderLine]) -> None:
    for line in lines:
        line.order = order
        line.save()


# --- create ------------------------------------------------------------------------------------------------
def _placed(order: Order, actor: Any) -> None:
    publish_on_commit(
        OrderPlaced(
            order_id=order.pk,
            opportunity_id=order.opportunity_id,
            quote_id=order.quote_id,
            actor_id=getattr(actor, "pk", None),
        )
    )


@transaction.atomic
def order_create(
    *,
    actor: Any,
    account: Any,
    lines: Sequence[Mapping[str, Any]],
    currency: str | None = None,
    owner: Any = None,
    contact: Any = None,
    opportunity: Any = None,
    ordered_on: dt.date | str | None = None,
    customer_reference: str = "",
    shipping_address: str = "",
    notes: str = "",
) -> Order:
    """An order entered directly (status confirmed), numbered `SO-00001`… Lines come from the catalog (a
    product with its price and tax) or are free text with a price. The currency defaults to the opportunity's
    (or the company's); an opportunity in another currency is a mismatch. Bad input raises InvalidInput naming
    each field (`lines.<n>.quantity`…) and stores nothing. Publishes OrderPlaced after commit."""
    errors: dict[str, list[str]] = {}
    if account is None or getattr(account, "pk", None) is None:
        raise InvalidInput(field_errors={"account": [_("Choose an account.")]})
    if actor is not None and not account_exists_visible(user=actor, pk=account.pk):
        raise InvalidInput(field_errors={"account": [_("Choose an account you can see.")]})
    owner = owner or user_or_none(actor) or account.owner
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    if contact is not None and (
        getattr(contact, "pk", None) is None
        or (actor is not None and not contact_exists_visible(user=actor, pk=contact.pk))
    ):
        errors["contact"] = [_("Choose a contact you can see.")]
    if opportunity is not None:
        if opportunity.account_id != account.pk:
            errors["opportunity"] = [_("Choose an opportunity of this account.")]
        elif actor is not None:
            try:
                record_authorize(actor=actor, record=opportunity, action="view")
            except RecordNotFound:
                errors["opportunity"] = [_("Choose an opportunity you can see.")]
    default_currency = (
        opportunity.currency if opportunity is not None else getattr(settings, "DEFAULT_CURRENCY", "EUR")
    )
    code = currency_clean(currency or default_currency, errors=errors)
    if opportunity is not None and "currency" not in errors and code != opportunity.currency:
        errors["currency"] = [
            _("The opportunity is in %(expected)s: its order must be in %(expected)s too, not %(given)s.")
            % {"expected": opportunity.currency, "given": code}
        ]
    day = date_clean(ordered_on or timezone.localdate(), field="ordered_on", errors=errors)
    built = order_lines_build(lines=lines, currency=code, on_date=day or timezone.localdate(), errors=errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    assert day is not None
    order = Order(
        account=account,
        contact=contact,
        owner=owner,
        opportunity=opportunity,
        currency=code,
        ordered_on=day,
        customer_reference=text_clean(customer_reference, 100),
        shipping_address=str(shipping_address or "").strip()[:2000],
        notes=str(notes or "").strip()[:10000],
    )
    order.totals_from(list(built))
    order.cost_total = cost_total_of(list(built))
    with audit_context(actor=actor):
        order.number = number_next(series=ORDER_SERIES, prefix=ORDER_PREFIX)
        order.save()
        _lines_save(order, built)
    order_company_totals_refresh(order_ids=[order.pk])
    account_purchases_refresh(order_ids=[order.pk])
    _placed(order, actor)
    return order


@transaction.atomic
def order_create_from_quote(
    *,
    actor: Any,
    quote: Quote,
    ordered_on: dt.date | str | None = None,
    customer_reference: str = "",
    shipping_address: str = "",
    notes: str = "",
) -> Order:
    """The order of an accepted quote: its account, recipient, owner, opportunity, currency and lines (prices,
    discounts and taxes as the customer accepted them). A quote that is not accepted (QuoteNotAccepted) or
    already has an order (QuoteAlreadyOrdered) is refused and nothing is stored."""
    locked = Quote.objects.select_for_update().filter(pk=quote.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="view")
    if locked.status != QuoteStatus.ACCEPTED:
        raise QuoteNotAccepted()
    if Order.all_objects.filter(quote_id=locked.pk).exists():
        raise QuoteAlreadyOrdered()
    owner = locked.owner if locked.owner.is_active else (user_or_none(actor) or locked.owner)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    errors: dict[str, list[str]] = {}
    day = date_clean(ordered_on or timezone.localdate(), field="ordered_on", errors=errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    assert day is not None
    lines = [
        OrderLine(
            position=line.position,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tax_rate=line.tax_rate,
            unit_cost=line.unit_cost,
            net_amount=line.net_amount,
            tax_amount=line.tax_amount,
        )
        for line in locked.lines.order_by("position", "id")
    ]
    if not lines:
        raise InvalidInput(field_errors={"lines": [_("The quote has no lines to order.")]})
    order = Order(
        account_id=locked.account_id,
        contact_id=locked.contact_id,
        owner=owner,
        opportunity_id=locked.opportunity_id,
        quote=locked,
        currency=locked.currency,
        ordered_on=day,
        customer_reference=text_clean(customer_reference, 100),
        shipping_address=str(shipping_address or "").strip()[:2000],
        notes=str(notes or "").strip()[:10000],
    )
    order.totals_from(list(lines))
    order.cost_total = cost_total_of(list(lines))
    try:
        with (
            transaction.atomic(),
            audit_context(actor=actor, reason=_("From quote %(quote)s") % {"quote": locked.label}),
        ):
            order.number = number_next(series=ORDER_SERIES, prefix=ORDER_PREFIX)
            order.save()
            _lines_save(order, lines)
    except IntegrityError:  # the one-to-one on the quote: another request converted it first
        raise QuoteAlreadyOrdered() from None
    order_company_totals_refresh(order_ids=[order.pk])
    account_purchases_refresh(order_ids=[order.pk])
    _placed(order, actor)
    return order


# --- change ------------------------------------------------------------------------------------------------
def order_locked(order: Order, *, actor: Any, expected_version: int | None) -> Order:
    locked = Order.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


@transaction.atomic
def order_update(*, actor: Any, order: Order, expected_version: int | None = None, **changes: Any) -> Order:
    """Change the order's header (contact, owner, order date, customer's reference, shipping address, notes).
    `expected_version` refuses a save over someone else's newer edit (ConcurrentEdit): nothing is written."""
    unknown = sorted(set(changes) - ORDER_UPDATE_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
    locked = order_locked(order, actor=actor, expected_version=expected_version)
    before = purchase_keys([locked])
    errors: dict[str, list[str]] = {}
    if "owner" in changes:
        owner = changes["owner"]
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = [_("Choose an active user.")]
        else:
            if owner.pk != locked.owner_id:
                record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
            locked.owner = owner
    if "contact" in changes:
        contact = changes["contact"]
        if contact is not None and (
            getattr(contact, "pk", None) is None
            or (actor is not None and not contact_exists_visible(user=actor, pk=contact.pk))
        ):
            errors["contact"] = [_("Choose a contact you can see.")]
        else:
            locked.contact = contact
    if "ordered_on" in changes:
        day = date_clean(changes["ordered_on"], field="ordered_on", errors=errors)
        if day is not None:
            locked.ordered_on = day
    if "customer_reference" in changes:
        locked.customer_reference = text_clean(changes["customer_reference"], 100)
    if "shipping_address" in changes:
        locked.shipping_address = str(changes["shipping_address"] or "").strip()[:2000]
    if "notes" in changes:
        locked.notes = str(changes["notes"] or "").strip()[:10000]
    if errors:
        raise InvalidInput(field_errors=errors)
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    order_company_totals_refresh(order_ids=[locked.pk])
    account_purchases_refresh(order_ids=[locked.pk], before=before)
    return locked


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, expected_version: int | None = None, reason: str = "") -> Order:
    """Cancel an order of which nothing was shipped or delivered; its pending deliveries are cancelled with
    it. Refused (OrderNotCancellable) otherwise, changing nothing."""
    locked = order_locked(order, actor=actor, expected_version=expected_version)
    if locked.status == OrderStatus.CANCELLED:
        return locked
    deliveries = list(
        Delivery.objects.select_for_update()
        .filter(order_id=locked.pk)
        .exclude(status=DeliveryStatus.CANCELLED)
    )
    moved = any(d.status != DeliveryStatus.PENDING for d in deliveries)
    if (
        moved
        or locked.status != OrderStatus.CONFIRMED
        or locked.lines.filter(quantity_delivered__gt=0).exists()
    ):
        raise OrderNotCancellable()
    why = text_clean(reason, 300) or None
    with audit_context(actor=actor, reason=why):
        for delivery in deliveries:
            delivery.status = DeliveryStatus.CANCELLED
            delivery.version += 1
            delivery.save()
        locked.status = OrderStatus.CANCELLED
        locked.version += 1
        locked.save()
    account_purchases_refresh(order_ids=[locked.pk])
    return locked
