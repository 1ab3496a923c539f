"""Permission-scoped reads of invoices, credit notes and payments (list pages, record page, the account's
panel, the API, the timeline)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from crm.core.errors import RecordNotFound
from crm.core.listing import FilterField, ListSpec, Page, SortField, capped_count
from crm.sales.enums import InvoiceKind, InvoiceStatus, PaymentMethod
from crm.sales.models import Invoice, InvoiceLine, Order, Payment
from crm.sales.selectors.common import attach_owners, record_pk

INVOICE_OBJECT_TYPE = "sales.invoice"
PAYMENT_OBJECT_TYPE = "sales.payment"

INVOICE_LIST = ListSpec(
    object_type=INVOICE_OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(InvoiceStatus.choices)),
        FilterField("kind", "kind", "choice", _("Type"), tuple(InvoiceKind.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("order", "order", "fk", _("Order")),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("issue_date", "issue_date", "date", _("Issue date")),
        FilterField("due_date", "due_date", "date", _("Due date")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
        SortField("total", "total", _("Total")),
    ),
    default_sort="-created_at",
    search_paths=("number", "account__name"),
)

PAYMENT_LIST = ListSpec(
    object_type=PAYMENT_OBJECT_TYPE,
    filters=(
        FilterField("invoice", "invoice", "fk", _("Invoice")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("method", "method", "choice", _("Method"), tuple(PaymentMethod.choices)),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("paid_on", "paid_on", "date", _("Paid on")),
    ),
    sorts=(
        SortField("paid_on", "paid_on", _("Paid on")),
        SortField("amount", "amount", _("Amount")),
        SortField("created_at", "created_at", _("Created")),
    ),
    default_sort="-paid_on",
    search_paths=("reference", "invoice__number"),
)


# --- invoices -----------------------------------------------------------------------------------------------
def invoice_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Invoice]:
    qs: QuerySet[Invoice] = Invoice.objects.visible_to(user, action)
    if params:
        qs = INVOICE_LIST.apply(qs, params, user=user)
    return qs


def invoice_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the invoices and credit notes `user` may see (filters: see INVOICE_LIST)."""
    qs = invoice_query(user=user, params=params).select_related("account")
    page = INVOICE_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def invoice_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(invoice_query(user=user, params=params))


def invoice_get(*, user: Any, pk: int | str, action: str = "view") -> Invoice:
    """One invoice or credit note with its lines, payments and credit notes (404 when `user` may not see it)."""
    invoice = (
        Invoice.objects.visible_to(user, action)
        .select_related("account", "contact", "owner", "order", "delivery", "credited_invoice")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
            Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id")),
            Prefetch("credit_notes", queryset=Invoice.objects.order_by("issue_date", "id")),
        )
        .filter(pk=record_pk(pk))
        .first()
    )
    if invoice is None:
        raise RecordNotFound()
    return invoice


def invoice_exists_visible(*, user: Any, pk: int) -> bool:
    return Invoice.objects.visible_to(user).filter(pk=pk).exists()


def invoice_line_ids(*, invoice: Invoice) -> list[int]:
    return list(InvoiceLine.objects.filter(invoice=invoice).values_list("pk", flat=True))


@dataclass(frozen=True)
class AccountBilling:
    """The account page's panel: the latest invoices and credit notes, what is still open per currency."""

    invoices: list[Invoice]
    open_balance: list[tuple[str, Decimal]]
    overdue_count: int
    payments: list[Payment]


OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)


def account_billing(*, user: Any, account_id: int, limit: int = 8) -> AccountBilling:
    """The account's invoices `user` may see (newest first), its open balance per currency (issued, partially
    paid and overdue invoices: total − paid − credited) and its latest payments. Four queries."""
    visible = Invoice.objects.visible_to(user).filter(account_id=account_id)
    rows = list(visible.order_by("-created_at", "-id")[:limit])
    balance = (
        visible.filter(kind=InvoiceKind.INVOICE, status__in=OPEN_STATUSES)
        .values("currency")
        .annotate(due=Sum(F("total") - F("amount_paid") - F("amount_credited")))
        .order_by("currency")
    )
    overdue = visible.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.OVERDUE).count()
    payments = list(
        Payment.objects.visible_to(user)
        .filter(account_id=account_id)
        .select_related("invoice")
        .order_by("-paid_on", "-id")[:5]
    )
    return AccountBilling(
        invoices=rows,
        open_balance=[(r["currency"], r["due"]) for r in balance if r["due"]],
        overdue_count=overdue,
        payments=payments,
    )


def order_invoices(*, user: Any, order_id: int) -> list[Invoice]:
    """The invoices and credit notes of order `order_id` that `user` may see, oldest first (the order page)."""
    return list(Invoice.objects.visible_to(user).filter(order_id=order_id).order_by("created_at", "id"))


def order_for_invoicing(*, user: Any, number: str) -> Order:
    """The order `user` may see with this number (the "new invoice from order" form); 404 otherwise."""
    order = Order.objects.visible_to(user).filter(number__iexact=str(number or "").strip()).first()
    if order is None:
        raise RecordNotFound()
    return order


def order_for_invoicing_get(*, user: Any, pk: int | str) -> Order:
    order = Order.objects.visible_to(user).filter(pk=record_pk(pk)).first()
    if order is None:
        raise RecordNotFound()
    return order


def delivery_for_invoicing_get(*, user: Any, pk: int | str) -> Any:
    from crm.sales.models import Delivery

    delivery = Delivery.objects.visible_to(user).filter(pk=record_pk(pk)).first()
    if delivery is None:
        raise RecordNotFound()
    return delivery


# --- payments -------------------------------------------------------------------------------------------------
def payment_query(*, user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[Payment]:
    qs: QuerySet[Payment] = Payment.objects.visible_to(user)
    if params:
        qs = PAYMENT_LIST.apply(qs, params, user=user)
    return qs


def payment_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    qs = payment_query(user=user, params=params).select_related("invoice")
    return PAYMENT_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def payment_get(*, user: Any, pk: int | str, action: str = "view") -> Payment:
    payment = (
        Payment.objects.visible_to(user, action).select_related("invoice").filter(pk=record_pk(pk)).first()
    )
    if payment is None:
        raise RecordNotFound()
    return payment


# --- invoice lines (analytics) ---------------------------------------------------------------------------------
def invoice_line_query(*, user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[InvoiceLine]:
    """The lines of the invoices `user` may see, the invoices filtered by `params` (the invoice list's filters)."""
    return InvoiceLine.objects.filter(invoice__in=invoice_query(user=user, params=params).values("pk"))
