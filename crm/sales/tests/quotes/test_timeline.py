"""A quote's steps land on the timelines of the quote, its opportunity and its account."""

from __future__ import annotations

from typing import Any

import pytest

from crm.activities.timeline import timeline_page
from crm.core.errors import RecordNotFound
from crm.sales.services.quotes import quote_accept, quote_create, quote_deliver, quote_send

pytestmark = pytest.mark.django_db


def _titles(user: Any, object_type: str, object_id: int) -> list[str]:
    page = timeline_page(user=user, object_type=object_type, object_id=object_id, limit=50)
    return [e.title for e in page.entries if e.source == "sales.quotes"]


def test_quote_steps_show_on_the_quote_opportunity_and_account(rep: Any, opportunity: Any) -> None:
    quote = quote_create(actor=rep, opportunity=opportunity)
    quote_create(actor=rep, account=opportunity.account)  # another quote of the account, not of this deal
    quote.lines.create(position=1, description="Consulting", quantity=1, unit_price=100, net_amount=100)
    quote_send(actor=rep, quote=quote, to="ana@acme.example", enqueue=False)
    quote_deliver(quote_id=quote.pk, actor_id=rep.pk)
    quote_accept(quote=quote, name="Ana García")

    on_deal = _titles(rep, "sales.opportunity", opportunity.pk)
    assert on_deal == [
        "Ana García accepted quote Q-00001",
        "Quote Q-00001 was emailed to ana@acme.example",
        "Rita Reyes created quote Q-00001",
    ]
    on_account = _titles(rep, "contacts.account", opportunity.account_id)
    assert "Rita Reyes created quote Q-00002" in on_account and len(on_account) == 4
    on_quote = _titles(rep, "sales.quote", quote.pk)
    assert on_quote == ["Ana García accepted quote Q-00001", "Quote Q-00001 was emailed to ana@acme.example"]


def test_someone_who_cannot_see_the_quote_gets_no_timeline(
    rep: Any, other_rep: Any, opportunity: Any
) -> None:
    quote = quote_create(actor=rep, opportunity=opportunity)
    with pytest.raises(RecordNotFound):
        timeline_page(user=other_rep, object_type="sales.quote", object_id=quote.pk)
