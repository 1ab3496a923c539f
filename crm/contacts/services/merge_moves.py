"""What contacts itself moves when records are merged: memberships, addresses, tags, primary accounts and
subsidiaries. Registered as merge handlers in `ContactsConfig.ready()` (see crm.contacts.merging)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from crm.contacts.enums import ACCOUNT_LINK_SYMMETRIC
from crm.contacts.models import Account, AccountLink, Address, Contact, ContactAccount, ContactLink
from crm.contacts.services.territories import account_territory_refresh


def memberships_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    """Contact ↔ account memberships of the merged-away records go to the survivor. Where the survivor already
    has the same membership, the duplicate one is removed (and remembered, to come back on undo)."""
    side = "contact_id" if object_type == "contacts" else "account_id"
    other = "account_id" if side == "contact_id" else "contact_id"
    have = set(ContactAccount.objects.filter(**{side: survivor_id}).values_list(other, flat=True))
    moved: list[list[int]] = []
    removed: list[dict[str, Any]] = []
    for m in ContactAccount.objects.filter(**{f"{side}__in": merged_ids}).order_by("pk"):
        if getattr(m, other) in have:
            removed.append(
                {
                    "pk": m.pk,
                    "created_at": m.created_at.isoformat(),
                    "contact_id": m.contact_id,
                    "account_id": m.account_id,
                    "role": m.role,
                    "job_title": m.job_title,
                    "is_primary": m.is_primary,
                }
            )
            m.delete()
            continue
        moved.append([m.pk, getattr(m, side), int(m.is_primary)])
        setattr(m, side, survivor_id)
        if object_type == "contacts":
            m.is_primary = False  # the survivor keeps its own primary account
        m.save()
        have.add(getattr(m, other))
    primary_set = None
    if object_type == "contacts":
        survivor = Contact.objects.get(pk=survivor_id)
        if survivor.primary_account_id is None:
            first = ContactAccount.objects.filter(contact_id=survivor_id).order_by("created_at", "pk").first()
            if first is not None:
                survivor.primary_account_id = first.account_id
                survivor.save(update_fields=["primary_account", "updated_at"])
                ContactAccount.objects.filter(pk=first.pk).update(is_primary=True)
                primary_set = first.pk
    return {"moved": moved, "removed": removed, "primary_set": primary_set}


def memberships_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    side = "contact_id" if object_type == "contacts" else "account_id"
    if data.get("primary_set"):
        survivor = Contact.all_objects.get(pk=survivor_id)
        survivor.primary_account_id = None
        survivor.save(update_fields=["primary_account", "updated_at"])
        ContactAccount.objects.filter(pk=data["primary_set"]).update(is_primary=False)
    for pk, source, was_primary in data.get("moved", []):
        m = ContactAccount.objects.filter(pk=pk, **{side: survivor_id}).first()
        if m is not None:
            setattr(m, side, source)
            m.is_primary = bool(was_primary)
            m.save()
    for row in data.get("removed", []):  # the same row again: same id, same creation time
        if ContactAccount.objects.filter(contact_id=row["contact_id"], account_id=row["account_id"]).exists():
            continue
        ContactAccount.objects.create(
            pk=row["pk"],
            contact_id=row["contact_id"],
            account_id=row["account_id"],
            role=row["role"],
            job_title=row["job_title"],
            is_primary=row["is_primary"],
        )
        ContactAccount.objects.filter(pk=row["pk"]).update(
            created_at=dt.datetime.fromisoformat(row["created_at"])
        )


def addresses_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    side = "contact_id" if object_type == "contacts" else "account_id"
    has_primary = Address.objects.filter(**{side: survivor_id, "is_primary": True}).exists()
    moved: list[list[int]] = []
    for address in Address.objects.filter(**{f"{side}__in": merged_ids}).order_by("pk"):
        moved.append([address.pk, getattr(address, side), int(address.is_primary)])
        setattr(address, side, survivor_id)
        if has_primary:
            address.is_primary = False
        has_primary = has_primary or address.is_primary
        address.save()
    if object_type == "accounts":
        account_territory_refresh(account_ids=[survivor_id, *merged_ids])
    return {"moved": moved}


def addresses_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    side = "contact_id" if object_type == "contacts" else "account_id"
    for pk, source, was_primary in data.get("moved", []):
        address = Address.objects.filter(pk=pk, **{side: survivor_id}).first()
        if address is not None:
            setattr(address, side, source)
            address.is_primary = bool(was_primary)
            address.save()
    if object_type == "accounts":
        account_territory_refresh(account_ids=[survivor_id, *(row[1] for row in data.get("moved", []))])


def _record(object_type: str, pk: int) -> Account | Contact:
    model: Any = Contact if object_type == "contacts" else Account
    record: Account | Contact = model.all_objects.get(pk=pk)
    return record


def tags_move(*, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any) -> dict[str, Any]:
    survivor = _record(object_type, survivor_id)
    have = set(survivor.tags.values_list("pk", flat=True))
    model: Any = Contact if object_type == "contacts" else Account
    theirs = set(
        model.tags.through.objects.filter(**{f"{model._meta.model_name}_id__in": merged_ids}).values_list(
            "tag_id", flat=True
        )
    )
    added = sorted(theirs - have)
    if added:
        survivor.tags.add(*added)
    return {"added": added}


def tags_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    if data.get("added"):
        _record(object_type, survivor_id).tags.remove(*data["added"])


def account_links_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    """Contacts whose primary account was merged away, and subsidiaries of merged-away accounts."""
    primary: list[list[int]] = []
    for contact in Contact.all_objects.filter(primary_account_id__in=merged_ids).order_by("pk"):
        primary.append([contact.pk, contact.primary_account_id])  # type: ignore[list-item]
        contact.primary_account_id = survivor_id
        contact.save(update_fields=["primary_account", "updated_at"])
    children: list[list[int]] = []
    for child in Account.all_objects.filter(parent_id__in=merged_ids).exclude(pk=survivor_id).order_by("pk"):
        children.append([child.pk, child.parent_id])  # type: ignore[list-item]
        child.parent_id = survivor_id
        child.save(update_fields=["parent", "updated_at"])
    survivor = Account.all_objects.get(pk=survivor_id)
    own_parent = None
    if survivor.parent_id in merged_ids:  # a survivor under a merged-away parent would be its own parent
        own_parent = survivor.parent_id
        survivor.parent_id = None
        survivor.save(update_fields=["parent", "updated_at"])
    return {"primary": primary, "children": children, "own_parent": own_parent}


def account_links_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    if data.get("own_parent"):
        survivor = Account.all_objects.get(pk=survivor_id)
        survivor.parent_id = data["own_parent"]
        survivor.save(update_fields=["parent", "updated_at"])
    for pk, source in data.get("children", []):
        child = Account.all_objects.filter(pk=pk, parent_id=survivor_id).first()
        if child is not None:
            child.parent_id = source
            child.save(update_fields=["parent", "updated_at"])
    for pk, source in data.get("primary", []):
        contact = Contact.all_objects.filter(pk=pk, primary_account_id=survivor_id).first()
        if contact is not None:
            contact.primary_account_id = source
            contact.save(update_fields=["primary_account", "updated_at"])


def _link_model(object_type: str) -> tuple[Any, str, str]:
    if object_type == "accounts":
        return AccountLink, "from_account_id", "to_account_id"
    return ContactLink, "from_contact_id", "to_contact_id"


def typed_links_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    """Typed links (distributor of, reports to…) of merged-away records now start or end at the survivor.

    A link that the survivor already has, or that would join the survivor to itself, stays with the merged-away
    record (it goes to the recycle bin with it and comes back with an undo)."""
    model, from_field, to_field = _link_model(object_type)
    existing = set(
        model.objects.filter(Q(**{from_field: survivor_id}) | Q(**{to_field: survivor_id})).values_list(
            from_field, to_field, "link_type"
        )
    )
    moved: list[list[Any]] = []
    rows = model.objects.filter(Q(**{f"{from_field}__in": merged_ids}) | Q(**{f"{to_field}__in": merged_ids}))
    for link in rows.order_by("pk"):
        old_from, old_to = getattr(link, from_field), getattr(link, to_field)
        new_from = survivor_id if old_from in merged_ids else old_from
        new_to = survivor_id if old_to in merged_ids else old_to
        key = (new_from, new_to, link.link_type)
        mirrored = (new_to, new_from, link.link_type)
        symmetric = object_type == "accounts" and link.link_type in ACCOUNT_LINK_SYMMETRIC
        if new_from == new_to or key in existing or (symmetric and mirrored in existing):
            continue
        existing.add(key)
        model.objects.filter(pk=link.pk).update(**{from_field: new_from, to_field: new_to})
        moved.append([link.pk, old_from, old_to])
    return {"moved": moved}


def typed_links_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    model, from_field, to_field = _link_model(object_type)
    for pk, old_from, old_to in data.get("moved", []):
        model.objects.filter(pk=pk).update(**{from_field: old_from, to_field: old_to})
