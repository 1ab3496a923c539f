"""Ownership rules for accounts and contacts: the facts the rule engine (crm.core.assignment) matches on,
and the load counts "least loaded" needs. The create services call `account_owner_by_rules` /
`contact_owner_by_rules` when no owner is given; bulk paths (the importer) call
`crm.core.assignment.services.assignment_owners_pick(object_type=…, facts_list=[account_facts(…), …])`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count

from crm.contacts.models import Account, Address, Contact
from crm.core.assignment.services import assignment_owner_pick


def account_facts(*, fields: Mapping[str, Any], address: Mapping[str, Any] | None = None) -> dict[str, str]:
    """What rules match on for a new account: its industry and size, and the country, region and postal code
    of its (first) address."""
    address = address or {}
    return {
        "industry": str(fields.get("industry") or ""),
        "size": str(fields.get("size") or ""),
        "country": str(address.get("country") or "").upper(),
        "region": str(address.get("region") or ""),
        "postal_code": str(address.get("postal_code") or ""),
    }


def contact_facts(*, account: Account | None, address: Mapping[str, Any] | None = None) -> dict[str, str]:
    """A new contact matches on their own address when given, else on their account's primary address; the
    industry and size are their account's."""
    if not address and account is not None and account.pk:
        primary = Address.objects.filter(account=account).order_by("-is_primary", "id").first()
        if primary is not None:
            address = {
                "country": primary.country,
                "region": primary.region,
                "postal_code": primary.postal_code,
            }
    fields = {"industry": account.industry, "size": account.size} if account is not None else {}
    return account_facts(fields=fields, address=address)


def account_owner_by_rules(*, fields: Mapping[str, Any], address: Mapping[str, Any] | None = None) -> Any:
    return assignment_owner_pick(
        object_type="contacts.account", facts=account_facts(fields=fields, address=address)
    )


def contact_owner_by_rules(*, account: Account | None, address: Mapping[str, Any] | None = None) -> Any:
    return assignment_owner_pick(
        object_type="contacts.contact", facts=contact_facts(account=account, address=address)
    )


def _owned(model: type[Account] | type[Contact], user_ids: Sequence[int]) -> dict[int, int]:
    rows = model.objects.filter(owner_id__in=list(user_ids)).values("owner_id").annotate(n=Count("id"))
    return {r["owner_id"]: r["n"] for r in rows}


def account_owned_counts(user_ids: Sequence[int]) -> dict[int, int]:
    return _owned(Account, user_ids)


def contact_owned_counts(user_ids: Sequence[int]) -> dict[int, int]:
    return _owned(Contact, user_ids)
