"""Writes on the relationship network: typed links between accounts and between people, and a person's
role in an account. Every change is audited (the links are registered with the audit trail)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.contacts.enums import ACCOUNT_LINK_SYMMETRIC, AccountLinkType, ContactLinkType, ContactRole
from crm.contacts.models import Account, AccountLink, Contact, ContactAccount, ContactLink
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.records import record_authorize


@transaction.atomic
def account_link_create(
    *, actor: Any, from_account: Account, to_account: Account, link_type: str, note: str = ""
) -> AccountLink:
    """`from_account` is "<link_type> of" `to_account`. Needs change rights on the first, sight of the second."""
    record_authorize(actor=actor, record=from_account, action="change")
    record_authorize(actor=actor, record=to_account, action="view")
    if link_type not in AccountLinkType.values:
        raise InvalidInput(field_errors={"link_type": [_("Choose a valid link type.")]})
    if from_account.pk == to_account.pk:
        raise InvalidInput(field_errors={"to_account": [_("An account cannot be linked to itself.")]})
    same = AccountLink.objects.filter(from_account=from_account, to_account=to_account, link_type=link_type)
    if link_type in ACCOUNT_LINK_SYMMETRIC:
        same = same | AccountLink.objects.filter(
            from_account=to_account, to_account=from_account, link_type=link_type
        )
    if same.exists():
        raise InvalidInput(field_errors={"to_account": [_("These accounts are already linked this way.")]})
    try:
        with audit_context(actor=actor), transaction.atomic():
            return AccountLink.objects.create(
                from_account=from_account,
                to_account=to_account,
                link_type=link_type,
                note=str(note or "")[:200],
            )
    except IntegrityError:  # the same link saved by a concurrent request a moment ago
        raise InvalidInput(
            field_errors={"to_account": [_("These accounts are already linked this way.")]}
        ) from None


@transaction.atomic
def account_link_delete(*, actor: Any, link: AccountLink) -> None:
    """Remove a link; whoever may change either of the two accounts may remove it."""
    try:
        record_authorize(actor=actor, record=link.from_account, action="change")
    except (RecordNotFound, PermissionDenied):
        record_authorize(actor=actor, record=link.to_account, action="change")
    with audit_context(actor=actor):
        link.delete()


@transaction.atomic
def contact_link_create(
    *, actor: Any, from_contact: Contact, to_contact: Contact, link_type: str
) -> ContactLink:
    """`from_contact` "reports to" / "is assistant of" `to_contact`."""
    record_authorize(actor=actor, record=from_contact, action="change")
    record_authorize(actor=actor, record=to_contact, action="view")
    if link_type not in ContactLinkType.values:
        raise InvalidInput(field_errors={"link_type": [_("Choose a valid link type.")]})
    if from_contact.pk == to_contact.pk:
        raise InvalidInput(field_errors={"to_contact": [_("A person cannot be linked to themselves.")]})
    if ContactLink.objects.filter(
        from_contact=from_contact, to_contact=to_contact, link_type=link_type
    ).exists():
        raise InvalidInput(field_errors={"to_contact": [_("These people are already linked this way.")]})
    if (
        link_type == ContactLinkType.REPORTS_TO
        and ContactLink.objects.filter(
            from_contact=to_contact, to_contact=from_contact, link_type=link_type
        ).exists()
    ):
        raise InvalidInput(field_errors={"to_contact": [_("Two people cannot report to each other.")]})
    try:
        with audit_context(actor=actor), transaction.atomic():
            return ContactLink.objects.create(
                from_contact=from_contact, to_contact=to_contact, link_type=link_type
            )
    except IntegrityError:  # the same link saved by a concurrent request a moment ago
        raise InvalidInput(
            field_errors={"to_contact": [_("These people are already linked this way.")]}
        ) from None


@transaction.atomic
def contact_link_delete(*, actor: Any, link: ContactLink) -> None:
    try:
        record_authorize(actor=actor, record=link.from_contact, action="change")
    except (RecordNotFound, PermissionDenied):
        record_authorize(actor=actor, record=link.to_contact, action="change")
    with audit_context(actor=actor):
        link.delete()


@transaction.atomic
def membership_role_set(*, actor: Any, contact: Contact, account: Account, role: str) -> ContactAccount:
    """Change a person's role in an account (decision maker, billing, technical, user…)."""
    record_authorize(actor=actor, record=contact, action="change")
    if role and role not in ContactRole.values:
        raise InvalidInput(field_errors={"role": [_("Choose a valid role.")]})
    membership = ContactAccount.objects.select_for_update().filter(contact=contact, account=account).first()
    if membership is None:
        raise RecordNotFound()
    if membership.role != role:
        membership.role = role
        with audit_context(actor=actor):
            membership.save(update_fields=["role"])
    return membership
