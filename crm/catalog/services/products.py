"""Writes on products. Every door (web, API, demo) goes through these functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.catalog.enums import ProductKind
from crm.catalog.models import Currency, Price, Product, Tax
from crm.catalog.money import currency_digits, money_round
from crm.catalog.services.common import (
    clean_decimal,
    clean_text,
    full_clean_or_raise,
    reject_unknown,
    unique_or_field_error,
)
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import ConcurrentEdit, RecordNotFound
from crm.core.records import record_authorize, record_authorize_create

OBJECT_TYPE = "catalog.product"
PRODUCT_FIELDS = frozenset(
    {"sku", "name", "description", "kind", "unit", "billing_period", "tax", "is_active", "cost"}
)
MAX_COST = Decimal("99999999999999")


def _sku_taken_message(sku: str) -> str:
    return _("Another product already has the SKU “%(sku)s”.") % {"sku": sku}


def _apply(product: Product, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    clean_text(data, "name", errors, required=True)
    if "sku" in data:
        # SKUs are codes: no spaces inside, compared and stored upper-case
        data["sku"] = "".join(str(data["sku"] or "").split()).upper()
        if not data["sku"]:
            errors["sku"] = [_("This field is required.")]
        elif Product.objects.filter(sku=data["sku"]).exclude(pk=product.pk).exists():
            errors["sku"] = [_sku_taken_message(data["sku"])]
    if "description" in data:
        data["description"] = str(data["description"] or "").strip()
    if "tax" in data and data["tax"] is not None:
        tax = data["tax"]
        if not isinstance(tax, Tax) or tax.is_deleted:
            errors["tax"] = [_("Choose a tax.")]
            data.pop("tax")
    if "billing_period" in data:
        data["billing_period"] = data["billing_period"] or ""
    _cost_clean(data, errors)
    for name, value in data.items():
        setattr(product, name, value)
    if product.kind == ProductKind.SUBSCRIPTION and not product.billing_period:
        errors.setdefault("billing_period", [_("A subscription needs a billing period.")])
    elif product.kind != ProductKind.SUBSCRIPTION and product.billing_period:
        errors.setdefault("billing_period", [_("Only subscriptions have a billing period.")])
    full_clean_or_raise(product, errors, exclude=("tax",))


def _cost_clean(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """The unit cost: empty (not known) or a number ≥ 0, rounded to the company currency's minor units."""
    if "cost" not in data:
        return
    if data["cost"] is None or (isinstance(data["cost"], str) and not data["cost"].strip()):
        data["cost"] = None
        return
    clean_decimal(data, "cost", errors, minimum=Decimal(0), maximum=MAX_COST)
    if "cost" in errors:
        data.pop("cost")
        return
    company = Currency.objects.filter(is_company=True).values_list("code", flat=True).first()
    data["cost"] = money_round(data["cost"], currency_digits(company) if company else 2)


@transaction.atomic
def product_create(*, actor: Any, **fields: Any) -> Product:
    """A new product, service or subscription. Its SKU must be unused among live products."""
    reject_unknown(fields, PRODUCT_FIELDS)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=None)
    product = Product()
    errors: dict[str, list[str]] = {}
    data = {"sku": "", "name": "", **fields}
    _apply(product, data, errors)
    with audit_context(actor=actor), unique_or_field_error("sku", _sku_taken_message(product.sku)):
        product.save()
    return product


@transaction.atomic
def product_update(
    *, actor: Any, product: Product, expected_version: int | None = None, **changes: Any
) -> Product:
    """Change the fields given. `expected_version` refuses a save over someone else's newer edit."""
    reject_unknown(changes, PRODUCT_FIELDS)
    locked = Product.objects.select_for_update().filter(pk=product.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    errors: dict[str, list[str]] = {}
    _apply(locked, dict(changes), errors)
    locked.version += 1
    with audit_context(actor=actor), unique_or_field_error("sku", _sku_taken_message(locked.sku)):
        locked.save()
    return locked


@transaction.atomic
def product_delete(*, actor: Any, product: Product) -> Product:
    """Move the product and its prices to the recycle bin (restored together); its SKU is free again."""
    locked = Product.objects.select_for_update().filter(pk=product.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    record_soft_delete(instance=locked, actor=actor, dependents=list(Price.objects.filter(product=locked)))
    return locked
