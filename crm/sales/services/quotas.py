"""Quotas: what each salesperson is expected to close per month, in the company currency. Managers set them
(their opportunities' `change` scope reaches beyond their team) for the people in that scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.models import User
from crm.core.identity.permissions import owner_in_scope
from crm.sales.models import Quota
from crm.sales.selectors.forecast import OBJECT_TYPE, quota_manager

MAX_QUOTA = Decimal("999999999999.99")


@dataclass(frozen=True)
class QuotaEntry:
    """One cell of the quota grid: `amount=None` removes the month's quota."""

    user_id: int
    month: Any
    amount: Any


def _month(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        day = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        return None
    return day.replace(day=1)


def _amount(value: Any) -> Decimal | bool | None:
    """A non-negative amount with at most two decimals; None for an empty value; False when it is invalid."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float):
        return False
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return False
    if (
        not amount.is_finite()
        or amount < 0
        or amount > MAX_QUOTA
        or amount != amount.quantize(Decimal("0.01"))
    ):
        return False
    return amount


@transaction.atomic
def quotas_set(*, actor: Any, entries: Iterable[QuotaEntry]) -> list[Quota]:
    """Set (or, with an empty amount, remove) quotas, all or nothing: a bad month, amount or person refuses the
    whole batch with the field of each problem (`<index>.month`, `<index>.amount`, `<index>.user_id`)."""
    if actor is not None and not quota_manager(user=actor):
        raise PermissionDenied(_("Only managers set quotas."))
    items = list(entries)
    people = {u.pk: u for u in User.objects.filter(pk__in=[e.user_id for e in items])}
    errors: dict[str, list[str]] = {}
    clean: list[tuple[int, dt.date, Decimal | None]] = []
    for i, entry in enumerate(items):
        prefix = f"{i}." if len(items) > 1 else ""
        person = people.get(entry.user_id)
        if person is None or not person.is_active:
            errors[f"{prefix}user_id"] = [_("Choose an active salesperson.")]
        elif actor is not None and not owner_in_scope(actor, person.pk, OBJECT_TYPE, "change"):
            errors[f"{prefix}user_id"] = [_("You cannot set the quota of this person.")]
        month = _month(entry.month)
        if month is None:
            errors[f"{prefix}month"] = [_("Write a month as 2026-05.")]
        amount = _amount(entry.amount)
        if amount is False:
            errors[f"{prefix}amount"] = [_("Enter an amount of zero or more, with at most two decimals.")]
        if month is not None and amount is not False and person is not None:
            clean.append((entry.user_id, month, amount if isinstance(amount, Decimal) else None))
    if errors:
        raise InvalidInput(field_errors=errors)
    saved: list[Quota] = []
    with audit_context(actor=actor):
        for user_id, month, value in clean:
            quota = Quota.objects.select_for_update().filter(user_id=user_id, month=month).first()
            if value is None:
                if quota is not None:
                    quota.delete()
                continue
            if quota is None:
                quota = Quota.objects.create(user_id=user_id, month=month, amount=value)
            elif quota.amount != value:
                quota.amount = value
                quota.save(update_fields=["amount", "updated_at"])
            saved.append(quota)
    return saved


def quota_set(*, actor: Any, user_id: int, month: Any, amount: Any) -> Quota | None:
    """Set one person's quota for one month (an empty amount removes it)."""
    saved = quotas_set(actor=actor, entries=[QuotaEntry(user_id=user_id, month=month, amount=amount)])
    return saved[0] if saved else None
