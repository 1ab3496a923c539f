"""Reads for an opportunity's line items and the pickers of its form and lines section."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crm.catalog.selectors import PriceQuote, price_map_get, product_list
from crm.contacts.selectors import account_contacts
from crm.core.errors import RecordNotFound
from crm.sales.models import Opportunity, OpportunityLine


def opportunity_lines(*, opportunity: Opportunity) -> list[OpportunityLine]:
    """The lines of an opportunity the caller has already read (so may see), in order, with their products."""
    return list(
        OpportunityLine.objects.filter(opportunity_id=opportunity.pk)
        .select_related("product")
        .order_by("position", "id")
    )


def opportunity_has_lines(opportunity: Opportunity) -> bool:
    return OpportunityLine.objects.filter(opportunity_id=opportunity.pk).exists()


def opportunity_line_get(*, opportunity: Opportunity, pk: int | str) -> OpportunityLine:
    """One line of `opportunity` (read through `opportunity_get`, which scoped it); RecordNotFound otherwise."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    line = (
        OpportunityLine.objects.filter(pk=key, opportunity_id=opportunity.pk)
        .select_related("product")
        .first()
    )
    if line is None:
        raise RecordNotFound()
    return line


@dataclass(frozen=True)
class LineTotals:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def opportunity_line_totals(lines: list[OpportunityLine]) -> LineTotals:
    gross = sum((line.gross_amount for line in lines), Decimal(0))
    net = sum((line.net_amount for line in lines), Decimal(0))
    tax = sum((line.tax_amount for line in lines), Decimal(0))
    return LineTotals(gross=gross, discount=gross - net, net=net, tax=tax, total=net + tax)


@dataclass(frozen=True)
class ProductChoice:
    product: Any
    quote: PriceQuote | None  # None: no price in the opportunity's currency


def line_product_choices(*, user: Any, q: str, currency: str, limit: int = 8) -> list[ProductChoice]:
    """Active products the user may see matching `q` (name or SKU), each with its price in `currency` today
    (three queries whatever the number of hits)."""
    term = (q or "").strip()
    if not term:
        return []
    page = product_list(user=user, params={"q": term, "is_active": "true"}, sort="name", limit=limit)
    quotes = price_map_get(products=page.items, currency=currency, on_date=timezone.localdate())
    return [ProductChoice(product=p, quote=quotes.get(p.pk)) for p in page.items]


def account_contact_choices(
    *, user: Any, account: Any, q: str = "", chosen: list[int] | None = None, limit: int = 8
) -> tuple[list[Any], list[Any]]:
    """(chosen, matches) for the opportunity form's contacts picker: the chosen contacts of `account` the user
    may see, and up to `limit` other contacts of the account whose name or email contains `q` (all of them,
    up to the limit, when `q` is empty)."""
    if account is None:
        return [], []
    wanted = set(chosen or [])
    people = [m.contact for m in account_contacts(user=user, account=account, limit=200)]
    picked = [c for c in people if c.pk in wanted]
    term = " ".join((q or "").lower().split())
    others = [
        c
        for c in people
        if c.pk not in wanted and (not term or term in (c.full_name or "").lower() or term in (c.email or ""))
    ]
    return picked, others[:limit]
