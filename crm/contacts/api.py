"""API: accounts, contacts, their memberships, addresses, owner changes and history.

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize.
Lists share the UI's ListSpecs (crm/contacts/listing.py): the same filters, sort keys and cursors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.contacts import selectors, services
from crm.contacts.duplicates.schemas import DUPLICATE_409, AllowDuplicate
from crm.contacts.listing import ACCOUNT_LIST, CONTACT_LIST
from crm.contacts.schemas import (
    AccountIn,
    AccountMemberOut,
    AccountOut,
    AccountPage,
    AccountPatch,
    AddressIn,
    AddressOut,
    AddressPatch,
    ContactDetailOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    MembershipIn,
    MembershipOut,
    OwnerChangeIn,
)
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args, rows_response
from crm.core.api.params import active_user, expected_version
from crm.core.audit.api import history
from crm.core.audit.schemas import AuditPage
from crm.core.errors import InvalidInput, RecordNotFound

router = Router()
accounts = Router(tags=["accounts"])
contacts = Router(tags=["contacts"])
addresses = Router(tags=["addresses"])
router.add_router("/accounts", accounts)
router.add_router("/contacts", contacts)
router.add_router("/addresses", addresses)

ACCOUNT_FIELD_NAMES = {"owner": "owner_id", "parent": "parent_id"}
CONTACT_FIELD_NAMES = {"owner": "owner_id", "account": "account_id", "primary_account": "account_id"}


def _visible_account(user: Any, *, field: str, pk: int | None) -> Any:
    """An account the caller can see, referenced from a body field (a bad reference is a 422 on that field)."""
    if pk is None:
        return None
    try:
        return selectors.account_get(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={field: [_("Choose an account you can see.")]}) from None


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


# --- accounts ---------------------------------------------------------------------------------------------
@accounts.get("", response=AccountPage, openapi_extra=list_openapi(ACCOUNT_LIST))
def account_list(request: HttpRequest) -> Any:
    """Accounts the caller may see, filtered like the web list (`?status=active&owner=me&tag=vip`)."""
    with query_errors():
        return selectors.account_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@accounts.post("", response={201: AccountOut}, openapi_extra=DUPLICATE_409)
def account_create(request: HttpRequest, payload: AccountIn, allow_duplicate: AllowDuplicate = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    with renamed_fields(ACCOUNT_FIELD_NAMES):
        owner_id, parent_id = data.pop("owner_id"), data.pop("parent_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        parent = _visible_account(user, field="parent_id", pk=parent_id)
        account = services.account_create(
            actor=user, owner=owner, parent=parent, duplicate_check=not allow_duplicate, **data
        )
    return Status(201, selectors.account_get(user=user, pk=account.pk))


@accounts.get("/{int:account_id}", response=AccountOut)
def account_get(request: HttpRequest, account_id: int, response: HttpResponse) -> Any:
    account = selectors.account_get(user=request.auth, pk=account_id)  # type: ignore[attr-defined]
    _etag(response, account.version)
    return account


@accounts.patch("/{int:account_id}", response=AccountOut, openapi_extra=DUPLICATE_409)
def account_update(
    request: HttpRequest,
    account_id: int,
    payload: AccountPatch,
    response: HttpResponse,
    allow_duplicate: AllowDuplicate = False,
) -> Any:
    """Change the fields sent. Send `If-Match: <version>` (or `version`) to refuse overwriting a newer edit."""
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(ACCOUNT_FIELD_NAMES):
        if "parent_id" in changes:
            changes["parent"] = _visible_account(user, field="parent_id", pk=changes.pop("parent_id"))
        services.account_update(
            actor=user,
            account=account,
            expected_version=version,
            duplicate_check=not allow_duplicate,
            **changes,
        )
    account = selectors.account_get(user=user, pk=account_id)
    _etag(response, account.version)
    return account


@accounts.delete("/{int:account_id}", response={204: None})
def account_delete(request: HttpRequest, account_id: int) -> Any:
    """Move to the recycle bin (with its activities); restore with POST /recycle-bin/contacts.account/{id}/restore."""
    user = request.auth  # type: ignore[attr-defined]
    services.account_delete(actor=user, account=selectors.account_get(user=user, pk=account_id))
    return Status(204, None)


@accounts.post("/{int:account_id}/owner", response=AccountOut)
def account_assign_owner(request: HttpRequest, account_id: int, payload: OwnerChangeIn) -> Any:
    """Hand the account to another relationship manager; who, when and why land in its history."""
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    with renamed_fields(ACCOUNT_FIELD_NAMES):
        owner = active_user(field="owner_id", pk=payload.owner_id)
        services.account_assign_owner(actor=user, account=account, owner=owner, reason=payload.reason)
    return selectors.account_get(user=user, pk=account_id)


@accounts.get("/{int:account_id}/contacts", response=list[AccountMemberOut])
def account_contacts(request: HttpRequest, account_id: int) -> Any:
    """The account's contacts (that the caller may see) with their role there; primary ones first."""
    user = request.auth  # type: ignore[attr-defined]
    return selectors.account_contacts(user=user, account=selectors.account_get(user=user, pk=account_id))


@accounts.get("/{int:account_id}/addresses", response=list[AddressOut])
def account_addresses(request: HttpRequest, account_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return selectors.account_addresses(account=selectors.account_get(user=user, pk=account_id))


@accounts.post("/{int:account_id}/addresses", response={201: AddressOut})
def account_address_add(request: HttpRequest, account_id: int, payload: AddressIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    return Status(201, services.address_add(actor=user, account=account, **payload.model_dump()))


@accounts.get("/{int:account_id}/history", response=AuditPage)
def account_history(
    request: HttpRequest, account_id: int, cursor: str | None = None, limit: str | None = None
) -> Any:
    """Every change to the account, newest first: who, when, through which door, each field's old → new."""
    account = selectors.account_get(user=request.auth, pk=account_id)  # type: ignore[attr-defined]
    return history(object_type=ACCOUNT_LIST.object_type, object_id=account.pk, cursor=cursor, limit=limit)


# --- contacts ---------------------------------------------------------------------------------------------
@contacts.get("", response=ContactPage, openapi_extra=list_openapi(CONTACT_LIST))
def contact_list(request: HttpRequest) -> Any:
    """Contacts the caller may see, filtered like the web list (`?account=42&email_consent=granted`)."""
    with query_errors():
        page = selectors.contact_row_page(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]
    return rows_response(page, ContactOut)


@contacts.post("", response={201: ContactDetailOut}, openapi_extra=DUPLICATE_409)
def contact_create(request: HttpRequest, payload: ContactIn, allow_duplicate: AllowDuplicate = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    with renamed_fields(CONTACT_FIELD_NAMES):
        owner_id, account_id = data.pop("owner_id"), data.pop("account_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        account = _visible_account(user, field="account_id", pk=account_id)
        contact = services.contact_create(
            actor=user, owner=owner, account=account, duplicate_check=not allow_duplicate, **data
        )
    return Status(201, selectors.contact_get(user=user, pk=contact.pk))


@contacts.get("/{int:contact_id}", response=ContactDetailOut)
def contact_get(request: HttpRequest, contact_id: int, response: HttpResponse) -> Any:
    contact = selectors.contact_get(user=request.auth, pk=contact_id)  # type: ignore[attr-defined]
    _etag(response, contact.version)
    return contact


@contacts.patch("/{int:contact_id}", response=ContactDetailOut, openapi_extra=DUPLICATE_409)
def contact_update(
    request: HttpRequest,
    contact_id: int,
    payload: ContactPatch,
    response: HttpResponse,
    allow_duplicate: AllowDuplicate = False,
) -> Any:
    """Change the fields sent. Send `If-Match: <version>` (or `version`) to refuse overwriting a newer edit."""
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(CONTACT_FIELD_NAMES):
        services.contact_update(
            actor=user,
            contact=contact,
            expected_version=version,
            duplicate_check=not allow_duplicate,
            **changes,
        )
    contact = selectors.contact_get(user=user, pk=contact_id)
    _etag(response, contact.version)
    return contact


@contacts.delete("/{int:contact_id}", response={204: None})
def contact_delete(request: HttpRequest, contact_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.contact_delete(actor=user, contact=selectors.contact_get(user=user, pk=contact_id))
    return Status(204, None)


@contacts.post("/{int:contact_id}/owner", response=ContactDetailOut)
def contact_assign_owner(request: HttpRequest, contact_id: int, payload: OwnerChangeIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    with renamed_fields(CONTACT_FIELD_NAMES):
        owner = active_user(field="owner_id", pk=payload.owner_id)
        services.contact_assign_owner(actor=user, contact=contact, owner=owner, reason=payload.reason)
    return selectors.contact_get(user=user, pk=contact_id)


@contacts.get("/{int:contact_id}/accounts", response=list[MembershipOut])
def contact_accounts(request: HttpRequest, contact_id: int) -> Any:
    """The accounts the contact belongs to, with their role in each; the primary one first."""
    return list(selectors.contact_get(user=request.auth, pk=contact_id).memberships.all())  # type: ignore[attr-defined]


@contacts.post("/{int:contact_id}/accounts", response={201: MembershipOut})
def contact_link_account(request: HttpRequest, contact_id: int, payload: MembershipIn) -> Any:
    """Make the contact a member of an account (or change their role there)."""
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    data = payload.model_dump()
    with renamed_fields(CONTACT_FIELD_NAMES):
        account = _visible_account(user, field="account_id", pk=data.pop("account_id"))
        membership = services.contact_link_account(actor=user, contact=contact, account=account, **data)
    return Status(201, membership)


@contacts.delete("/{int:contact_id}/accounts/{int:account_id}", response={204: None})
def contact_unlink_account(request: HttpRequest, contact_id: int, account_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    account = selectors.account_get(user=user, pk=account_id)
    services.contact_unlink_account(actor=user, contact=contact, account=account)
    return Status(204, None)


@contacts.get("/{int:contact_id}/addresses", response=list[AddressOut])
def contact_addresses(request: HttpRequest, contact_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return selectors.contact_addresses(contact=selectors.contact_get(user=user, pk=contact_id))


@contacts.post("/{int:contact_id}/addresses", response={201: AddressOut})
def contact_address_add(request: HttpRequest, contact_id: int, payload: AddressIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    return Status(201, services.address_add(actor=user, contact=contact, **payload.model_dump()))


@contacts.get("/{int:contact_id}/history", response=AuditPage)
def contact_history(
    request: HttpRequest, contact_id: int, cursor: str | None = None, limit: str | None = None
) -> Any:
    contact = selectors.contact_get(user=request.auth, pk=contact_id)  # type: ignore[attr-defined]
    return history(object_type=CONTACT_LIST.object_type, object_id=contact.pk, cursor=cursor, limit=limit)


# --- addresses --------------------------------------------------------------------------------------------
@addresses.patch("/{int:address_id}", response=AddressOut)
def address_update(request: HttpRequest, address_id: int, payload: AddressPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    address = selectors.address_get(user=user, pk=address_id)
    return services.address_update(actor=user, address=address, **payload.model_dump(exclude_unset=True))


@addresses.delete("/{int:address_id}", response={204: None})
def address_remove(request: HttpRequest, address_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.address_remove(actor=user, address=selectors.address_get(user=user, pk=address_id))
    return Status(204, None)
