"""Services of orders, deliveries and the installed base: the happy path (order → partial delivery → full
delivery → assets) and every refusal, each proving nothing stored changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from crm.contacts.tests.factories import AccountFactory, ContactFactory
from crm.core import events as core_events
from crm.core.audit.models import AuditEntry
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.sales.enums import AssetStatus, DeliveryStatus, OrderStatus, QuoteStatus
from crm.sales.errors import (
    AssetNotActive,
    DeliveryStateInvalid,
    OrderNotCancellable,
    OrderNotOpen,
    QuoteAlreadyOrdered,
    QuoteNotAccepted,
)
from crm.sales.events import DeliveryDelivered, DeliveryShipped, OrderPlaced
from crm.sales.models import Asset, Delivery, DeliveryLine, NumberSequence, Order, OrderLine
from crm.sales.services.assets import (
    asset_create,
    asset_mark_returned,
    asset_update,
    assets_expire,
    months_later,
)
from crm.sales.services.deliveries import (
    delivery_cancel,
    delivery_create,
    delivery_mark_delivered,
    delivery_ship,
)
from crm.sales.services.orders import order_cancel, order_create, order_create_from_quote, order_update
from crm.sales.tests.factories import make_opportunity, make_pipeline
from crm.sales.tests.orders.factories import accepted_quote, catalog_setup, make_order

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


@pytest.fixture
def items(db: Any) -> dict[str, Any]:
    return catalog_setup()


def _counts() -> tuple[int, ...]:
    return (
        Order.all_objects.count(),
        OrderLine.objects.count(),
        Delivery.all_objects.count(),
        DeliveryLine.objects.count(),
        Asset.all_objects.count(),
        NumberSequence.objects.filter(key__in=["order", "delivery"]).count(),
    )


@pytest.fixture
def events() -> Any:
    seen: list[Any] = []

    def record(event: Any) -> None:
        seen.append(event)

    for kind in (OrderPlaced, DeliveryShipped, DeliveryDelivered):
        core_events.subscribe(kind, record)
    yield seen
    for kind in (OrderPlaced, DeliveryShipped, DeliveryDelivered):
        core_events._handlers[kind].remove(record)


# --- orders -----------------------------------------------------------------------------------------------
def test_order_create_prices_lines_from_the_catalog(
    rep: Any, items: dict[str, Any], django_capture_on_commit_callbacks: Any, events: list[Any]
) -> None:
    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_create(
            actor=rep,
            account=account,
            contact=contact,
            lines=[
                {"product": items["router"], "quantity": "3"},
                {"description": "Cable kit", "quantity": 2, "unit_price": "12.50", "discount_percent": 10},
            ],
            customer_reference="PO-77",
        )
    assert order.number == "SO-00001"
    assert order.status == OrderStatus.CONFIRMED
    assert order.owner == rep and order.currency == "EUR"
    lines = list(order.lines.order_by("position"))
    assert [(line.description, line.unit_price, line.tax_rate) for line in lines] == [
        ("Router X1", Decimal("100.00"), Decimal("21.0000")),
        ("Cable kit", Decimal("12.50"), Decimal("0.0000")),
    ]
    assert lines[1].net_amount == Decimal("22.50")
    assert order.net_total == Decimal("322.50")
    assert order.tax_total == Decimal("63.00")
    assert order.total == Decimal("385.50")
    assert [type(e) for e in events] == [OrderPlaced]
    assert events[0].order_id == order.pk
    assert AuditEntry.objects.filter(object_type="sales.order", object_id=order.pk).exists()
    assert order_create(
        actor=rep, account=account, lines=[{"product": items["router"], "quantity": 1}]
    ).number == ("SO-00002")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "-1"}, "lines.0.quantity"),
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"quantity": "abc"}, "lines.0.quantity"),
        ({"quantity": "1.0001"}, "lines.0.quantity"),
        ({"quantity": 1, "unit_price": "-5"}, "lines.0.unit_price"),
        ({"quantity": 1, "discount_percent": 120}, "lines.0.discount_percent"),
        ({"quantity": 1, "tax_rate": -1}, "lines.0.tax_rate"),
    ],
)
def test_order_create_refuses_bad_lines_and_stores_nothing(
    rep: Any, items: dict[str, Any], line: dict[str, Any], field: str
) -> None:
    account = AccountFactory(owner=rep)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep,
            account=account,
            lines=[{"product": items["router"], **line}],
        )
    assert field in exc.value.field_errors
    assert _counts() == before


def test_order_create_refuses_free_line_without_price_and_empty_orders(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(actor=rep, account=account, lines=[{"description": "Thing", "quantity": 1}])
    assert set(exc.value.field_errors) == {"lines.0.unit_price"}
    with pytest.raises(InvalidInput) as exc:
        order_create(actor=rep, account=account, lines=[])
    assert set(exc.value.field_errors) == {"lines"}
    with pytest.raises(InvalidInput) as exc:
        order_create(actor=rep, account=account, lines=[{"quantity": 1, "unit_price": 3}])
    assert set(exc.value.field_errors) == {"lines.0.description"}
    assert _counts() == before


def test_order_create_product_without_price_in_the_currency(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep, account=account, currency="USD", lines=[{"product": items["router"], "quantity": 1}]
        )
    assert "USD" in exc.value.field_errors["lines.0.unit_price"][0]
    assert _counts() == before


def test_order_create_refuses_inactive_product(rep: Any, items: Any) -> None:
    from crm.catalog.services import product_update

    product_update(actor=None, product=items["router"], is_active=False)
    items["router"].refresh_from_db()
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep, account=AccountFactory(owner=rep), lines=[{"product": items["router"], "quantity": 1}]
        )
    assert "lines.0.product" in exc.value.field_errors
    assert _counts() == before


def test_order_create_currency_mismatch_with_the_opportunity(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    opportunity = make_opportunity(pipeline=make_pipeline(), owner=rep, account=account, currency="USD")
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep,
            account=account,
            opportunity=opportunity,
            currency="EUR",
            lines=[{"description": "X", "quantity": 1, "unit_price": 1}],
        )
    assert "USD" in exc.value.field_errors["currency"][0]
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep,
            account=account,
            currency="XYZ",
            lines=[{"description": "X", "quantity": 1, "unit_price": 1}],
        )
    assert "currency" in exc.value.field_errors
    assert _counts() == before
    order = order_create(
        actor=rep,
        account=account,
        opportunity=opportunity,
        lines=[{"description": "X", "quantity": 1, "unit_price": 1}],
    )
    assert order.currency == "USD" and order.opportunity == opportunity


def test_order_create_refuses_an_account_the_actor_cannot_see(rep: Any, make_user: Any, items: Any) -> None:
    other = make_user("sales_rep", team="South")
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=rep,
            account=AccountFactory(owner=other),
            lines=[{"product": items["router"], "quantity": 1}],
        )
    assert "account" in exc.value.field_errors
    with pytest.raises(PermissionDenied):
        order_create(
            actor=rep,
            owner=other,
            account=AccountFactory(owner=rep),
            lines=[{"product": items["router"], "quantity": 1}],
        )
    assert _counts() == before


def test_order_from_accepted_quote_copies_it(
    rep: Any, django_capture_on_commit_callbacks: Any, events: list[Any]
) -> None:
    contact = ContactFactory(owner=rep)
    quote = accepted_quote(owner=rep)
    quote.contact = contact
    quote.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_create_from_quote(actor=rep, quote=quote, customer_reference="PO-1")
    assert (order.account_id, order.contact_id, order.owner_id, order.currency) == (
        quote.account_id,
        contact.pk,
        rep.pk,
        "USD",
    )
    assert order.quote == quote
    [line] = order.lines.all()
    assert (line.description, line.quantity, line.unit_price, line.discount_percent, line.net_amount) == (
        "Consulting day",
        Decimal("2.000"),
        Decimal("800.00"),
        Decimal("10.00"),
        Decimal("1440.00"),
    )
    assert order.total == quote.total == Decimal("1742.40")
    assert events[0].quote_id == quote.pk


def test_order_from_quote_twice_is_refused(rep: Any) -> None:
    quote = accepted_quote(owner=rep)
    order_create_from_quote(actor=rep, quote=quote)
    before = _counts()
    with pytest.raises(QuoteAlreadyOrdered):
        order_create_from_quote(actor=rep, quote=quote)
    assert _counts() == before


@pytest.mark.parametrize(
    "status", [QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.DECLINED, QuoteStatus.EXPIRED]
)
def test_order_from_quote_not_accepted_is_refused(rep: Any, status: str) -> None:
    quote = accepted_quote(owner=rep, status=status)
    before = _counts()
    with pytest.raises(QuoteNotAccepted):
        order_create_from_quote(actor=rep, quote=quote)
    assert _counts() == before


def test_order_from_a_quote_of_someone_else_is_not_found(rep: Any, make_user: Any) -> None:
    quote = accepted_quote(owner=make_user("sales_rep", team="South"))
    with pytest.raises(RecordNotFound):
        order_create_from_quote(actor=rep, quote=quote)
    assert not Order.objects.exists()


def test_order_update_with_optimistic_locking(rep: Any) -> None:
    order = make_order(owner=rep)
    updated = order_update(actor=rep, order=order, expected_version=1, notes="Leave at the door")
    assert updated.version == 2 and updated.notes == "Leave at the door"
    with pytest.raises(ConcurrentEdit):
        order_update(actor=rep, order=order, expected_version=1, notes="Overwrite")
    order.refresh_from_db()
    assert order.notes == "Leave at the door" and order.version == 2
    with pytest.raises(InvalidInput) as exc:
        order_update(actor=rep, order=order, status="delivered")
    assert "status" in exc.value.field_errors
    with pytest.raises(InvalidInput):
        order_update(actor=rep, order=order, ordered_on="31/12/2026")
    order.refresh_from_db()
    assert order.version == 2 and order.status == OrderStatus.CONFIRMED


def test_order_cancel_cancels_pending_deliveries(rep: Any) -> None:
    order = make_order(owner=rep)
    line = order.lines.first()
    delivery = delivery_create(actor=rep, order=order, lines=[(line, 1, "")])
    order_cancel(actor=rep, order=order, reason="Customer changed their mind")
    order.refresh_from_db()
    delivery.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert delivery.status == DeliveryStatus.CANCELLED
    with pytest.raises(OrderNotOpen):
        delivery_create(actor=rep, order=order, lines=[(line, 1, "")])


def test_order_cancel_refused_once_something_shipped_or_delivered(rep: Any) -> None:
    order = make_order(owner=rep)
    line = order.lines.first()
    delivery = delivery_create(actor=rep, order=order, lines=[(line, 1, "")])
    delivery_ship(actor=rep, delivery=delivery)
    with pytest.raises(OrderNotCancellable):
        order_cancel(actor=rep, order=order)
    delivery_mark_delivered(actor=rep, delivery=delivery)
    order.refresh_from_db()
    version = order.version
    with pytest.raises(OrderNotCancellable):
        order_cancel(actor=rep, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_DELIVERED and order.version == version


# --- deliveries -------------------------------------------------------------------------------------------
def test_partial_then_full_delivery_creates_assets(
    rep: Any, django_capture_on_commit_callbacks: Any, events: list[Any]
) -> None:
    order = make_order(owner=rep)
    router, install = order.lines.order_by("position")
    first = delivery_create(
        actor=rep,
        order=order,
        lines=[(router, 2, "SN-1\nSN-2")],
        carrier="SEUR",
        tracking_number="TRK-1",
    )
    assert first.number == "DL-00001" and first.status == DeliveryStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        delivery_ship(actor=rep, delivery=first, expected_version=1)
        delivery_mark_delivered(
            actor=rep, delivery=first, expected_version=2, at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
        )
    order.refresh_from_db()
    router.refresh_from_db()
    assert router.quantity_delivered == Decimal(2)
    assert order.status == OrderStatus.PARTIALLY_DELIVERED and order.delivered_at is None
    assets = list(Asset.objects.filter(order=order).order_by("serial_number"))
    assert [(a.serial_number, a.quantity, a.status) for a in assets] == [
        ("SN-1", Decimal(1), AssetStatus.ACTIVE),
        ("SN-2", Decimal(1), AssetStatus.ACTIVE),
    ]
    assert assets[0].delivered_on == dt.date(2026, 3, 10)
    assert assets[0].warranty_until == dt.date(2028, 3, 10)
    assert assets[0].account_id == order.account_id and assets[0].product_id == router.product_id

    second = delivery_create(actor=rep, order=order, lines=[(router, 1, []), (install, 1, "")])
    with django_capture_on_commit_callbacks(execute=True):
        delivery_mark_delivered(actor=rep, delivery=second)  # straight from pending
    order.refresh_from_db()
    second.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at is not None
    assert second.shipped_at == second.delivered_at
    # the service line (installation) is no asset; the router without serials is one asset of quantity 1
    assert Asset.objects.filter(order=order).count() == 3
    assert Asset.objects.get(delivery_line__delivery=second).quantity == Decimal(1)
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["DeliveryShipped", "DeliveryDelivered", "DeliveryShipped", "DeliveryDelivered"]
    assert [e.is_order_complete for e in events if isinstance(e, DeliveryDelivered)] == [False, True]


def test_delivery_more_than_remains_is_refused_naming_the_line(rep: Any) -> None:
    order = make_order(owner=rep)
    router, install = order.lines.order_by("position")
    delivery_create(actor=rep, order=order, lines=[(router, 2, "")])  # pending: 2 of 3 promised
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        delivery_create(actor=rep, order=order, lines=[(install, 1, ""), (router, 2, "")])
    assert set(exc.value.field_errors) == {"lines.1.quantity"}
    assert "Only 1 of “Router X1”" in exc.value.field_errors["lines.1.quantity"][0]
    with pytest.raises(InvalidInput) as exc:  # the same line twice in one delivery counts once
        delivery_create(actor=rep, order=order, lines=[(router, 1, ""), (router, 1, "")])
    assert set(exc.value.field_errors) == {"lines.1.quantity"}
    assert _counts() == before


@pytest.mark.parametrize(
    ("lines_for", "field"),
    [
        (lambda r, other: [(r, 0, "")], "lines.0.quantity"),
        (lambda r, other: [(r, -2, "")], "lines.0.quantity"),
        (lambda r, other: [(other, 1, "")], "lines.0.order_line"),
        (lambda r, other: [(r, 2, "SN-1")], "lines.0.serial_numbers"),
        (lambda r, other: [(r, 2, "SN-1\nSN-1")], "lines.0.serial_numbers"),
        (lambda r, other: [], "lines"),
    ],
)
def test_delivery_create_bad_input_stores_nothing(rep: Any, lines_for: Any, field: str) -> None:
    order = make_order(owner=rep)
    other = make_order(owner=rep, lines=[{"description": "Other", "quantity": 1, "unit_price": 1}])
    router = order.lines.order_by("position").first()
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        delivery_create(actor=rep, order=order, lines=lines_for(router, other.lines.first()))
    assert field in exc.value.field_errors
    assert _counts() == before


def test_delivery_state_rules(rep: Any) -> None:
    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()
    delivery = delivery_create(actor=rep, order=order, lines=[(router, 1, "")])
    with pytest.raises(ConcurrentEdit):
        delivery_ship(actor=rep, delivery=delivery, expected_version=7)
    delivery_ship(actor=rep, delivery=delivery)
    with pytest.raises(DeliveryStateInvalid):
        delivery_ship(actor=rep, delivery=delivery)
    delivery_mark_delivered(actor=rep, delivery=delivery)
    delivery.refresh_from_db()
    version = delivery.version
    for action in (delivery_mark_delivered, delivery_cancel):
        with pytest.raises(DeliveryStateInvalid):
            action(actor=rep, delivery=delivery)
    delivery.refresh_from_db()
    router.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.version == version
    assert router.quantity_delivered == Decimal(1)
    assert Asset.objects.count() == 1


def test_cancelled_delivery_frees_its_quantity(rep: Any) -> None:
    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()
    delivery = delivery_create(actor=rep, order=order, lines=[(router, 3, "")])
    delivery_ship(actor=rep, delivery=delivery)
    delivery_cancel(actor=rep, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    assert delivery_create(actor=rep, order=order, lines=[(router, 3, "")]).status == DeliveryStatus.PENDING


def test_delivery_of_an_order_someone_else_owns(rep: Any, make_user: Any) -> None:
    order = make_order(owner=make_user("sales_rep", team="South"))
    with pytest.raises(RecordNotFound):
        delivery_create(actor=rep, order=order, lines=[(order.lines.first(), 1, "")])
    assert not Delivery.objects.exists()


# --- assets -----------------------------------------------------------------------------------------------
def test_asset_create_by_hand_with_default_warranty(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    asset = asset_create(
        actor=rep, account=account, product=items["router"], serial_number="OLD-1", delivered_on="2020-05-31"
    )
    assert asset.name == "Router X1" and asset.owner == rep
    assert asset.warranty_until == dt.date(2022, 5, 31)
    assert asset.status == AssetStatus.EXPIRED  # its warranty already ended
    with override_settings(CRM_DEFAULT_WARRANTY_MONTHS=9):
        fresh = asset_create(
            actor=rep, account=account, product=items["router"], delivered_on=dt.date(2026, 5, 31)
        )
    assert fresh.warranty_until == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": 2, "serial_number": "S-1"}, "quantity"),
        ({"delivered_on": "2026-05-01", "warranty_until": "2026-04-01"}, "warranty_until"),
        ({"delivered_on": "yesterday"}, "delivered_on"),
        ({"product": None}, "product"),
    ],
)
def test_asset_create_bad_input_stores_nothing(
    rep: Any, items: Any, data: dict[str, Any], field: str
) -> None:
    values = {"product": items["router"], **data}
    with pytest.raises(InvalidInput) as exc:
        asset_create(actor=rep, account=AccountFactory(owner=rep), **values)
    assert field in exc.value.field_errors
    assert not Asset.objects.exists()


def test_asset_update_return_and_locking(rep: Any, items: Any) -> None:
    asset = asset_create(
        actor=rep, account=AccountFactory(owner=rep), product=items["router"], delivered_on="2020-01-01"
    )
    assert asset.status == AssetStatus.EXPIRED
    updated = asset_update(actor=rep, asset=asset, expected_version=1, warranty_until="2099-01-01")
    assert updated.status == AssetStatus.ACTIVE and updated.version == 2
    with pytest.raises(ConcurrentEdit):
        asset_update(actor=rep, asset=asset, expected_version=1, notes="stale")
    with pytest.raises(InvalidInput):
        asset_update(actor=rep, asset=asset, status="returned")
    with pytest.raises(InvalidInput):
        asset_update(actor=rep, asset=asset, quantity=0)
    asset.refresh_from_db()
    assert (asset.version, asset.notes, asset.quantity) == (2, "", Decimal(1))
    asset_mark_returned(actor=rep, asset=asset, reason="Swapped for a new one")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.RETURNED
    with pytest.raises(AssetNotActive):
        asset_mark_returned(actor=rep, asset=asset)
    asset_update(actor=rep, asset=asset, warranty_until="2099-02-01")
    asset.refresh_from_db()
    assert asset.status == AssetStatus.RETURNED


def test_assets_expire_job_and_command(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    ending = asset_create(actor=rep, account=account, product=items["router"], delivered_on="2025-01-15")
    later = asset_create(actor=rep, account=account, product=items["router"], delivered_on="2026-01-15")
    assert ending.warranty_until == dt.date(2027, 1, 15)
    assert assets_expire(today=dt.date(2027, 1, 15)) == 0
    assert assets_expire(today=dt.date(2027, 1, 16)) == 1
    assert assets_expire(today=dt.date(2027, 1, 16)) == 0  # idempotent
    ending.refresh_from_db()
    later.refresh_from_db()
    assert (ending.status, later.status) == (AssetStatus.EXPIRED, AssetStatus.ACTIVE)
    call_command("assets", "expire", "--date", "2028-02-01")
    later.refresh_from_db()
    assert later.status == AssetStatus.EXPIRED


def test_months_later_clamps_to_the_month_end() -> None:
    assert months_later(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_later(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert months_later(dt.date(2026, 11, 30), 14) == dt.date(2028, 1, 30)


def test_assets_expire_task_runs_the_service(rep: Any, items: Any) -> None:
    from crm.sales.tasks import assets_expire_task

    asset = asset_create(
        actor=rep, account=AccountFactory(owner=rep), product=items["router"], delivered_on="2026-01-01"
    )
    Asset.objects.filter(pk=asset.pk).update(status=AssetStatus.ACTIVE, warranty_until=dt.date(2020, 1, 1))
    assert assets_expire_task.call() == 1
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EXPIRED
    assert AuditEntry.objects.filter(object_type="sales.asset", object_id=asset.pk, source="job").exists()


def test_account_timeline_pages_through_orders_and_deliveries(rep: Any) -> None:
    from crm.activities.timeline import timeline_page

    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()
    delivery = delivery_create(actor=rep, order=order, lines=[(router, 1, "")])
    delivery_ship(actor=rep, delivery=delivery, at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    delivery_mark_delivered(actor=rep, delivery=delivery, at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    titles: list[str] = []
    cursor = None
    while True:
        page = timeline_page(
            user=rep, object_type="contacts.account", object_id=order.account_id, cursor=cursor, limit=1
        )
        titles += [e.title for e in page.entries]
        cursor = page.next_cursor
        if cursor is None:
            break
    mine = [t for t in titles if "SO-" in t]
    assert mine == [
        f"Order {order.number} placed",
        f"Delivery {delivery.number} of order {order.number} delivered",
        f"Delivery {delivery.number} of order {order.number} shipped",
    ]


def test_orders_deliveries_and_assets_follow_a_merged_account(rep: Any) -> None:
    from crm.contacts.services.merge import merge_undo, records_merge

    survivor = AccountFactory(owner=rep)
    duplicate = AccountFactory(owner=rep)
    order = make_order(owner=rep, account=duplicate)
    router = order.lines.order_by("position").first()
    delivery = delivery_create(actor=rep, order=order, lines=[(router, 1, "")])
    delivery_mark_delivered(actor=rep, delivery=delivery)
    merge = records_merge(
        actor=rep, object_type="accounts", survivor_id=survivor.pk, merged_ids=[duplicate.pk]
    )
    assert Order.objects.get(pk=order.pk).account_id == survivor.pk
    assert Delivery.objects.get(pk=delivery.pk).account_id == survivor.pk
    assert set(Asset.objects.values_list("account_id", flat=True)) == {survivor.pk}
    merge_undo(actor=rep, merge_id=merge.pk)
    assert Order.objects.get(pk=order.pk).account_id == duplicate.pk
    assert Delivery.objects.get(pk=delivery.pk).account_id == duplicate.pk
    assert set(Asset.objects.values_list("account_id", flat=True)) == {duplicate.pk}
