"""Writes on contacts and their account memberships."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.assignment import contact_owner_by_rules
from crm.contacts.enums import ContactRole
from crm.contacts.events import ContactDeleted
from crm.contacts.matching import person_name_key
from crm.contacts.models import Account, Contact, ContactAccount
from crm.contacts.services.addresses import primary_address_add
from crm.contacts.services.bulk import bulk_apply
from crm.contacts.services.duplicates import duplicate_check as duplicates_refuse
from crm.contacts.services.ownership import owner_change_publish, owner_check
from crm.contacts.services.tags import tags_resolve
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

OBJECT_TYPE = "contacts.contact"
CONTACT_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "job_title",
        "department",
        "email",
        "other_emails",
        "phone",
        "mobile",
        "other_phones",
        "language",
        "birthday",
        "description",
        "owner",
        "email_consent",
        "consent_source",
        "do_not_call",
        "tags",
        "custom",
    }
)


def _apply(contact: Contact, data: dict[str, Any], errors: dict[str, list[str]]) -> list[Any] | None:
    clean_phones(data, ("phone", "mobile"), errors)
    clean_list(data, "other_emails", "email", errors)
    clean_list(data, "other_phones", "phone", errors)
    for name in ("first_name", "last_name", "job_title", "department"):
        if name in data:
            data[name] = " ".join(str(data[name] or "").split())
    if "email" in data:
        data["email"] = (data["email"] or "").strip().lower()
    if "email_consent" in data and data["email_consent"] != contact.email_consent:
        contact.consent_changed_at = timezone.now()
    tags = data.pop("tags", None)
    if "custom" in data:
        try:
            data["custom"] = custom_values_clean(
                object_type=OBJECT_TYPE,
                values=data["custom"],
                existing=contact.custom if contact.pk else None,
            )
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            data.pop("custom")
    elif contact.pk is None:
        try:
            contact.custom = custom_values_clean(object_type=OBJECT_TYPE, values={}, existing=None)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    for name, value in data.items():
        setattr(contact, name, value)
    contact.full_name = contact.compose_full_name()
    contact.name_key = person_name_key(contact.first_name, contact.last_name)
    if not contact.full_name and not contact.email:
        errors.setdefault("last_name", []).append(_("Give at least a name or an email address."))
    full_clean_or_raise(contact, errors, exclude=("tags",))
    return tags


def _identity(contact: Contact) -> dict[str, Any]:
    """The fields a duplicate is recognised by."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "mobile": contact.mobile,
        "account_id": contact.primary_account_id,
    }


@transaction.atomic
def contact_create(
    *,
    actor: Any,
    owner: Any = None,
    account: Account | None = None,
    account_role: str = "",
    address: Mapping[str, Any] | None = None,
    duplicate_check: bool = False,
    **fields: Any,
) -> Contact:
    """A new contact, optionally a member of `account` (which becomes their primary account). Without an
    `owner`, the assignment rules pick one (else the actor). `address` becomes their primary address.

    `duplicate_check` refuses (LikelyDuplicate) a contact that looks like one the actor can already see."""
    reject_unknown(fields, CONTACT_FIELDS - {"owner"})
    owner = owner or contact_owner_by_rules(account=account, address=address) or actor
    owner_check(owner)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    if account is not None:
        record_authorize(actor=actor, record=account, action="view")
    contact = Contact(owner=owner)
    errors: dict[str, list[str]] = {}
    if account_role and account_role not in ContactRole.values:
        errors["account_role"] = [_("Choose a valid role.")]
    tags = _apply(contact, dict(fields), errors)
    # set before the first save: the audit shows "created", not a separate "changed account" right after it
    contact.primary_account = account
    if duplicate_check:
        duplicates_refuse(actor=actor, object_type="contacts", values=_identity(contact))
    with audit_context(actor=actor):
        contact.save()
        if tags:
            contact.tags.set(tags_resolve(names=tags))
        if account is not None:
            ContactAccount.objects.create(
                contact=contact, account=account, role=account_role, is_primary=True
            )
    if address:
        primary_address_add(actor=actor, contact=contact, address=address)
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: Any,
    contact: Contact,
    expected_version: int | None = None,
    reason: str = "",
    duplicate_check: bool = False,
    **changes: Any,
) -> Contact:
    reject_unknown(changes, CONTACT_FIELDS)
    locked = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    if "owner" in changes:
        owner_check(changes["owner"])
    old_owner_id = locked.owner_id
    errors: dict[str, list[str]] = {}
    before = _identity(locked)
    tags = _apply(locked, dict(changes), errors)
    if duplicate_check and _identity(locked) != before:
        duplicates_refuse(actor=actor, object_type="contacts", values=_identity(locked), exclude_id=locked.pk)
    locked.version += 1
    with audit_context(actor=actor, reason=reason):
        locked.save()
        if tags is not None:
            locked.tags.set(tags_resolve(names=tags))
    owner_change_publish(record=locked, old_owner_id=old_owner_id, actor=actor, reason=reason)
    return locked


def contact_assign_owner(*, actor: Any, contact: Contact, owner: Any, reason: str = "") -> Contact:
    return contact_update(actor=actor, contact=contact, owner=owner, reason=reason)


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> Contact:
    locked = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    batch = record_soft_delete(instance=locked, actor=actor)
    publish_on_commit(ContactDeleted(contact_id=locked.pk, batch=batch, actor_id=getattr(actor, "pk", None)))
    return locked


@transaction.atomic
def contact_link_account(
    *,
    actor: Any,
    contact: Contact,
    account: Account,
    role: str = "",
    job_title: str = "",
    is_primary: bool = False,
) -> ContactAccount:
    """Make `contact` a member of `account` with a role (or change the role if already a member)."""
    record_authorize(actor=actor, record=contact, action="change")
    record_authorize(actor=actor, record=account, action="view")
    if role and role not in ContactRole.values:
        raise InvalidInput(field_errors={"role": [_("Choose a valid role.")]})
    with audit_context(actor=actor):
        membership, _created = ContactAccount.objects.update_or_create(
            contact=contact, account=account, defaults={"role": role, "job_title": job_title[:120]}
        )
        if is_primary or contact.primary_account_id is None:
            ContactAccount.objects.filter(contact=contact).exclude(pk=membership.pk).update(is_primary=False)
            membership.is_primary = True
            membership.save(update_fields=["is_primary"])
            contact.primary_account = account
            contact.save(update_fields=["primary_account", "updated_at"])
    return membership


@transaction.atomic
def contact_unlink_account(*, actor: Any, contact: Contact, account: Account) -> None:
    record_authorize(actor=actor, record=contact, action="change")
    with audit_context(actor=actor):
        membership = ContactAccount.objects.filter(contact=contact, account=account).first()
        if membership is None:
            raise RecordNotFound()
        membership.delete()
        if contact.primary_account_id == account.pk:
            nxt = ContactAccount.objects.filter(contact=contact).order_by("-is_primary", "created_at").first()
            contact.primary_account = nxt.account if nxt else None
            if nxt:
                ContactAccount.objects.filter(pk=nxt.pk).update(is_primary=True)
            contact.save(update_fields=["primary_account", "updated_at"])


@transaction.atomic
def contact_bulk_assign_owner(*, actor: Any, ids: Iterable[int], owner: Any, reason: str) -> tuple[int, int]:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why the records change hands.")]})
    owner_check(owner)
    return bulk_apply(
        model=Contact,
        ids=ids,
        fn=lambda c: contact_update(actor=actor, contact=c, owner=owner, reason=reason),
    )


@transaction.atomic
def contact_bulk_tag(*, actor: Any, ids: Iterable[int], tags: list[str]) -> tuple[int, int]:
    resolved = tags_resolve(names=tags)

    def add(contact: Contact) -> None:
        record_authorize(actor=actor, record=contact, action="change")
        with audit_context(actor=actor):
            contact.tags.add(*resolved)

    return bulk_apply(model=Contact, ids=ids, fn=add)


@transaction.atomic
def contact_bulk_delete(*, actor: Any, ids: Iterable[int]) -> tuple[int, int]:
    return bulk_apply(model=Contact, ids=ids, fn=lambda c: contact_delete(actor=actor, contact=c))
