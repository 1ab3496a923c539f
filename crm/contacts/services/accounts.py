"""Writes on accounts. Every door (web, API, import, demo) goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.contacts.assignment import account_owner_by_rules
from crm.contacts.errors import AccountCycle
from crm.contacts.events import AccountDeleted
from crm.contacts.matching import company_name_key
from crm.contacts.models import Account
from crm.contacts.services.addresses import primary_address_add
from crm.contacts.services.bulk import bulk_apply
from crm.contacts.services.duplicates import duplicate_check as duplicates_refuse
from crm.contacts.services.ownership import owner_change_publish, owner_check
from crm.contacts.services.tags import tags_resolve
from crm.contacts.services.territories import account_territory_refresh
from crm.contacts.services.validation import (
    clean_list,
    clean_phones,
    full_clean_or_raise,
    reject_unknown,
)
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.customfields.services import custom_values_clean
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.records import record_authorize, record_authorize_create

OBJECT_TYPE = "contacts.account"
ACCOUNT_FIELDS = frozenset(
    {
        "name",
        "legal_name",
        "tax_id",
        "account_type",
        "status",
        "industry",
        "size",
        "website",
        "email",
        "phone",
        "other_emails",
        "other_phones",
        "description",
        "parent",
        "owner",
        "tags",
        "custom",
    }
)


def _check_parent(account: Account, parent: Account | None) -> None:
    node = parent
    seen: set[int] = set()
    while node is not None:
        if account.pk is not None and node.pk == account.pk:
            raise AccountCycle(field_errors={"parent": [str(AccountCycle.default_message)]})
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent


def _apply(account: Account, data: dict[str, Any], errors: dict[str, list[str]]) -> list[Any] | None:
    clean_phones(data, ("phone",), errors)
    clean_list(data, "other_emails", "email", errors)
    clean_list(data, "other_phones", "phone", errors)
    if "email" in data:
        data["email"] = (data["email"] or "").strip().lower()
    if "name" in data:
        data["name"] = " ".join(str(data["name"] or "").split())
    if "website" in data and data["website"] and "://" not in data["website"]:
        data["website"] = "https://" + data["website"].strip()
    tags = data.pop("tags", None)
    if "custom" in data:
        try:
            data["custom"] = custom_values_clean(
                object_type=OBJECT_TYPE,
                values=data["custom"],
                existing=account.custom if account.pk else None,
            )
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            data.pop("custom")
    elif account.pk is None:
        try:
            account.custom = custom_values_clean(object_type=OBJECT_TYPE, values={}, existing=None)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    if "parent" in data:
        parent = data["parent"]
        if parent is not None and not isinstance(parent, Account):
            errors["parent"] = [_("Choose an account.")]
        else:
            try:
                _check_parent(account, parent)
            except AccountCycle as exc:
                errors.update(exc.field_errors)
    for name, value in data.items():
        setattr(account, name, value)
    account.name_key = company_name_key(account.name)
    full_clean_or_raise(account, errors, exclude=("tags",))
    return tags


def _identity(account: Account) -> dict[str, Any]:
    """The fields a duplicate is recognised by."""
    return {
        "name": account.name,
        "tax_id": account.tax_id,
        "website": account.website,
        "email": account.email,
        "phone": account.phone,
    }


@transaction.atomic
def account_create(
    *,
    actor: Any,
    owner: Any = None,
    address: Mapping[str, Any] | None = None,
    duplicate_check: bool = False,
    **fields: Any,
) -> Account:
    """A new account owned by `owner`; without one, by the assignment rules (crm.core.assignment), else the
    actor. `address` (kind, street, postal_code, city, region, country) becomes its primary address.

    `duplicate_check` refuses (LikelyDuplicate) an account that looks like one the actor can already see."""
    reject_unknown(fields, ACCOUNT_FIELDS - {"owner"})
    owner = owner or account_owner_by_rules(fields=fields, address=address) or actor
    owner_check(owner)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    account = Account(owner=owner)
    errors: dict[str, list[str]] = {}
    if not str(fields.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    tags = _apply(account, dict(fields), errors)
    if duplicate_check:
        duplicates_refuse(actor=actor, object_type="accounts", values=_identity(account))
    with audit_context(actor=actor):
        account.save()
        if tags:
            account.tags.set(tags_resolve(names=tags))
    if address:
        primary_address_add(actor=actor, account=account, address=address)
        account_territory_refresh(account_ids=[account.pk])
        account.refresh_from_db(fields=["territory"])
    return account


@transaction.atomic
def account_update(
    *,
    actor: Any,
    account: Account,
    expected_version: int | None = None,
    reason: str = "",
    duplicate_check: bool = False,
    **changes: Any,
) -> Account:
    """Change an account's fields. `expected_version` refuses a save over someone else's newer edit."""
    reject_unknown(changes, ACCOUNT_FIELDS)
    locked = Account.objects.select_for_update().filter(pk=account.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    old_owner_id = locked.owner_id
    if "owner" in changes:
        owner_check(changes["owner"])
    if "name" in changes and not str(changes.get("name") or "").strip():
        raise InvalidInput(field_errors={"name": [_("This field is required.")]})
    errors: dict[str, list[str]] = {}
    before = _identity(locked)
    tags = _apply(locked, dict(changes), errors)
    if duplicate_check and _identity(locked) != before:
        duplicates_refuse(actor=actor, object_type="accounts", values=_identity(locked), exclude_id=locked.pk)
    locked.version += 1
    with audit_context(actor=actor, reason=reason):
        locked.save()
        if tags is not None:
            locked.tags.set(tags_resolve(names=tags))
    owner_change_publish(record=locked, old_owner_id=old_owner_id, actor=actor, reason=reason)
    return locked


def account_assign_owner(*, actor: Any, account: Account, owner: Any, reason: str = "") -> Account:
    """Hand an account to another relationship manager; who, when and why land in its history."""
    return account_update(actor=actor, account=account, owner=owner, reason=reason)


@transaction.atomic
def account_delete(*, actor: Any, account: Account) -> Account:
    """Move to the recycle bin. Its activities follow it there (and come back with it)."""
    locked = Account.objects.select_for_update().filter(pk=account.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    batch = record_soft_delete(instance=locked, actor=actor)
    publish_on_commit(AccountDeleted(account_id=locked.pk, batch=batch, actor_id=getattr(actor, "pk", None)))
    return locked


@transaction.atomic
def account_bulk_assign_owner(*, actor: Any, ids: Iterable[int], owner: Any, reason: str) -> tuple[int, int]:
    """Reassign many accounts; returns (changed, skipped because not allowed or not found)."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why the records change hands.")]})
    owner_check(owner)
    return bulk_apply(
        model=Account,
        ids=ids,
        fn=lambda a: account_update(actor=actor, account=a, owner=owner, reason=reason),
    )


@transaction.atomic
def account_bulk_tag(*, actor: Any, ids: Iterable[int], tags: list[str]) -> tuple[int, int]:
    resolved = tags_resolve(names=tags)

    def add(account: Account) -> None:
        record_authorize(actor=actor, record=account, action="change")
        with audit_context(actor=actor):
            account.tags.add(*resolved)

    return bulk_apply(model=Account, ids=ids, fn=add)


@transaction.atomic
def account_bulk_delete(*, actor: Any, ids: Iterable[int]) -> tuple[int, int]:
    return bulk_apply(model=Account, ids=ids, fn=lambda a: account_delete(actor=actor, account=a))
