"""Writes on the installed base: assets created by delivered orders, recorded by hand (things bought before
the CRM), edited, returned, and expired by the daily job once their warranty ended."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.catalog.enums import ProductKind
from crm.contacts.selectors import account_exists_visible
from crm.core.audit.context import audit_context
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.sales.enums import AssetStatus
from crm.sales.errors import AssetNotActive
from crm.sales.models import Asset, DeliveryLine, Order, OrderLine
from crm.sales.services.orders import date_clean, quantity_clean
from crm.sales.services.values import text_clean

OBJECT_TYPE = "sales.asset"
ASSET_UPDATE_FIELDS = frozenset(
    {"name", "serial_number", "quantity", "delivered_on", "warranty_until", "notes", "owner"}
)
EXPIRE_BATCH = 500


def months_later(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_until_for(delivered_on: dt.date) -> dt.date:
    return months_later(delivered_on, int(getattr(settings, "CRM_DEFAULT_WARRANTY_MONTHS", 24)))


def _status_for(warranty_until: dt.date | None, *, today: dt.date) -> str:
    return (
        AssetStatus.EXPIRED if warranty_until is not None and warranty_until < today else AssetStatus.ACTIVE
    )


def assets_create_for_delivery(
    *,
    order: Order,
    delivery_lines: Iterable[DeliveryLine],
    order_lines: Mapping[int, OrderLine],
    delivered_on: dt.date,
) -> list[Asset]:
    """The customer's assets from a delivered delivery (inside its transaction): every line of a product that
    is not a service becomes one asset per serial number, or one asset with the quantity when no serials were
    given. Owned by the account's relationship manager; warranty `CRM_DEFAULT_WARRANTY_MONTHS` from delivery."""
    account_owner_id = Order.objects.filter(pk=order.pk).values_list("account__owner_id", flat=True).get()
    warranty = warranty_until_for(delivered_on)
    made: list[Asset] = []
    for dline in delivery_lines:
        oline = order_lines[dline.order_line_id]
        product = oline.product
        if product is None or product.kind == ProductKind.SERVICE:
            continue
        serials = [s for s in dline.serial_numbers.splitlines() if s.strip()]
        base = {
            "account_id": order.account_id,
            "owner_id": account_owner_id or order.owner_id,
            "product": product,
            "name": oline.description[:200],
            "status": AssetStatus.ACTIVE,
            "delivered_on": delivered_on,
            "warranty_until": warranty,
            "order": order,
            "delivery_line": dline,
        }
        if serials:
            for serial in serials:
                made.append(Asset.objects.create(quantity=Decimal(1), serial_number=serial.strip(), **base))
        else:
            made.append(Asset.objects.create(quantity=dline.quantity, **base))
    return made


def _clean(asset: Asset, data: Mapping[str, Any], *, errors: dict[str, list[str]]) -> None:
    if "name" in data:
        asset.name = text_clean(data["name"], 200)
    if "serial_number" in data:
        asset.serial_number = text_clean(data["serial_number"], 100)
    if "quantity" in data:
        quantity = quantity_clean(data["quantity"], field="quantity", errors=errors)
        if quantity is not None:
            asset.quantity = quantity
    for name in ("delivered_on", "warranty_until"):
        if name in data:
            value = data[name]
            setattr(
                asset, name, None if value in (None, "") else date_clean(value, field=name, errors=errors)
            )
    if "notes" in data:
        asset.notes = str(data["notes"] or "").strip()[:10000]
    if asset.serial_number and asset.quantity != 1 and "quantity" not in errors:
        errors["quantity"] = [_("An asset with a serial number is one unit: its quantity is 1.")]
    if (
        asset.delivered_on is not None
        and asset.warranty_until is not None
        and asset.warranty_until < asset.delivered_on
        and "warranty_until" not in errors
    ):
        errors["warranty_until"] = [_("The warranty cannot end before the delivery date.")]


@transaction.atomic
def asset_create(
    *,
    actor: Any,
    account: Any,
    product: Any,
    name: str = "",
    quantity: Any = 1,
    serial_number: str = "",
    delivered_on: dt.date | str | None = None,
    warranty_until: dt.date | str | None = None,
    notes: str = "",
    owner: Any = None,
) -> Asset:
    """Record something the customer owns that no delivery brought (bought before the CRM). The warranty
    defaults to `CRM_DEFAULT_WARRANTY_MONTHS` after the delivery date; an asset whose warranty already ended
    is recorded as expired. Bad input raises InvalidInput naming each field; nothing is stored."""
    if account is None or getattr(account, "pk", None) is None:
        raise InvalidInput(field_errors={"account": [_("Choose an account.")]})
    if actor is not None and not account_exists_visible(user=actor, pk=account.pk):
        raise InvalidInput(field_errors={"account": [_("Choose an account you can see.")]})
    owner = owner or account.owner
    if not isinstance(owner, User) or not owner.is_active:
        owner = actor if isinstance(actor, User) else owner
    if not isinstance(owner, User):
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    errors: dict[str, list[str]] = {}
    if product is None or getattr(product, "pk", None) is None or getattr(product, "deleted_at", None):
        errors["product"] = [_("Choose a product from the catalog.")]
    asset = Asset(account=account, owner=owner, quantity=Decimal(1))
    if not errors:
        asset.product = product
    _clean(
        asset,
        {
            "name": name or (product.name if not errors else ""),
            "serial_number": serial_number,
            "quantity": quantity,
            "delivered_on": delivered_on,
            "warranty_until": warranty_until,
            "notes": notes,
        },
        errors=errors,
    )
    if not asset.name and "product" not in errors:
        errors["name"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if asset.warranty_until is None and asset.delivered_on is not None:
        asset.warranty_until = warranty_until_for(asset.delivered_on)
    asset.status = _status_for(asset.warranty_until, today=timezone.localdate())
    with audit_context(actor=actor):
        asset.save()
    return asset


def _asset_locked(asset: Asset, *, actor: Any, expected_version: int | None) -> Asset:
    locked = Asset.objects.select_for_update().filter(pk=asset.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


@transaction.atomic
def asset_update(*, actor: Any, asset: Asset, expected_version: int | None = None, **changes: Any) -> Asset:
    """Change an asset's name, serial number, quantity, dates or notes. A warranty moved into the future makes
    an expired asset active again (and one moved into the past expires it); a returned asset stays returned."""
    unknown = sorted(set(changes) - ASSET_UPDATE_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
    locked = _asset_locked(asset, actor=actor, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    if "owner" in changes:
        owner = changes.pop("owner")
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = [_("Choose an active user.")]
        else:
            if owner.pk != locked.owner_id:
                record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
            locked.owner = owner
    _clean(locked, changes, errors=errors)
    if "name" in changes and not locked.name:
        errors["name"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if locked.status != AssetStatus.RETURNED:
        locked.status = _status_for(locked.warranty_until, today=timezone.localdate())
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    return locked


@transaction.atomic
def asset_mark_returned(
    *, actor: Any, asset: Asset, expected_version: int | None = None, reason: str = ""
) -> Asset:
    """The customer gave the asset back: status returned (refused when it already was)."""
    locked = _asset_locked(asset, actor=actor, expected_version=expected_version)
    if locked.status == AssetStatus.RETURNED:
        raise AssetNotActive()
    locked.status = AssetStatus.RETURNED
    locked.version += 1
    why = " ".join(str(reason or "").split())[:300] or None
    with audit_context(actor=actor, reason=why):
        locked.save()
    return locked


def assets_expire(*, today: dt.date | None = None) -> int:
    """Mark active assets whose warranty ended before `today` as expired (the daily job; idempotent, safe on
    several workers: each batch locks its rows and skips those another worker holds). Returns how many."""
    day = today or timezone.localdate()
    done = 0
    while True:
        with transaction.atomic(), audit_context(source="job", reason=_("The warranty ended.")):
            qs = Asset.objects.filter(status=AssetStatus.ACTIVE, warranty_until__lt=day).order_by("id")
            rows = list(qs.select_for_update(skip_locked=True)[:EXPIRE_BATCH])
            for asset in rows:
                asset.status = AssetStatus.EXPIRED
                asset.version += 1
                asset.save(update_fields=["status", "version", "updated_at"])
        done += len(rows)
        if len(rows) < EXPIRE_BATCH:
            return done
