"""The deals' lifecycle: milestone handlers (idempotent, earliest wins), rebuild = incremental, the view's
arithmetic on a hand-made dataset, scoping, bad input and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales import handlers
from crm.sales.events import (
    DeliveryDelivered,
    DeliveryShipped,
    OpportunityOpened,
    OrderPlaced,
    QuoteAccepted,
    QuoteSent,
)
from crm.sales.models import DealLifecycle, Delivery, Order, Quote
from crm.sales.selectors.lifecycle import account_lifecycle, deal_lifecycle, lifecycle_filters_parse
from crm.sales.services.lifecycle import (
    deal_lifecycle_record_lead,
    lifecycle_rebuild,
    lifecycle_summary_rebuild,
)
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@pytest.fixture
def pipeline() -> Any:
    return make_pipeline()


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _quote(opp: Any, n: int, **fields: Any) -> Quote:
    return Quote.objects.create(
        number=f"Q-{opp.pk}-{n}",
        opportunity=opp,
        account_id=opp.account_id,
        owner_id=opp.owner_id,
        currency="EUR",
        valid_until=dt.date(2026, 12, 31),
        **fields,
    )


def _order(opp: Any, n: int, created: dt.datetime) -> Order:
    order = Order.objects.create(
        number=f"O-{opp.pk}-{n}",
        account_id=opp.account_id,
        owner_id=opp.owner_id,
        opportunity=opp,
        currency="EUR",
    )
    Order.all_objects.filter(pk=order.pk).update(created_at=created)
    return order


def _delivery(order: Order, n: int, **fields: Any) -> Delivery:
    return Delivery.objects.create(
        number=f"D-{order.pk}-{n}",
        order=order,
        account_id=order.account_id,
        owner_id=order.owner_id,
        **fields,
    )


def _row(opp: Any) -> dict[str, Any]:
    return DealLifecycle.objects.filter(opportunity_id=opp.pk).values().get()


def test_each_event_fills_its_milestone_once_and_the_earliest_wins(pipeline: Any, rep: Any) -> None:
    opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(0))
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    row = _row(opp)
    assert row["opportunity_opened_at"] == at(0) and row["started_at"] == at(0)
    assert row["owner_id"] == rep.pk and row["team_id"] == rep.team_id and row["pipeline_id"] == pipeline.pk
    assert row["quote_sent_at"] is None

    first = _quote(opp, 1, sent_at=at(2))
    handlers.on_deal_milestone(QuoteSent(quote_id=first.pk, opportunity_id=opp.pk, actor_id=None))
    handlers.on_deal_milestone(QuoteSent(quote_id=first.pk, opportunity_id=opp.pk, actor_id=None))  # again
    assert _row(opp)["quote_sent_at"] == at(2)

    # a later revision sent later, and the first one re-sent: the first sending stays
    second = _quote(opp, 2, sent_at=at(5), accepted_at=at(6))
    Quote.objects.filter(pk=first.pk).update(sent_at=at(4))
    handlers.on_deal_milestone(QuoteSent(quote_id=second.pk, opportunity_id=opp.pk, actor_id=None))
    handlers.on_deal_milestone(QuoteAccepted(quote_id=second.pk, opportunity_id=opp.pk))
    row = _row(opp)
    assert row["quote_sent_at"] == at(2)
    assert row["quote_accepted_at"] == at(6)

    order = _order(opp, 1, at(7))
    handlers.on_deal_milestone(
        OrderPlaced(order_id=order.pk, opportunity_id=opp.pk, quote_id=None, actor_id=None)
    )
    partial = _delivery(order, 1, shipped_at=at(8))
    handlers.on_delivery_milestone(DeliveryShipped(delivery_id=partial.pk, order_id=order.pk, actor_id=None))
    assert _row(opp)["shipped_at"] == at(8) and _row(opp)["delivered_at"] is None
    Delivery.objects.filter(pk=partial.pk).update(delivered_at=at(10))
    rest = _delivery(order, 2, shipped_at=at(9), delivered_at=at(11))
    handlers.on_delivery_milestone(
        DeliveryDelivered(delivery_id=rest.pk, order_id=order.pk, is_order_complete=True, actor_id=None)
    )
    row = _row(opp)
    assert (row["ordered_at"], row["shipped_at"], row["delivered_at"]) == (at(7), at(8), at(10))

    with pytest.MonkeyPatch.context():
        opportunity_move_stage(
            actor=None, opportunity=opp, stage=stage(pipeline, "Won"), at=at(12), playbook=False
        )
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    row = _row(opp)
    assert row["won_at"] == at(12) and row["lost_at"] is None
    assert DealLifecycle.objects.count() == 1


def test_events_published_on_commit_reach_the_handlers(
    pipeline: Any, rep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(0))
    assert _row(opp)["opportunity_opened_at"] == at(0)
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_move_stage(
            actor=None, opportunity=opp, stage=stage(pipeline, "Lost"), at=at(3), lost_reason="Price"
        )
    assert _row(opp)["lost_at"] == at(3)


def test_the_lead_milestones_start_the_deal_and_keep_the_earliest(pipeline: Any, rep: Any) -> None:
    opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(0))
    deal_lifecycle_record_lead(opportunity_id=opp.pk, lead_created_at=at(-10), lead_qualified_at=at(-4))
    deal_lifecycle_record_lead(opportunity_id=opp.pk, lead_created_at=at(-2), lead_qualified_at=at(-1))
    row = _row(opp)
    assert (row["lead_created_at"], row["lead_qualified_at"]) == (at(-10), at(-4))
    assert row["started_at"] == at(-10)
    assert row["opportunity_opened_at"] == at(0)


def _build_history(pipeline: Any, rep: Any) -> list[Any]:
    deals = []
    for i in range(4):
        opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(i), name=f"Deal {i}")
        handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
        if i:
            q = _quote(opp, 1, sent_at=at(i + 1), accepted_at=at(i + 2) if i > 1 else None)
            handlers.on_deal_milestone(QuoteSent(quote_id=q.pk, opportunity_id=opp.pk, actor_id=None))
            handlers.on_deal_milestone(QuoteAccepted(quote_id=q.pk, opportunity_id=opp.pk))
        if i == 3:
            order = _order(opp, 1, at(6))
            handlers.on_deal_milestone(
                OrderPlaced(order_id=order.pk, opportunity_id=opp.pk, quote_id=None, actor_id=None)
            )
            d = _delivery(order, 1, shipped_at=at(7), delivered_at=at(8))
            handlers.on_delivery_milestone(
                DeliveryDelivered(delivery_id=d.pk, order_id=order.pk, is_order_complete=True, actor_id=None)
            )
        deals.append(opp)
    deal_lifecycle_record_lead(opportunity_id=deals[0].pk, lead_created_at=at(-3), lead_qualified_at=at(-1))
    return deals


def _snapshot() -> list[dict[str, Any]]:
    return list(DealLifecycle.objects.order_by("opportunity_id").values())


def test_rebuild_equals_incremental(pipeline: Any, rep: Any) -> None:
    deals = _build_history(pipeline, rep)
    incremental = _snapshot()
    assert len(incremental) == 4
    assert lifecycle_rebuild(chunk=3) == 4
    assert _snapshot() == incremental
    # from nothing (the rows of deals that never had a lead): the same rows again
    DealLifecycle.objects.exclude(opportunity_id=deals[0].pk).delete()
    lifecycle_rebuild()
    assert _snapshot() == incremental


def test_lifecycle_figures_on_a_hand_made_dataset(pipeline: Any, rep: Any, make_user: Any) -> None:
    other = make_user("sales_rep", team="North")
    owners = [rep, rep, rep, other]
    rows = [
        # lead created, qualified, opened, quote sent, accepted, ordered (days from T0); won
        (0, 2, 3, 5, None, None, True),
        (0, 4, 4, 10, 12, 13, True),
        (None, None, 0, 1, 2, None, False),
        (None, None, 1, None, None, None, False),
    ]
    names = (
        "lead_created_at",
        "lead_qualified_at",
        "opportunity_opened_at",
        "quote_sent_at",
        "quote_accepted_at",
        "ordered_at",
    )
    for i, (owner, spec) in enumerate(zip(owners, rows, strict=True)):
        opp = make_opportunity(pipeline=pipeline, owner=owner, at=at(0), name=f"D{i}")
        stamps = {n: (at(d) if d is not None else None) for n, d in zip(names, spec[:6], strict=True)}
        DealLifecycle.objects.create(
            opportunity=opp,
            account_id=opp.account_id,
            owner=owner,
            team_id=owner.team_id,
            pipeline=pipeline,
            started_at=min(v for v in stamps.values() if v),
            won_at=at(20) if spec[6] else None,
            lost_at=None if spec[6] else (at(9) if i == 2 else None),
            **stamps,
        )
    lifecycle_summary_rebuild()  # the rows were written directly, not through the refresh
    admin = make_user("administrator", team=None)
    result = deal_lifecycle(
        user=admin, filters=lifecycle_filters_parse(user=admin, params={"period": "2026-02"})
    )
    total = {s.key: s for s in result.total.stages}
    assert result.total.deals == 4
    assert [
        total[k].count
        for k in (
            "lead_created",
            "lead_qualified",
            "opportunity_opened",
            "quote_sent",
            "quote_accepted",
            "ordered",
            "shipped",
        )
    ] == [2, 2, 4, 3, 2, 1, 0]
    assert total["lead_created"].conversion == 1.0
    assert (total["lead_created"].median_days, total["lead_created"].average_days) == (3.0, 3.0)  # 2 and 4
    assert (
        total["lead_qualified"].median_days == 0.5 and total["lead_qualified"].average_days == 0.5
    )  # 1 and 0
    assert total["opportunity_opened"].conversion == 0.75  # 3 of 4 sent a quote
    assert (
        total["opportunity_opened"].median_days == 2.0 and total["opportunity_opened"].average_days == 3.0
    )  # 2, 6, 1
    assert total["quote_sent"].conversion == pytest.approx(2 / 3)
    assert (total["quote_sent"].median_days, total["quote_sent"].average_days) == (1.5, 1.5)  # 2 and 1
    assert total["quote_accepted"].conversion == 0.5 and total["quote_accepted"].median_days == 1.0
    assert total["ordered"].conversion == 0.0 and total["ordered"].median_days is None
    assert total["first_service"].conversion is None
    assert (result.total.won, result.total.lost) == (2, 1)
    assert result.total.win_rate == pytest.approx(2 / 3)
    by_owner = {g.key: g for g in result.groups}
    assert by_owner[str(rep.pk)].deals == 3 and by_owner[str(other.pk)].deals == 1
    assert by_owner[str(rep.pk)].label == rep.full_name

    months = deal_lifecycle(
        user=admin,
        filters=lifecycle_filters_parse(user=admin, params={"period": "2026", "group_by": "month"}),
    )
    assert [(g.key, g.deals) for g in months.groups] == [("2026-02", 4)]
    # another period: nothing
    empty = deal_lifecycle(
        user=admin, filters=lifecycle_filters_parse(user=admin, params={"period": "2026-03"})
    )
    assert empty.total.deals == 0 and empty.groups == []
    # the account's view: the first time each milestone was reached across its deals
    first = DealLifecycle.objects.order_by("opportunity_id").first()
    assert first is not None
    view = account_lifecycle(user=admin, account_id=first.account_id)
    assert view["lead_created_at"] == at(0) and view["won_at"] == at(20)


def test_a_rep_sees_only_the_deals_in_scope(pipeline: Any, rep: Any, make_user: Any) -> None:
    south = make_user("sales_rep", team="South")
    for owner in (rep, south, south):
        opp = make_opportunity(pipeline=pipeline, owner=owner, at=at(0))
        handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    body = ApiClient(rep).get("/api/v1/lifecycle?period=2026-Q1&group_by=team").json()
    assert body["total"]["deals"] == 1
    assert [g["label"] for g in body["groups"]] == ["North"]
    boss = make_user("sales_manager", team=None)
    assert ApiClient(boss).get("/api/v1/lifecycle?period=2026-Q1").json()["total"]["deals"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=stage", "group_by"),
        ("period=2026-13", "period"),
        ("period=Q2-2026", "period"),
        ("owner=bob", "owner"),
        ("pipeline=x1", "pipeline"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(rep: Any, query: str, field: str) -> None:
    response = ApiClient(rep).get(f"/api/v1/lifecycle?{query}")
    assert response.status_code == 422
    assert field in problem_fields(response)


def test_the_query_count_does_not_grow_with_the_deals(pipeline: Any, rep: Any, make_user: Any) -> None:
    admin = make_user("administrator", team=None)
    filters = lifecycle_filters_parse(user=admin, params={"period": "2026-Q1", "group_by": "owner"})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            deal_lifecycle(user=admin, filters=filters)
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for _ in range(n):
            opp = make_opportunity(
                pipeline=pipeline, owner=make_user("sales_rep"), at=at(1), amount=Decimal(1)
            )
            handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))

    add(2)
    count()  # the user's permissions are cached after the first read
    few = count()
    add(8)
    assert count() == few


def test_the_page_shows_the_milestones(client: Any, pipeline: Any, rep: Any) -> None:
    opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(0), account=AccountFactory(owner=rep))
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    client.force_login(rep)
    response = client.get("/lifecycle/?period=2026-02&group_by=pipeline")
    assert response.status_code == 200
    assert b'data-stage="opportunity_opened"' in response.content
    bad = client.get("/lifecycle/?period=soon")
    assert bad.status_code == 400
    assert "2026-Q2" in bad.content.decode()


def test_the_account_panel_shows_the_customers_first_milestones(
    client: Any, pipeline: Any, rep: Any, make_user: Any
) -> None:
    account = AccountFactory(owner=rep)
    for i, days in enumerate((0, 5)):
        opp = make_opportunity(pipeline=pipeline, owner=rep, account=account, at=at(days), name=f"D{i}")
        handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    quote = _quote(opp, 1, sent_at=at(8))
    handlers.on_deal_milestone(QuoteSent(quote_id=quote.pk, opportunity_id=opp.pk, actor_id=None))
    client.force_login(rep)
    response = client.get(f"/accounts/{account.pk}/lifecycle/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Opportunity opened" in text and "Quote sent" in text and "+8.0 d" in text
    client.force_login(make_user("sales_rep", team="South"))
    assert client.get(f"/accounts/{account.pk}/lifecycle/").status_code == 404
