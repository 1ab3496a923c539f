"""Opportunity lines: priced from the catalog, the amount follows them, and every bad input stores nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crm.core.audit.models import AuditEntry
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.sales.errors import OpportunityNotOpen
from crm.sales.models import Opportunity, OpportunityLine
from crm.sales.services import (
    opportunity_close_won,
    opportunity_line_add,
    opportunity_line_remove,
    opportunity_line_update,
    opportunity_update,
)

pytestmark = pytest.mark.django_db


def _state(opportunity: Any) -> tuple[Any, ...]:
    row = Opportunity.objects.filter(pk=opportunity.pk).values("amount", "version", "currency").get()
    lines = list(
        OpportunityLine.objects.filter(opportunity=opportunity)
        .order_by("id")
        .values_list("quantity", "discount_percent", "description", "net_amount")
    )
    return row["amount"], row["version"], row["currency"], lines


def test_add_prices_from_catalog_and_amount_is_the_sum_of_net_amounts(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    line = opportunity_line_add(
        actor=rep,
        opportunity=opportunity,
        product_id=catalog_items["laptop"].pk,
        quantity="2",
        discount_percent="10",
    )
    assert line.unit_price == Decimal("1000.00")
    assert line.tax_rate == Decimal("21")
    assert line.description == "Laptop"
    assert (line.net_amount, line.tax_amount) == (Decimal("1800.00"), Decimal("378.00"))
    opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["support"].pk, quantity="1.5"
    )
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("1920.00")
    assert opportunity.version == 3
    assert [x.position for x in OpportunityLine.objects.filter(opportunity=opportunity)] == [1, 2]


def test_update_and_remove_keep_the_amount_in_step(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    laptop = opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
    )
    support = opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["support"].pk, quantity=10
    )
    opportunity_line_update(
        actor=rep, line=laptop, quantity="3", discount_percent="50", description="Laptops"
    )
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("2300.00")
    opportunity_line_remove(actor=rep, line=support)
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("1500.00")
    opportunity_line_remove(actor=rep, line=laptop)
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("1500.00")  # the last line removed: the amount stays
    assert not OpportunityLine.objects.filter(opportunity=opportunity).exists()


def test_changes_are_audited_with_the_reason(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
    )
    entry = (
        AuditEntry.objects.filter(object_type="sales.opportunity", object_id=opportunity.pk)
        .order_by("-id")
        .first()
    )
    assert entry is not None
    assert entry.reason == "Line “Laptop” added"
    assert any(c["field"] == "amount" for c in entry.changes)
    assert AuditEntry.objects.filter(object_type="sales.opportunityline").count() == 1


@pytest.mark.parametrize(
    ("product_key", "quantity", "discount", "field"),
    [
        (None, "1", "0", "product_id"),
        ("missing", "1", "0", "product_id"),
        ("orphan", "1", "0", "product_id"),
        ("retired", "1", "0", "product_id"),
        ("laptop", "0", "0", "quantity"),
        ("laptop", "-2", "0", "quantity"),
        ("laptop", "abc", "0", "quantity"),
        ("laptop", "0.0001", "0", "quantity"),
        ("laptop", "1", "101", "discount_percent"),
        ("laptop", "1", "-1", "discount_percent"),
        ("laptop", "1", "ten", "discount_percent"),
    ],
)
def test_add_refuses_bad_input_naming_the_field_and_stores_nothing(
    rep: Any,
    opportunity: Any,
    catalog_items: dict[str, Any],
    product_key: str | None,
    quantity: str,
    discount: str,
    field: str,
) -> None:
    before = _state(opportunity)
    product_id: Any = None
    if product_key == "missing":
        product_id = 999999
    elif product_key:
        product_id = catalog_items[product_key].pk
    with pytest.raises(InvalidInput) as caught:
        opportunity_line_add(
            actor=rep,
            opportunity=opportunity,
            product_id=product_id,
            quantity=quantity,
            discount_percent=discount,
        )
    assert field in caught.value.field_errors
    assert _state(opportunity) == before


def test_currency_without_a_price_names_the_currency(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        opportunity_line_add(
            actor=rep, opportunity=opportunity, product_id=catalog_items["orphan"].pk, quantity=1
        )
    assert "has no price in EUR" in caught.value.field_errors["product_id"][0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"discount_percent": "150"}, "discount_percent"),
        ({"description": "  "}, "description"),
        ({"unit_price": "1"}, "unit_price"),
    ],
)
def test_update_refuses_bad_input_and_changes_nothing(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    line = opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
    )
    before = _state(opportunity)
    with pytest.raises(InvalidInput) as caught:
        opportunity_line_update(actor=rep, line=line, **changes)
    assert field in caught.value.field_errors
    assert _state(opportunity) == before


def test_stale_version_and_closed_opportunity_are_refused(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    laptop = catalog_items["laptop"].pk
    before = _state(opportunity)
    with pytest.raises(ConcurrentEdit):
        opportunity_line_add(
            actor=rep,
            opportunity=opportunity,
            product_id=laptop,
            quantity=1,
            expected_version=opportunity.version - 1,
        )
    assert _state(opportunity) == before
    line = opportunity_line_add(actor=rep, opportunity=opportunity, product_id=laptop, quantity=1)
    opportunity_close_won(actor=rep, opportunity=opportunity)
    before = _state(opportunity)
    with pytest.raises(OpportunityNotOpen):
        opportunity_line_add(actor=rep, opportunity=opportunity, product_id=laptop, quantity=1)
    with pytest.raises(OpportunityNotOpen):
        opportunity_line_remove(actor=rep, line=line)
    assert _state(opportunity) == before


def test_someone_who_may_not_change_the_deal_is_refused(
    make_user: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    stranger = make_user("sales_rep", team="South")
    reader = make_user("read_only", team="North")
    before = _state(opportunity)
    with pytest.raises(RecordNotFound):
        opportunity_line_add(
            actor=stranger, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
        )
    with pytest.raises((PermissionDenied, RecordNotFound)):
        opportunity_line_add(
            actor=reader, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
        )
    assert _state(opportunity) == before


def test_amount_and_currency_follow_the_lines_once_there_are_some(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["support"].pk, quantity=2
    )
    opportunity.refresh_from_db()
    before = _state(opportunity)
    with pytest.raises(InvalidInput) as caught:
        opportunity_update(actor=rep, opportunity=opportunity, amount="99", currency="USD")
    assert set(caught.value.field_errors) == {"amount", "currency"}
    assert _state(opportunity) == before
    # the same amount (the edit form sends it back unchanged) is fine
    opportunity_update(actor=rep, opportunity=opportunity, amount="160.00", next_step="Demo")


def test_the_system_adds_lines_too(opportunity: Any, catalog_items: dict[str, Any]) -> None:
    line = opportunity_line_add(
        actor=None, opportunity=opportunity, product_id=catalog_items["support"], quantity=1
    )
    assert line.net_amount == Decimal("80.00")
