"""API of the relationship network: an account's hierarchy with its roll-ups, typed links between accounts
and between people (CRUD), and bulk reassignment of owners with a required reason."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from crm.contacts import network, selectors, services
from crm.contacts.services import network as network_services
from crm.core.api.params import active_user
from crm.core.api.schemas import InSchema
from crm.core.errors import InvalidInput, RecordNotFound

router = Router(tags=["network"])


class RollupOut(Schema):
    key: str
    label: str
    value: Any


class HierarchyNodeOut(Schema):
    id: int | None = Field(..., description="null: an account the caller may not see")
    name: str | None
    account_type: str | None
    is_current: bool
    children: list[HierarchyNodeOut]


class HierarchyOut(Schema):
    root: HierarchyNodeOut
    is_truncated: bool
    rollups: list[RollupOut]


class LinkedRecordOut(Schema):
    id: int
    name: str


class LinkOut(Schema):
    id: int
    link_type: str
    label: str = Field(
        ..., description="How the link reads from this record (the inverse label when incoming)."
    )
    direction: str = Field(..., description="out: this record is the link's subject; in: its object.")
    other: LinkedRecordOut
    note: str = ""


class AccountLinkIn(InSchema):
    link_type: str = Field(
        ..., description="distributor, partner, supplier or competitor (this account is … of)."
    )
    to_account_id: int
    note: str = Field("", max_length=200)


class ContactLinkIn(InSchema):
    link_type: str = Field(..., description="reports_to or assistant_of (this person … the other).")
    to_contact_id: int


class BulkOwnerIn(InSchema):
    ids: list[int] = Field(..., description="At most 1,000 ids.")
    owner_id: int
    reason: str = Field(..., max_length=500, description="Required; kept in each record's history.")


class BulkResultOut(Schema):
    changed: int
    skipped: int


def _link_rows(
    groups: list[tuple[str, list[network.LinkItem]]], record: Any, kind: str
) -> list[dict[str, Any]]:
    rows = []
    ids = [item.link_id for _label, items in groups for item in items]
    links: list[Any] = network.account_link_rows(ids) if kind == "account" else network.contact_link_rows(ids)
    raw = {link.pk: link for link in links}
    for label, items in groups:
        for item in items:
            link = raw[item.link_id]
            outgoing = getattr(link, f"from_{kind}_id") == record.pk
            rows.append(
                {
                    "id": item.link_id,
                    "link_type": link.link_type,
                    "label": label,
                    "direction": "out" if outgoing else "in",
                    "other": {"id": item.other.pk, "name": str(item.other)},
                    "note": item.note,
                }
            )
    return rows


@router.get("/accounts/{int:account_id}/hierarchy", response=HierarchyOut)
def account_hierarchy(request: HttpRequest, account_id: int) -> Any:
    """The account's family from its top parent down (subsidiaries nested), and its roll-ups over its subtree."""
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    tree = network.account_hierarchy(user=user, account=account)
    family = network.account_family(user=user, account=account)
    tree["rollups"] = [
        {"key": r.key, "label": str(r.label), "value": r.value}
        for r in network.account_rollups(user=user, family=family)
    ]
    return tree


@router.get("/accounts/{int:account_id}/links", response=list[LinkOut])
def account_link_list(request: HttpRequest, account_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    return _link_rows(network.account_links(user=user, account=account), account, "account")


@router.post("/accounts/{int:account_id}/links", response={201: LinkOut})
def account_link_create(request: HttpRequest, account_id: int, payload: AccountLinkIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    try:
        other = selectors.account_get(user=user, pk=payload.to_account_id)
    except RecordNotFound:
        raise InvalidInput(field_errors={"to_account_id": [_("Choose an account you can see.")]}) from None
    try:
        link = network_services.account_link_create(
            actor=user, from_account=account, to_account=other, link_type=payload.link_type, note=payload.note
        )
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message,
            field_errors={
                ("to_account_id" if k == "to_account" else k): v for k, v in exc.field_errors.items()
            },
        ) from None
    row = {
        "id": link.pk,
        "link_type": link.link_type,
        "label": str(link.get_link_type_display()),
        "direction": "out",
        "other": {"id": other.pk, "name": other.name},
        "note": link.note,
    }
    return Status(201, row)


@router.delete("/accounts/{int:account_id}/links/{int:link_id}", response={204: None})
def account_link_delete(request: HttpRequest, account_id: int, link_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    account = selectors.account_get(user=user, pk=account_id)
    link = network.account_link_get(user=user, pk=link_id)
    if account.pk not in (link.from_account_id, link.to_account_id):
        raise RecordNotFound()
    network_services.account_link_delete(actor=user, link=link)
    return Status(204, None)


@router.get("/contacts/{int:contact_id}/links", response=list[LinkOut])
def contact_link_list(request: HttpRequest, contact_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    return _link_rows(network.contact_links(user=user, contact=contact), contact, "contact")


@router.post("/contacts/{int:contact_id}/links", response={201: LinkOut})
def contact_link_create(request: HttpRequest, contact_id: int, payload: ContactLinkIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    try:
        other = selectors.contact_get(user=user, pk=payload.to_contact_id)
    except RecordNotFound:
        raise InvalidInput(field_errors={"to_contact_id": [_("Choose a contact you can see.")]}) from None
    try:
        link = network_services.contact_link_create(
            actor=user, from_contact=contact, to_contact=other, link_type=payload.link_type
        )
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message,
            field_errors={
                ("to_contact_id" if k == "to_contact" else k): v for k, v in exc.field_errors.items()
            },
        ) from None
    row = {
        "id": link.pk,
        "link_type": link.link_type,
        "label": str(link.get_link_type_display()),
        "direction": "out",
        "other": {"id": other.pk, "name": str(other)},
        "note": "",
    }
    return Status(201, row)


@router.delete("/contacts/{int:contact_id}/links/{int:link_id}", response={204: None})
def contact_link_delete(request: HttpRequest, contact_id: int, link_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    contact = selectors.contact_get(user=user, pk=contact_id)
    link = network.contact_link_get(user=user, pk=link_id)
    if contact.pk not in (link.from_contact_id, link.to_contact_id):
        raise RecordNotFound()
    network_services.contact_link_delete(actor=user, link=link)
    return Status(204, None)


@router.post("/accounts/bulk/owner", response=BulkResultOut)
def account_bulk_owner(request: HttpRequest, payload: BulkOwnerIn) -> Any:
    """Hand many accounts to one relationship manager; the reason is required and lands in each history."""
    user = request.auth  # type: ignore[attr-defined]
    owner = active_user(field="owner_id", pk=payload.owner_id)
    changed, skipped = services.account_bulk_assign_owner(
        actor=user, ids=payload.ids, owner=owner, reason=payload.reason
    )
    return {"changed": changed, "skipped": skipped}


@router.post("/contacts/bulk/owner", response=BulkResultOut)
def contact_bulk_owner(request: HttpRequest, payload: BulkOwnerIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    owner = active_user(field="owner_id", pk=payload.owner_id)
    changed, skipped = services.contact_bulk_assign_owner(
        actor=user, ids=payload.ids, owner=owner, reason=payload.reason
    )
    return {"changed": changed, "skipped": skipped}
