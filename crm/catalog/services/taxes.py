"""Writes on taxes (administrators only)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.catalog.errors import RecordInUse
from crm.catalog.models import Product, Tax
from crm.catalog.services.common import (
    clean_decimal,
    clean_text,
    full_clean_or_raise,
    reject_unknown,
    require_admin,
    unique_or_field_error,
)
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import RecordNotFound

TAX_FIELDS = frozenset({"name", "rate", "country", "is_active"})
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def _name_taken(name: str) -> str:
    return _("Another tax is already called “%(name)s”.") % {"name": name}


def _apply(tax: Tax, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    clean_text(data, "name", errors, required=True)
    if data.get("name") and Tax.objects.filter(name=data["name"]).exclude(pk=tax.pk).exists():
        errors["name"] = [_name_taken(data["name"])]
    clean_decimal(data, "rate", errors, minimum=Decimal("0"), maximum=Decimal("100"))
    if "country" in data:
        data["country"] = str(data["country"] or "").strip().upper()
        if data["country"] and not COUNTRY_RE.match(data["country"]):
            errors["country"] = [_("Enter a two-letter country code, e.g. ES.")]
    for name, value in data.items():
        if name not in errors:
            setattr(tax, name, value)
    full_clean_or_raise(tax, errors)


@transaction.atomic
def tax_create(*, actor: Any, **fields: Any) -> Tax:
    require_admin(actor)
    reject_unknown(fields, TAX_FIELDS)
    tax = Tax()
    errors: dict[str, list[str]] = {}
    _apply(tax, {"name": "", "rate": fields.pop("rate", None), **fields}, errors)
    with audit_context(actor=actor), unique_or_field_error("name", _name_taken(tax.name)):
        tax.save()
    return tax


@transaction.atomic
def tax_update(*, actor: Any, tax: Tax, **changes: Any) -> Tax:
    require_admin(actor)
    reject_unknown(changes, TAX_FIELDS)
    locked = Tax.objects.select_for_update().filter(pk=tax.pk).first()
    if locked is None:
        raise RecordNotFound()
    errors: dict[str, list[str]] = {}
    _apply(locked, dict(changes), errors)
    with audit_context(actor=actor), unique_or_field_error("name", _name_taken(locked.name)):
        locked.save()
    return locked


@transaction.atomic
def tax_delete(*, actor: Any, tax: Tax) -> Tax:
    """Move an unused tax to the recycle bin; a tax of a live product stays (deactivate it instead)."""
    require_admin(actor)
    locked = Tax.objects.select_for_update().filter(pk=tax.pk).first()
    if locked is None:
        raise RecordNotFound()
    if Product.objects.filter(tax=locked).exists():
        raise RecordInUse(_("Products use this tax. Deactivate it, or give them another tax first."))
    record_soft_delete(instance=locked, actor=actor)
    return locked
