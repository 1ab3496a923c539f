"""Order and delivery pages: the lists, the order page (lines with delivered quantities, its deliveries, the
new-delivery form, ship/deliver/cancel), the delivery page, the new-order form (direct or from an accepted
quote) and the account page's "Orders & deliveries" panel.

Thin: parse, call one selector or service, render. Refusals become inline errors or toasts; nothing changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_choices, account_get
from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.sales.enums import DeliveryStatus, OrderStatus
from crm.sales.order_forms import DeliveryForm, FromQuoteForm, OrderForm, VersionForm, line_rows
from crm.sales.selectors import orders as selectors
from crm.sales.selectors.assets import product_choices
from crm.sales.selectors.invoices import order_invoices
from crm.sales.services import deliveries as delivery_services
from crm.sales.services import orders as order_services
from crm.sales.views.common import list_context

ORDER_TYPE = "sales.order"
DELIVERY_TYPE = "sales.delivery"
ORDER_VARIANTS: dict[str, str] = {
    OrderStatus.CONFIRMED: "info",
    OrderStatus.PARTIALLY_DELIVERED: "warning",
    OrderStatus.DELIVERED: "success",
    OrderStatus.CANCELLED: "neutral",
}
DELIVERY_VARIANTS: dict[str, str] = {
    DeliveryStatus.PENDING: "neutral",
    DeliveryStatus.SHIPPED: "info",
    DeliveryStatus.DELIVERED: "success",
    DeliveryStatus.CANCELLED: "danger",
}


def _may(user: Any, record: Any, getter: Any, action: str = "change") -> bool:
    try:
        getter(user=user, pk=record.pk, action=action)
    except RecordNotFound:
        return False
    return True


def _error_text(exc: DomainError) -> str:
    parts = [" ".join(str(m) for m in msgs) for msgs in exc.field_errors.values()]
    return " ".join([exc.message, *parts]) if parts else exc.message


# --- orders -------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def order_list(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, ORDER_TYPE, "view"):
        raise RecordNotFound()
    context = list_context(
        request, list_fn=selectors.order_list, count_fn=selectors.order_count, spec=selectors.ORDER_LIST
    )
    context.update(
        rows=[{"o": o, "variant": ORDER_VARIANTS.get(o.status, "neutral")} for o in context["page"].items],
        statuses=OrderStatus.choices,
        can_create=user_can(request.user, ORDER_TYPE, "create"),
    )
    return render(request, "sales/orders/order_list.html", context)


def _order_context(request: HttpRequest, order: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_change = _may(user, order, selectors.order_get)
    lines = selectors.order_line_choices(order=order)
    deliveries = selectors.order_deliveries(user=user, order=order)
    descriptions = {line.pk: line.description for line in lines}
    is_open = order.status in (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_DELIVERED)
    return {
        "o": order,
        "variant": ORDER_VARIANTS.get(order.status, "neutral"),
        "lines": lines,
        "deliveries": [
            {
                "d": d,
                "variant": DELIVERY_VARIANTS.get(d.status, "neutral"),
                "items": [(descriptions.get(dl.order_line_id, ""), dl.quantity) for dl in d.lines.all()],
            }
            for d in deliveries
        ],
        "can_change": can_change,
        "can_deliver": can_change and is_open and any(getattr(line, "remaining", 0) > 0 for line in lines),
        "can_cancel": can_change
        and order.status == OrderStatus.CONFIRMED
        and all(d.status in (DeliveryStatus.PENDING, DeliveryStatus.CANCELLED) for d in deliveries),
        "invoices": order_invoices(user=user, order_id=order.pk),
        "can_invoice": user_can(user, "sales.invoice", "create")
        and order.status != OrderStatus.CANCELLED
        and any(line.quantity_invoiced < line.quantity for line in lines),
        "delivery_form": extra.pop("delivery_form", None) or DeliveryForm(),
        "delivery_values": extra.pop("delivery_values", {}),
        "delivery_errors": extra.pop("delivery_errors", {}),
        "timeline_url": reverse("activities:timeline", args=[ORDER_TYPE, order.pk]),
        "units_ordered": sum((line.quantity for line in lines), Decimal(0)),
        "units_delivered": sum((line.quantity_delivered for line in lines), Decimal(0)),
        **extra,
    }


@login_required
@require_GET
@domain_view
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    context = _order_context(request, order, delivery_open=request.GET.get("deliver") == "1")
    return render(request, "sales/orders/order_detail.html", context)


def _order_lines(request: HttpRequest, rows: list[dict[str, str]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows as service lines, and each one's row index (to put errors back on the right row)."""
    lines: list[dict[str, Any]] = []
    index: list[int] = []
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        product = None
        if row["product"]:
            try:
                product = product_get(user=request.user, pk=row["product"])
            except RecordNotFound:
                errors[f"lines.{len(lines)}.product"] = [_("Choose a product from the catalog.")]
        lines.append(
            {
                "product": product,
                "description": row["description"],
                "quantity": row["quantity"],
                "unit_price": row["unit_price"] or None,
                "unit_cost": row["unit_cost"] or None,
                "discount_percent": row["discount_percent"] or 0,
            }
        )
        index.append(i)
    if errors:
        raise InvalidInput(field_errors=errors)
    return lines, index


@login_required
@domain_view
def order_create(request: HttpRequest) -> HttpResponse:
    """The new-order form: lines from the catalog or free text; or an accepted quote turned into its order."""
    user = request.user
    if not user_can(user, ORDER_TYPE, "create"):
        raise RecordNotFound()
    accounts = account_choices(user=user)
    data = request.POST if request.method == "POST" else None
    form = OrderForm(
        data,
        accounts=accounts,
        initial={"account": request.GET.get("account"), "currency": "EUR"},
    )
    rows = line_rows(data)
    row_errors: dict[int, dict[str, list[str]]] = {}
    status = 200
    if data is not None and form.is_valid():
        index: list[int] = []
        try:
            lines, index = _order_lines(request, rows)
            account = account_get(user=user, pk=form.cleaned_data["account"])
            order = order_services.order_create(
                actor=user,
                account=account,
                lines=lines,
                currency=form.cleaned_data["currency"],
                ordered_on=form.cleaned_data["ordered_on"],
                customer_reference=form.cleaned_data["customer_reference"],
                shipping_address=form.cleaned_data["shipping_address"],
                notes=form.cleaned_data["notes"],
            )
        except RecordNotFound:
            form.add_error("account", _("Choose an account you can see."))
        except DomainError as exc:
            for key, msgs in exc.field_errors.items():
                if key.startswith("lines."):
                    _lines, n, name = key.split(".", 2)
                    row = index[int(n)] if int(n) < len(index) else 0
                    row_errors.setdefault(row, {})[name] = msgs
                elif key in form.fields:
                    form.add_error(key, msgs)
                else:
                    form.add_error(None, msgs)
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Order %(number)s created.") % {"number": order.number})
            return redirect(order.get_absolute_url())
    if data is not None and (form.errors or row_errors):
        status = 422
    context = {
        "form": form,
        "rows": [{"values": row, "errors": row_errors.get(i, {})} for i, row in enumerate(rows)],
        "products": product_choices(user=user),
        "quote_form": FromQuoteForm(quotes=selectors.accepted_quote_choices(user=user)),
        "cancel_url": reverse("sales:order_list"),
    }
    return render(request, "sales/orders/order_form.html", context, status=status)


@login_required
@require_POST
@domain_view
def order_from_quote(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    form = FromQuoteForm(request.POST, quotes=selectors.accepted_quote_choices(user=user))
    if not form.is_valid():
        messages.error(request, _("Choose an accepted quote that has no order yet."))
        return redirect("sales:order_create")
    quote = selectors.quote_visible(user=user, pk=form.cleaned_data["quote"])
    if quote is None:
        raise RecordNotFound()
    try:
        order = order_services.order_create_from_quote(actor=user, quote=quote)
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, _error_text(exc))
        return redirect("sales:order_create")
    messages.success(request, _("Order %(number)s created from the quote.") % {"number": order.number})
    return redirect(order.get_absolute_url())


@login_required
@require_POST
@domain_view
def order_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = selectors.order_get(user=request.user, pk=pk)
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        order_services.order_cancel(
            actor=request.user,
            order=order,
            expected_version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason") or "",
        )
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Order %(number)s cancelled.") % {"number": order.number})
    return redirect(order.get_absolute_url())


@login_required
@require_POST
@domain_view
def delivery_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The order page's "New delivery" form: a quantity (and serial numbers) per line."""
    order = selectors.order_get(user=request.user, pk=pk)
    form = DeliveryForm(request.POST)
    values: dict[int, dict[str, str]] = {}
    requested: list[tuple[int, str, str]] = []
    for line in order.lines.all():
        quantity = (request.POST.get(f"qty-{line.pk}") or "").strip()
        serials = request.POST.get(f"serials-{line.pk}") or ""
        values[line.pk] = {"qty": quantity, "serials": serials}
        if quantity and decimal_or_text(quantity) != Decimal(0):
            requested.append((line.pk, quantity, serials))
    line_errors: dict[int, list[str]] = {}
    if form.is_valid():
        try:
            delivery = delivery_services.delivery_create(
                actor=request.user,
                order=order,
                lines=requested,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except InvalidInput as exc:
            for key, msgs in exc.field_errors.items():
                if key.startswith("lines."):
                    n = int(key.split(".")[1])
                    line_errors.setdefault(requested[n][0], []).extend(msgs)
                else:
                    form.add_error(None, msgs)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Delivery %(number)s created.") % {"number": delivery.number})
            return redirect(order.get_absolute_url())
    context = _order_context(
        request,
        order,
        delivery_form=form,
        delivery_values=values,
        delivery_errors=line_errors,
        delivery_open=True,
    )
    return render(request, "sales/orders/order_detail.html", context, status=422)


def decimal_or_text(value: str) -> Decimal | str:
    try:
        return Decimal(value.replace(",", "."))
    except ArithmeticError:
        return value


# --- deliveries ---------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def delivery_list(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, DELIVERY_TYPE, "view"):
        raise RecordNotFound()
    context = list_context(
        request,
        list_fn=selectors.delivery_list,
        count_fn=selectors.delivery_count,
        spec=selectors.DELIVERY_LIST,
    )
    context.update(
        rows=[{"d": d, "variant": DELIVERY_VARIANTS.get(d.status, "neutral")} for d in context["page"].items],
        statuses=DeliveryStatus.choices,
    )
    return render(request, "sales/orders/delivery_list.html", context)


@login_required
@require_GET
@domain_view
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    context = {
        "d": delivery,
        "variant": DELIVERY_VARIANTS.get(delivery.status, "neutral"),
        "can_change": _may(request.user, delivery, selectors.delivery_get),
        "timeline_url": reverse("activities:timeline", args=[DELIVERY_TYPE, delivery.pk]),
    }
    return render(request, "sales/orders/delivery_detail.html", context)


_MOVES: dict[str, tuple[Any, Any]] = {
    "ship": (delivery_services.delivery_ship, _("Delivery %(number)s shipped.")),
    "deliver": (delivery_services.delivery_mark_delivered, _("Delivery %(number)s delivered.")),
    "cancel": (delivery_services.delivery_cancel, _("Delivery %(number)s cancelled.")),
}


@login_required
@require_POST
@domain_view
def delivery_move(request: HttpRequest, pk: int, move: str) -> HttpResponseBase:
    """Ship, deliver or cancel a delivery (buttons on the order and delivery pages)."""
    if move not in _MOVES:
        raise Http404()
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    service, done = _MOVES[move]
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        service(actor=request.user, delivery=delivery, expected_version=form.cleaned_data.get("version"))
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, str(done) % {"number": delivery.number})
    back = request.POST.get("next")
    if back == "delivery":
        return redirect(delivery.get_absolute_url())
    return redirect(reverse("sales:order_detail", args=[delivery.order_id]))


# --- the account page's panel --------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_orders(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    orders = selectors.account_orders(user=request.user, account_id=account.pk)
    deliveries = selectors.account_deliveries(user=request.user, account_id=account.pk, limit=5)
    context = {
        "account": account,
        "orders": [{"o": o, "variant": ORDER_VARIANTS.get(o.status, "neutral")} for o in orders],
        "deliveries": [{"d": d, "variant": DELIVERY_VARIANTS.get(d.status, "neutral")} for d in deliveries],
        "can_create": user_can(request.user, ORDER_TYPE, "create"),
    }
    return render(request, "sales/orders/account_orders.html", context)
