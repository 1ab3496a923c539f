"""What invoices, credit notes and payments share: checking amounts and lines, locking an invoice, its money
status. Errors name the field (`lines.2.quantity`), so the API and the forms can point at it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.catalog.errors import PriceNotFound
from crm.catalog.selectors import price_get, tax_rate_get
from crm.core.errors import ConcurrentEdit, RecordNotFound
from crm.core.records import record_authorize
from crm.core.ui.formats import format_money
from crm.sales.enums import InvoiceStatus
from crm.sales.models import Invoice, InvoiceLine
from crm.sales.models.lines import money_round
from crm.sales.services.values import text_clean

INVOICE_OBJECT_TYPE = "sales.invoice"
PAYMENT_OBJECT_TYPE = "sales.payment"
MAX_LINES = 200
MAX_QUANTITY = Decimal("999999999.999")
MAX_PRICE = Decimal("999999999999.99")
CURRENCIES = frozenset(list_currencies())
LINE_KEYS = frozenset({"product", "description", "quantity", "unit_price", "discount_percent", "tax_rate"})
# the statuses in which an invoice has money due (payments and credit notes apply)
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)

Errors = dict[str, list[str]]


def decimal_parse(
    value: Any, *, field: str, errors: Errors, places: int, low: Decimal, high: Decimal, strict_low: bool
) -> Decimal | None:
    """`value` as a Decimal with `places` decimals between `low` and `high` (`strict_low`: above `low`)."""
    if value is None or value == "" or isinstance(value, bool):
        errors[field] = [_("Enter a number.")]
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
        number = number.quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if (number <= low if strict_low else number < low) or number > high:
        errors[field] = [
            (_("Enter a number above %(low)s.") if strict_low else _("Enter a number from %(low)s."))
            % {"low": low}
            if number <= low
            else _("Enter a number up to %(high)s.") % {"high": high}
        ]
        return None
    return number


def currency_clean(value: Any, *, errors: Errors, field: str = "currency") -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCIES:
        errors[field] = [_("Enter an ISO 4217 currency code such as EUR or USD.")]
    return code


def language_clean(value: Any, *, errors: Errors) -> str:
    code = str(value or "").strip().lower()
    if code not in {c for c, _label in settings.LANGUAGES}:
        errors["language"] = [
            _("Choose one of: %(codes)s.") % {"codes": ", ".join(c for c, _label in settings.LANGUAGES)}
        ]
    return code


def terms_clean(value: Any, *, errors: Errors) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors["payment_terms_days"] = [_("Enter a whole number of days between 0 and 365.")]
        return 0
    try:
        days = int(value)
    except ValueError:
        days = -1
    if not 0 <= days <= 365:
        errors["payment_terms_days"] = [_("Enter a whole number of days between 0 and 365.")]
    return days


def date_clean(value: Any, *, field: str, errors: Errors) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def lines_build(
    rows: Any, *, currency: str, on_date: dt.date, errors: Errors, segment: str = ""
) -> list[InvoiceLine]:
    """Unsaved invoice lines from `rows` (dicts: product or description, quantity, and optionally unit_price,
    discount_percent, tax_rate). A product line takes its price in `currency` from the catalog and its tax
    from the product unless given. Problems go into `errors` as `lines.<i>.<field>`."""
    if rows is None:
        return []
    if not isinstance(rows, list | tuple):
        errors["lines"] = [_("Send a list of lines.")]
        return []
    if len(rows) > MAX_LINES:
        errors["lines"] = [_("An invoice has at most %(n)s lines.") % {"n": MAX_LINES}]
        return []
    built: list[InvoiceLine] = []
    for i, row in enumerate(rows):
        key = f"lines.{i}"
        if not isinstance(row, dict):
            errors[key] = [_("Each line needs a description or a product, and a quantity.")]
            continue
        unknown = sorted(set(row) - LINE_KEYS)
        for name in unknown:
            errors[f"{key}.{name}"] = [_("This field cannot be set.")]
        product = row.get("product")
        description = text_clean(row.get("description"), 300)
        if product is not None and (
            getattr(product, "deleted_at", None) or not getattr(product, "is_active", True)
        ):
            errors[f"{key}.product"] = [_("Choose an active product.")]
            product = None
        if product is None and not description and f"{key}.product" not in errors:
            errors[f"{key}.description"] = [_("Describe the line or choose a product.")]
        quantity = decimal_parse(
            row.get("quantity"),
            field=f"{key}.quantity",
            errors=errors,
            places=3,
            low=Decimal(0),
            high=MAX_QUANTITY,
            strict_low=True,
        )
        unit_price: Decimal | None
        if row.get("unit_price") in (None, "") and product is not None:
            try:
                unit_price = price_get(
                    product=product, currency=currency, segment=segment, on_date=on_date
                ).unit_price
            except PriceNotFound:
                errors[f"{key}.unit_price"] = [
                    _("The catalog has no price for this product in %(currency)s; enter the unit price.")
                    % {"currency": currency}
                ]
                unit_price = None
        else:
            unit_price = decimal_parse(
                row.get("unit_price"),
                field=f"{key}.unit_price",
                errors=errors,
                places=2,
                low=Decimal(0),
                high=MAX_PRICE,
                strict_low=False,
            )
        discount = Decimal(0)
        if row.get("discount_percent") not in (None, ""):
            discount = decimal_parse(
                row.get("discount_percent"),
                field=f"{key}.discount_percent",
                errors=errors,
                places=2,
                low=Decimal(0),
                high=Decimal(100),
                strict_low=False,
            ) or Decimal(0)
        if row.get("tax_rate") not in (None, ""):
            tax = decimal_parse(
                row.get("tax_rate"),
                field=f"{key}.tax_rate",
                errors=errors,
                places=4,
                low=Decimal(0),
                high=Decimal(100),
                strict_low=False,
            ) or Decimal(0)
        else:
            tax = tax_rate_get(product=product) if product is not None else Decimal(0)
        if quantity is None or unit_price is None:
            continue
        line = InvoiceLine(
            position=i + 1,
            product=product,
            description=description or (product.name if product is not None else ""),
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=tax,
        )
        line.net_amount, line.tax_amount = line.line_amounts()
        built.append(line)
    return built


def lines_store(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Replace the invoice's lines with `lines` and set its totals from them."""
    InvoiceLine.objects.filter(invoice=invoice).delete()
    for position, line in enumerate(lines, start=1):
        line.invoice = invoice
        line.position = position
    InvoiceLine.objects.bulk_create(lines)
    invoice.totals_from(list(lines))


def invoice_locked(invoice: Invoice, *, actor: Any, expected_version: int | None = None) -> Invoice:
    """The invoice under a row lock, after checking `actor` may change it and `expected_version` is current."""
    locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


def money_status(invoice: Invoice, *, today: dt.date | None = None) -> str:
    """The status of an issued invoice from what was paid and credited: paid when nothing is due; overdue
    when something is due after the due date; partially paid once a payment arrived; issued otherwise."""
    day = today or timezone.localdate()
    if invoice.amount_due <= 0:
        return InvoiceStatus.PAID
    if invoice.due_date is not None and invoice.due_date < day:
        return InvoiceStatus.OVERDUE
    if invoice.amount_paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.ISSUED


def money_text(amount: Decimal, currency: str) -> str:
    return format_money(money_round(amount), currency)
