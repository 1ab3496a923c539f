"""API schemas for quotes.

`QuoteIn` / `QuotePatch` list exactly what a client may write; lines are replaced as a whole with
`PUT /quotes/{id}/lines`. Status, numbers, totals, approvals and answers change only through the workflow
endpoints (`submit`, `approve`, `reject`, `send`, `revise`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from crm.contacts.schemas import AccountRefOut, ContactRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import ApprovalStatus, QuoteStatus


class QuoteLineIn(InSchema):
    """A catalog product (`product_id`; its price comes from the price book in the quote's currency) or a free
    line (`description` and `unit_price`). `currency`, when sent, must be the quote's."""

    product_id: int | None = None
    description: str = Field("", max_length=300)
    quantity: Decimal
    unit_price: Decimal | None = None
    unit_cost: Decimal | None = Field(None, description="default: the product's catalog cost, if known")
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal | None = None
    currency: str | None = Field(None, max_length=3)


class QuoteLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    unit_cost: Decimal | None = None
    margin: Decimal | None = None


class OpportunityRefOut(Schema):
    id: int
    name: str


class QuoteOut(Schema):
    id: int
    number: str
    revision: int
    label: str
    status: QuoteStatus
    approval_status: ApprovalStatus
    account: AccountRefOut
    opportunity: OpportunityRefOut | None
    contact: ContactRefOut | None
    owner: UserRefOut
    language: str
    currency: str
    issued_on: dt.date
    valid_until: dt.date
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    sent_at: dt.datetime | None
    sent_to: str
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    decided_by_name: str
    decision_note: str
    previous_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class QuoteDetailOut(QuoteOut):
    terms: str
    notes: str
    approved_by: UserRefOut | None
    approved_at: dt.datetime | None
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.order_by("position", "id"))


class QuotePage(PageOut[QuoteOut]):
    pass


class QuoteIn(InSchema):
    """From an opportunity (`opportunity_id`: its account, owner, currency and lines unless `lines` are sent)
    or for an account (`account_id`)."""

    opportunity_id: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    language: str | None = Field(None, max_length=10)
    valid_until: dt.date | None = None
    terms: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)
    lines: list[QuoteLineIn] | None = None


class QuotePatch(PatchSchema):
    """Only the fields sent change, and only while the quote is a draft. `version` (or If-Match) refuses a stale
    write with 409."""

    NULLABLE = frozenset({"contact_id", "version"})

    contact_id: int | None = None
    language: str | None = Field(None, max_length=10)
    currency: str | None = Field(None, min_length=3, max_length=3)
    valid_until: dt.date | None = None
    terms: str | None = Field(None, max_length=5000)
    notes: str | None = Field(None, max_length=5000)
    version: int | None = None


class QuoteLinesIn(InSchema):
    lines: list[QuoteLineIn]
    version: int | None = None


class QuoteActionIn(InSchema):
    version: int | None = None


class QuoteRejectIn(InSchema):
    reason: str = Field("", max_length=2000)
    version: int | None = None


class QuoteSendIn(InSchema):
    """`to`: the address to email (default: the recipient contact's, else the account's)."""

    to: str | None = Field(None, max_length=254)
    version: int | None = None
