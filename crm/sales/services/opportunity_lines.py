"""Line items of an opportunity, priced from the catalog in the opportunity's currency.

Once an opportunity has lines its `amount` is the sum of their net amounts: every add, change and removal
recomputes it in the same transaction (under the opportunity's row lock, with its `version` bumped), and the audit
trail records the line and the amount change with the reason. Removing the last line leaves the amount as it was.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.catalog.errors import PriceNotFound
from crm.catalog.selectors import price_get, product_get, tax_rate_get
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, RecordNotFound
from crm.sales.errors import OpportunityNotOpen
from crm.sales.models import Opportunity, OpportunityLine
from crm.sales.services.forecast import forecast_cells, forecast_summary_refresh
from crm.sales.services.stages import opportunity_locked
from crm.sales.services.values import text_clean

MAX_QUANTITY = Decimal("999999999.999")
_QUANTUM = Decimal("0.001")
_PERCENT = Decimal("0.01")


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _quantity_clean(raw: Any, errors: dict[str, list[str]]) -> Decimal:
    value = _decimal(raw)
    if value is None:
        errors["quantity"] = [_("Enter a number.")]
        return Decimal(0)
    if value <= 0:
        errors["quantity"] = [_("Enter a quantity greater than zero.")]
        return Decimal(0)
    if value > MAX_QUANTITY or value != value.quantize(_QUANTUM):
        errors["quantity"] = [_("Enter a quantity up to 999,999,999.999 with at most three decimals.")]
        return Decimal(0)
    return value


def _discount_clean(raw: Any, errors: dict[str, list[str]]) -> Decimal:
    if raw is None or raw == "":
        return Decimal(0)
    value = _decimal(raw)
    if value is None:
        errors["discount_percent"] = [_("Enter a number.")]
        return Decimal(0)
    if not Decimal(0) <= value <= Decimal(100) or value != value.quantize(_PERCENT):
        errors["discount_percent"] = [_("Enter a discount between 0 and 100 per cent.")]
        return Decimal(0)
    return value


def _locked_open(opportunity: Opportunity, *, actor: Any, expected_version: int | None) -> Opportunity:
    locked = opportunity_locked(opportunity, actor=actor, expected_version=expected_version)
    if not locked.is_open:
        raise OpportunityNotOpen()
    return locked


def _amount_recompute(opportunity: Opportunity, *, actor: Any, reason: str) -> Opportunity:
    """The opportunity's amount becomes the sum of its lines' net amounts (unchanged when it has none)."""
    total = OpportunityLine.objects.filter(opportunity=opportunity).aggregate(total=Sum("net_amount"))[
        "total"
    ]
    before = forecast_cells([opportunity])
    if total is not None:
        opportunity.amount = Decimal(total).quantize(_PERCENT)
    opportunity.version += 1
    with audit_context(actor=actor, reason=reason):
        opportunity.save()
    forecast_summary_refresh(opportunity_ids=[opportunity.pk], before=before)
    return opportunity


@transaction.atomic
def opportunity_line_add(
    *,
    actor: Any,
    opportunity: Opportunity,
    product_id: Any,
    quantity: Any,
    discount_percent: Any = None,
    description: str = "",
    expected_version: int | None = None,
) -> OpportunityLine:
    """Add a product from the catalog at its price in the opportunity's currency (the best price book for every
    customer, today) with the product's tax. 422 naming the field for an unknown product, a product
    without a price in that currency, a quantity not above zero or a discount outside 0–100; nothing is
    stored then. 409 when the opportunity is closed or `expected_version` is stale. `product_id` is the
    product's id (read with the actor's permissions); the system (`actor=None`) passes the Product itself."""
    locked = _locked_open(opportunity, actor=actor, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    product = None
    if actor is None and hasattr(product_id, "pk"):
        product = product_id  # the system (demo, imports) passes the catalog's Product itself
    else:
        key = getattr(product_id, "pk", product_id)
        try:
            product = product_get(user=actor, pk=key) if key not in (None, "") else None
        except RecordNotFound:
            product = None
    if product is None:
        errors["product_id"] = [_("Choose a product from the catalog.")]
    elif not product.is_active:
        errors["product_id"] = [_("“%(name)s” is not sold any more.") % {"name": product.name}]
    qty = _quantity_clean(quantity, errors)
    discount = _discount_clean(discount_percent, errors)
    quote = None
    if product is not None and "product_id" not in errors:
        try:
            quote = price_get(
                product=product,
                currency=locked.currency,
                on_date=timezone.localdate(),
            )
        except PriceNotFound:
            errors["product_id"] = [
                _("“%(name)s” has no price in %(currency)s. Add it to a price book in that currency first.")
                % {"name": product.name, "currency": locked.currency}
            ]
    if errors or product is None or quote is None:
        raise InvalidInput(field_errors=errors)
    position = (OpportunityLine.objects.filter(opportunity=locked).aggregate(p=Max("position"))["p"] or 0) + 1
    line = OpportunityLine(
        opportunity=locked,
        position=position,
        product=product,
        description=text_clean(description, 300) or text_clean(product.name, 300),
        quantity=qty,
        unit_price=quote.unit_price,
        discount_percent=discount,
        tax_rate=tax_rate_get(product=product),
    )
    line.net_amount, line.tax_amount = line.line_amounts()
    reason = _("Line “%(line)s” added") % {"line": line.description}
    with audit_context(actor=actor, reason=reason):
        line.save()
    _amount_recompute(locked, actor=actor, reason=reason)
    return line


def _line_locked(line: OpportunityLine, *, actor: Any, expected_version: int | None) -> tuple[Any, Any]:
    opportunity = Opportunity.objects.filter(pk=line.opportunity_id).first()
    if opportunity is None:
        raise RecordNotFound()
    locked = _locked_open(opportunity, actor=actor, expected_version=expected_version)
    current = OpportunityLine.objects.select_for_update().filter(pk=line.pk, opportunity=locked).first()
    if current is None:
        raise RecordNotFound()
    return locked, current


@transaction.atomic
def opportunity_line_update(
    *,
    actor: Any,
    line: OpportunityLine,
    expected_version: int | None = None,
    **changes: Any,
) -> OpportunityLine:
    """Change a line's quantity, discount or description (its unit price and tax stay as priced when it was
    added). The opportunity's amount follows. Same refusals as `opportunity_line_add`; nothing changes then."""
    allowed = {"quantity", "discount_percent", "description"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
    opportunity, current = _line_locked(line, actor=actor, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    if "quantity" in changes:
        current.quantity = _quantity_clean(changes["quantity"], errors)
    if "discount_percent" in changes:
        current.discount_percent = _discount_clean(changes["discount_percent"], errors)
    if "description" in changes:
        current.description = text_clean(changes["description"], 300)
        if not current.description:
            errors["description"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    current.net_amount, current.tax_amount = current.line_amounts()
    reason = _("Line “%(line)s” changed") % {"line": current.description}
    with audit_context(actor=actor, reason=reason):
        current.save()
    _amount_recompute(opportunity, actor=actor, reason=reason)
    return current


@transaction.atomic
def opportunity_line_remove(
    *, actor: Any, line: OpportunityLine, expected_version: int | None = None
) -> Opportunity:
    """Remove a line; the amount becomes the sum of the remaining lines (unchanged when none remain)."""
    opportunity, current = _line_locked(line, actor=actor, expected_version=expected_version)
    reason = _("Line “%(line)s” removed") % {"line": current.description}
    with audit_context(actor=actor, reason=reason):
        current.delete()
    return _amount_recompute(opportunity, actor=actor, reason=reason)
