"""Orders, deliveries and assets follow their account — and orders their contact — when duplicates are merged (a
merge handler, registered in `SalesConfig.ready()` with crm.contacts.merging). Rows in the recycle bin move too,
so a later restore brings them back to the right record. Undo moves back exactly what moved."""

from __future__ import annotations

from typing import Any

from crm.core.audit.context import audit_context
from crm.sales.models import Asset, Delivery, Order
from crm.sales.services.purchases import account_purchases_refresh

_BY_ACCOUNT: dict[str, Any] = {"orders": Order, "deliveries": Delivery, "assets": Asset}


def orders_merge_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    data: dict[str, list[list[int]]] = {}
    with audit_context(actor=actor):
        if object_type == "accounts":
            for key, model in _BY_ACCOUNT.items():
                moved = data.setdefault(key, [])
                for row in model.all_objects.filter(account_id__in=merged_ids).order_by("pk"):
                    moved.append([row.pk, row.account_id])
                    row.account_id = survivor_id
                    row.save(update_fields=["account", "updated_at"])
            _purchases_follow(data.get("orders", []), survivor_id)
        else:
            moved = data.setdefault("order_contacts", [])
            for order in Order.all_objects.filter(contact_id__in=merged_ids).order_by("pk"):
                moved.append([order.pk, order.contact_id])
                order.contact_id = survivor_id
                order.save(update_fields=["contact", "updated_at"])
    return data


def orders_merge_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    with audit_context(actor=actor):
        for key, model in _BY_ACCOUNT.items():
            for pk, source in data.get(key, []):
                row = model.all_objects.filter(pk=pk, account_id=survivor_id).first()
                if row is not None:
                    row.account_id = source
                    row.save(update_fields=["account", "updated_at"])
        _purchases_follow(data.get("orders", []), survivor_id)
        for pk, source in data.get("order_contacts", []):
            order = Order.all_objects.filter(pk=pk, contact_id=survivor_id).first()
            if order is not None:
                order.contact_id = source
                order.save(update_fields=["contact", "updated_at"])


def _purchases_follow(moved: list[list[int]], survivor_id: int) -> None:
    """The purchase summary's rows of the moved orders' accounts, before and after the move."""
    if moved:
        owners = dict(Order.all_objects.filter(pk__in=[pk for pk, _a in moved]).values_list("pk", "owner_id"))
        before = {(account_id, owners[pk]) for pk, account_id in moved if pk in owners}
        before |= {(survivor_id, owner_id) for owner_id in owners.values()}
        account_purchases_refresh(order_ids=list(owners), before=before)
