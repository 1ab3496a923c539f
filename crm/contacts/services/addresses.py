"""Postal addresses of accounts and contacts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.contacts.models import Account, Address, Contact
from crm.contacts.services.territories import account_territory_refresh
from crm.contacts.services.validation import full_clean_or_raise, reject_unknown
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.records import record_authorize

ADDRESS_FIELDS = frozenset({"kind", "street", "city", "region", "postal_code", "country", "is_primary"})


def _clean(address: Address, data: dict[str, Any]) -> None:
    reject_unknown(data, ADDRESS_FIELDS)
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = " ".join(value.split())
        setattr(address, name, value)
    address.country = (address.country or "").upper()
    if address.country and (len(address.country) != 2 or not address.country.isalpha()):
        errors["country"] = [_("Use the two-letter country code, e.g. ES.")]
    if not any((address.street, address.city, address.postal_code)):
        errors["street"] = [_("Give at least a street, a city or a postal code.")]
    full_clean_or_raise(address, errors, exclude=("account", "contact"))


@transaction.atomic
def address_add(
    *, actor: Any, account: Account | None = None, contact: Contact | None = None, **fields: Any
) -> Address:
    parent = account or contact
    if parent is None or (account is not None and contact is not None):
        raise InvalidInput(field_errors={"owner": [_("An address belongs to one account or one contact.")]})
    record_authorize(actor=actor, record=parent, action="change")
    address = Address(account=account, contact=contact)
    _clean(address, fields)
    with audit_context(actor=actor):
        if address.is_primary:
            Address.objects.filter(account=account, contact=contact).update(is_primary=False)
        address.save()
    if address.account_id is not None:
        account_territory_refresh(account_ids=[address.account_id])
    return address


@transaction.atomic
def address_update(*, actor: Any, address: Address, **changes: Any) -> Address:
    parent = address.account or address.contact
    if parent is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=parent, action="change")
    _clean(address, changes)
    with audit_context(actor=actor):
        if address.is_primary:
            Address.objects.filter(account=address.account, contact=address.contact).exclude(
                pk=address.pk
            ).update(is_primary=False)
        address.save()
    if address.account_id is not None:
        account_territory_refresh(account_ids=[address.account_id])
    return address


@transaction.atomic
def address_remove(*, actor: Any, address: Address) -> None:
    parent = address.account or address.contact
    if parent is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=parent, action="change")
    account_id = address.account_id
    with audit_context(actor=actor):
        address.delete()
    if account_id is not None:
        account_territory_refresh(account_ids=[account_id])


def primary_address_add(*, actor: Any, address: Any, **parent: Any) -> Address:
    """The first address of a record being created (its creator may not own it: the rules chose the owner);
    errors are named `address.<field>`."""
    try:
        with audit_context(actor=actor):
            return address_add(actor=None, **parent, **{"is_primary": True, **dict(address)})
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, field_errors={f"address.{k}": v for k, v in exc.field_errors.items()}
        ) from None
