"""API schemas for accounts, contacts, memberships and addresses.

`*In` and `*Patch` list exactly what a client may write: never ids, timestamps or `version` (PATCH takes the
version as the optimistic-locking precondition only). The owner is set on create (`owner_id`, checked by the
service) and changed afterwards only through `POST /{accounts|contacts}/{id}/owner`, which records a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from crm.contacts.enums import (
    AccountStatus,
    AccountType,
    AddressKind,
    CompanySize,
    Consent,
    ContactRole,
    Industry,
)
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut

Blank = Literal[""]


class AccountRefOut(Schema):
    id: int
    name: str


class TerritoryRefOut(Schema):
    """The account's sales territory (its primary address matched against the territories; read-only)."""

    id: int
    name: str


class ContactRefOut(Schema):
    id: int
    full_name: str
    email: str


# --- accounts ---------------------------------------------------------------------------------------------
class AccountOut(Schema):
    id: int
    name: str
    legal_name: str
    tax_id: str
    account_type: AccountType
    status: AccountStatus
    industry: Industry | Blank
    size: CompanySize | Blank
    website: str
    email: str
    phone: str
    other_emails: list[str]
    other_phones: list[str]
    description: str
    parent: AccountRefOut | None = None
    territory: TerritoryRefOut | None = None
    owner: UserRefOut
    tags: list[str]
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        names = getattr(obj, "tag_names", None)  # list pages attach them in one query (selectors)
        return sorted(names if names is not None else (t.name for t in obj.tags.all()))

    @staticmethod
    def resolve_territory(obj: Any) -> dict[str, Any] | None:
        if obj.territory_id is None:
            return None
        name = getattr(obj, "territory_name", None)  # list pages attach it in one query (selectors)
        return {"id": obj.territory_id, "name": name if name is not None else obj.territory.name}


class AccountPage(PageOut[AccountOut]):
    pass


class _AccountFields(InSchema):
    legal_name: str = Field("", max_length=200)
    tax_id: str = Field("", max_length=40)
    account_type: AccountType = AccountType.PROSPECT
    status: AccountStatus = AccountStatus.ACTIVE
    industry: Industry | Blank = ""
    size: CompanySize | Blank = ""
    website: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    other_emails: list[str] = []
    other_phones: list[str] = []
    description: str = ""
    parent_id: int | None = None
    tags: list[str] = []
    custom: dict[str, Any] = {}


class AccountIn(_AccountFields):
    name: str = Field(..., max_length=200)
    owner_id: int | None = Field(
        None, description="The relationship manager; default: the assignment rules' choice, else the caller."
    )
    address: AddressIn | None = Field(
        None,
        description="Its primary address (territory rules match on its country, region and postal code).",
    )


class AccountPatch(PatchSchema):
    """Only the fields sent are changed. `version` (or the If-Match header) refuses a stale write with 409."""

    NULLABLE = frozenset({"parent_id", "custom", "version"})

    name: str | None = Field(None, max_length=200)
    legal_name: str | None = Field(None, max_length=200)
    tax_id: str | None = Field(None, max_length=40)
    account_type: AccountType | None = None
    status: AccountStatus | None = None
    industry: Industry | Blank | None = None
    size: CompanySize | Blank | None = None
    website: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    other_emails: list[str] | None = None
    other_phones: list[str] | None = None
    description: str | None = None
    parent_id: int | None = None
    tags: list[str] | None = None
    custom: dict[str, Any] | None = Field(
        None, description="Merged into the stored values; null clears a key."
    )
    version: int | None = Field(
        None, description="The version you read; a newer one on the server answers 409."
    )


# --- contacts ---------------------------------------------------------------------------------------------
class MembershipOut(Schema):
    account: AccountRefOut
    role: ContactRole | Blank
    job_title: str
    is_primary: bool


class AccountMemberOut(Schema):
    contact: ContactRefOut
    role: ContactRole | Blank
    job_title: str
    is_primary: bool


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    job_title: str
    department: str
    email: str
    other_emails: list[str]
    phone: str
    mobile: str
    other_phones: list[str]
    language: str
    birthday: dt.date | None = None
    description: str
    primary_account: AccountRefOut | None = None
    owner: UserRefOut
    email_consent: Consent
    consent_changed_at: dt.datetime | None = None
    consent_source: str
    do_not_call: bool
    tags: list[str]
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        names = getattr(obj, "tag_names", None)  # list pages attach them in one query (selectors)
        return sorted(names if names is not None else (t.name for t in obj.tags.all()))


class ContactDetailOut(ContactOut):
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: Any) -> list[Any]:
        return list(obj.memberships.all())


class ContactPage(PageOut[ContactOut]):
    pass


class ContactIn(InSchema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    job_title: str = Field("", max_length=120)
    department: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    other_emails: list[str] = []
    phone: str = Field("", max_length=40)
    mobile: str = Field("", max_length=40)
    other_phones: list[str] = []
    language: str = Field("", max_length=8)
    birthday: dt.date | None = None
    description: str = ""
    email_consent: Consent = Consent.UNKNOWN
    consent_source: str = Field("", max_length=120)
    do_not_call: bool = False
    tags: list[str] = []
    custom: dict[str, Any] = {}
    owner_id: int | None = Field(None, description="Default: the assignment rules' choice, else the caller.")
    account_id: int | None = Field(None, description="Make the contact a member of this account (primary).")
    account_role: ContactRole | Blank = ""
    address: AddressIn | None = Field(None, description="Their primary address.")


class ContactPatch(PatchSchema):
    NULLABLE = frozenset({"birthday", "custom", "version"})

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    job_title: str | None = Field(None, max_length=120)
    department: str | None = Field(None, max_length=120)
    email: str | None = Field(None, max_length=254)
    other_emails: list[str] | None = None
    phone: str | None = Field(None, max_length=40)
    mobile: str | None = Field(None, max_length=40)
    other_phones: list[str] | None = None
    language: str | None = Field(None, max_length=8)
    birthday: dt.date | None = None
    description: str | None = None
    email_consent: Consent | None = None
    consent_source: str | None = Field(None, max_length=120)
    do_not_call: bool | None = None
    tags: list[str] | None = None
    custom: dict[str, Any] | None = None
    version: int | None = None


# --- owner change, memberships, addresses ------------------------------------------------------------------
class OwnerChangeIn(InSchema):
    owner_id: int
    reason: str = Field("", max_length=500, description="Why; kept in the record's history.")


class MembershipIn(InSchema):
    account_id: int
    role: ContactRole | Blank = ""
    job_title: str = Field("", max_length=120)
    is_primary: bool = False


class AddressOut(Schema):
    id: int
    kind: AddressKind
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    is_primary: bool


class AddressIn(InSchema):
    kind: AddressKind = AddressKind.OFFICE
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2, e.g. ES.")
    is_primary: bool = False


class AddressPatch(PatchSchema):
    kind: AddressKind | None = None
    street: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    is_primary: bool | None = None


# AccountIn and ContactIn refer to AddressIn, defined further down
AccountIn.model_rebuild()
ContactIn.model_rebuild()
