"""The lifecycle summary (`DealLifecycleMonth`): the view read from it answers what the deals' rows answer
(counts, conversions, medians, averages, every grouping and filter), and the refresh run by each event keeps it
equal to a summary rebuilt from scratch."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from crm.sales import handlers
from crm.sales.events import (
    DeliveryDelivered,
    DeliveryShipped,
    OpportunityOpened,
    OrderPlaced,
    QuoteAccepted,
    QuoteSent,
)
from crm.sales.models import DealLifecycle, DealLifecycleMonth, Delivery, Opportunity, Order, Quote
from crm.sales.selectors.lifecycle import (
    _histogram_median,
    deal_lifecycle,
    deal_lifecycle_exact,
    lifecycle_filters_parse,
)
from crm.sales.services.lifecycle import (
    deal_lifecycle_record_lead,
    gap_tenths,
    lifecycle_rebuild,
    lifecycle_summary_rebuild,
)
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


# days from T0 of: lead created, lead qualified, opened, quote sent, accepted, ordered, shipped, delivered;
# then won / lost (days from T0); deals 6 and 7 start in March, deal 8 at the very end of January (UTC)
DEALS: list[tuple[tuple[float | None, ...], float | None, float | None]] = [
    ((0, 2, 3, 5, None, None, None, None), 20, None),
    ((0, 4, 4, 10, 12, 13, 15.5, 18), 20, None),
    ((None, None, 0, 1, 2, None, None, None), None, 9),
    ((None, None, 1, None, None, None, None, None), None, None),
    ((0.5, 0.7, 2.5, 2.9, 3.1, 3.3, 7.3, 7.4), 8, None),
    ((0.1, 1.3, 1.4, 4.4, 4.6, 4.7, 5.8, 6.2), 30, None),
    ((27, 28.2, 29, 31.4, None, None, None, None), None, 40),
    ((None, None, 30, 33, 35.5, 36, 41, None), 41, None),
    ((None, None, -2.5, -1.6, 0.4, None, None, None), None, None),
]
NAMES = (
    "lead_created_at",
    "lead_qualified_at",
    "opportunity_opened_at",
    "quote_sent_at",
    "quote_accepted_at",
    "ordered_at",
    "shipped_at",
    "delivered_at",
)


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "north": make_user("sales_rep", team="North"),
        "north2": make_user("sales_rep", team="North"),
        "south": make_user("sales_rep", team="South"),
        "solo": make_user("sales_rep", team=None),
        "admin": make_user("administrator", team=None),
    }


def _hand_made(people: dict[str, Any]) -> None:
    pipelines = [make_pipeline(), make_pipeline()]
    owners = [
        people[k] for k in ("north", "north", "north2", "south", "south", "solo", "north", "south", "solo")
    ]
    for i, ((spec, won, lost), owner) in enumerate(zip(DEALS, owners, strict=True)):
        pipeline = pipelines[i % 2]
        opp = make_opportunity(pipeline=pipeline, owner=owner, name=f"D{i}")
        stamps = {n: (at(d) if d is not None else None) for n, d in zip(NAMES, spec, strict=True)}
        DealLifecycle.objects.create(
            opportunity=opp,
            account_id=opp.account_id,
            owner=owner,
            team_id=owner.team_id,
            pipeline=pipeline,
            started_at=min(v for v in stamps.values() if v),
            won_at=at(won) if won is not None else None,
            lost_at=at(lost) if lost is not None else None,
            **stamps,
        )
    lifecycle_summary_rebuild()


def _both(user: Any, **params: Any) -> tuple[Any, Any]:
    filters = lifecycle_filters_parse(user=user, params=params)
    return deal_lifecycle(user=user, filters=filters), deal_lifecycle_exact(user=user, filters=filters)


def test_the_summary_answers_what_the_rows_answer(people: dict[str, Any]) -> None:
    _hand_made(people)
    admin, north = people["admin"], people["north"]
    cases: list[tuple[Any, dict[str, Any]]] = [
        (admin, {"period": period, "group_by": group})
        for period in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026", "2025")
        for group in ("owner", "team", "pipeline", "month")
    ]
    cases += [
        (admin, {"period": "2026", "owner": str(north.pk)}),
        (admin, {"period": "2026", "team": str(north.team_id), "group_by": "month"}),
        (admin, {"period": "2026-Q1", "pipeline": str(DealLifecycle.objects.first().pipeline_id)}),  # type: ignore[union-attr]
        (north, {"period": "2026", "group_by": "team"}),  # a rep: the team's deals only
        (people["solo"], {"period": "2026"}),
    ]
    for user, params in cases:
        summary, exact = _both(user, **params)
        assert summary == exact, params
    everything, _exact = _both(admin, period="2026")
    assert everything.total.deals == len(DEALS)


def test_medians_and_averages_on_the_hand_made_dataset(people: dict[str, Any]) -> None:
    _hand_made(people)
    result, exact = _both(people["admin"], period="2026-Q1")
    assert result == exact
    total = {s.key: s for s in result.total.stages}
    # lead created → qualified: 2, 4, 0.2, 1.2, 1.2 days
    assert (total["lead_created"].converted, total["lead_created"].median_days) == (5, 1.2)
    assert total["lead_created"].average_days == 1.7  # 8.6 / 5 = 1.72
    # quote sent → accepted: 2, 1, 0.2, 0.2, 2.5, 2 → the median of six is the mean of 1 and 2
    assert (total["quote_sent"].converted, total["quote_sent"].median_days) == (6, 1.5)
    # shipped → delivered: 2.5, 0.1, 0.4
    assert total["shipped"].median_days == 0.4 and total["shipped"].average_days == 1.0
    assert (result.total.won, result.total.lost) == (5, 2)
    # the deal that started on 31 January (UTC) belongs to January only
    january, _e = _both(people["admin"], period="2026-01", group_by="month")
    assert [(g.key, g.deals) for g in january.groups] == [("2026-01", 1)]


def test_the_histogram_median() -> None:
    assert _histogram_median({5: 1}, 1) == 5
    assert _histogram_median({1: 1, 3: 1}, 2) == 2
    assert _histogram_median({1: 2, 9: 1}, 3) == 1
    assert _histogram_median({-4: 1, 2: 2, 10: 1}, 4) == 2
    assert _histogram_median({1: 1, 2: 1, 7: 2}, 4) == 4.5
    assert gap_tenths(0) == 0 and gap_tenths(8_640) == 1 and gap_tenths(4_320) == 1 and gap_tenths(4_319) == 0
    assert gap_tenths(-86_400 * 2.1) == -21
    with pytest.raises(ValueError):
        _histogram_median({1: 1}, 3)


def _cells() -> list[dict[str, Any]]:
    return list(
        DealLifecycleMonth.objects.order_by("cell").values(
            "cell", "month", "owner_id", "team_id", "pipeline_id", "deals", "won", "lost", "figures"
        )
    )


def _assert_exact(admin: Any) -> None:
    """The summary the refresh left equals one rebuilt from the rows, and the view equals the exact one."""
    kept = _cells()
    for group in ("owner", "team", "pipeline", "month"):
        summary, exact = _both(admin, period="2026", group_by=group)
        assert summary == exact
    lifecycle_summary_rebuild()
    assert _cells() == kept


def test_the_refresh_after_each_event_keeps_the_summary_exact(people: dict[str, Any]) -> None:
    admin, rep, other = people["admin"], people["north"], people["south"]
    pipeline = make_pipeline()
    opp = make_opportunity(pipeline=pipeline, owner=rep, at=at(0))
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    _assert_exact(admin)
    assert len(_cells()) == 1
    second = make_opportunity(pipeline=pipeline, owner=rep, at=at(0.25), name="Second")
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=second.pk, actor_id=None))
    _assert_exact(admin)
    assert [c["deals"] for c in _cells()] == [2]

    quote = Quote.objects.create(
        number="Q-1",
        opportunity=opp,
        account_id=opp.account_id,
        owner_id=rep.pk,
        currency="EUR",
        valid_until=dt.date(2026, 12, 31),
        sent_at=at(1.5),
        accepted_at=at(2.7),
    )
    handlers.on_deal_milestone(QuoteSent(quote_id=quote.pk, opportunity_id=opp.pk, actor_id=None))
    _assert_exact(admin)
    handlers.on_deal_milestone(QuoteAccepted(quote_id=quote.pk, opportunity_id=opp.pk))
    handlers.on_deal_milestone(QuoteAccepted(quote_id=quote.pk, opportunity_id=opp.pk))  # twice: idempotent
    _assert_exact(admin)

    order = Order.objects.create(
        number="O-1", account_id=opp.account_id, owner_id=rep.pk, opportunity=opp, currency="EUR"
    )
    Order.all_objects.filter(pk=order.pk).update(created_at=at(3))
    handlers.on_deal_milestone(
        OrderPlaced(order_id=order.pk, opportunity_id=opp.pk, quote_id=None, actor_id=None)
    )
    _assert_exact(admin)
    delivery = Delivery.objects.create(
        number="D-1", order=order, account_id=opp.account_id, owner_id=rep.pk, shipped_at=at(4.2)
    )
    handlers.on_delivery_milestone(DeliveryShipped(delivery_id=delivery.pk, order_id=order.pk, actor_id=None))
    _assert_exact(admin)
    Delivery.objects.filter(pk=delivery.pk).update(delivered_at=at(6))
    handlers.on_delivery_milestone(
        DeliveryDelivered(delivery_id=delivery.pk, order_id=order.pk, is_order_complete=True, actor_id=None)
    )
    _assert_exact(admin)
    opportunity_move_stage(
        actor=None, opportunity=opp, stage=stage(pipeline, "Won"), at=at(7), playbook=False
    )
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    _assert_exact(admin)
    result = deal_lifecycle(
        user=admin, filters=lifecycle_filters_parse(user=admin, params={"period": "2026-02"})
    )
    assert result.total.won == 1
    assert {s.key: s.median_days for s in result.total.stages}["quote_sent"] == 1.2

    # the lead hands over an earlier start in January: the deal moves to January's cell
    deal_lifecycle_record_lead(opportunity_id=opp.pk, lead_created_at=at(-5), lead_qualified_at=at(-3.5))
    _assert_exact(admin)
    assert sorted((c["month"], c["deals"]) for c in _cells()) == [
        (dt.date(2026, 1, 1), 1),
        (dt.date(2026, 2, 1), 1),
    ]
    # a new owner in another team: the deal leaves its cell (left empty, deleted) for the new owner's
    Opportunity.all_objects.filter(pk=second.pk).update(owner=other)
    handlers.on_deal_milestone(OpportunityOpened(opportunity_id=second.pk, actor_id=None))
    _assert_exact(admin)
    assert sorted((c["owner_id"], c["team_id"]) for c in _cells()) == sorted(
        [(rep.pk, rep.team_id), (other.pk, other.team_id)]
    )


def test_the_rebuild_leaves_the_summary_the_refresh_kept(people: dict[str, Any]) -> None:
    pipeline = make_pipeline()
    for i, owner in enumerate((people["north"], people["south"], people["solo"])):
        opp = make_opportunity(pipeline=pipeline, owner=owner, at=at(10 * i), name=f"R{i}")
        handlers.on_deal_milestone(OpportunityOpened(opportunity_id=opp.pk, actor_id=None))
    deal_lifecycle_record_lead(opportunity_id=opp.pk, lead_created_at=at(15), lead_qualified_at=at(16.4))
    kept = _cells()
    assert len(kept) == 3
    DealLifecycleMonth.objects.all().delete()
    assert lifecycle_rebuild(chunk=2) == 3
    assert _cells() == kept


def test_a_deleted_team_folds_its_cells_into_the_no_team_ones(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from crm.core.identity.services import team_delete

    _hand_made(people)
    north = people["north"].team
    north_id = north.pk
    assert DealLifecycleMonth.objects.filter(team_id=north_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        team_delete(actor=people["admin"], team=north)
    assert not DealLifecycleMonth.objects.filter(cell__endswith=f":{north_id}").exists()
    _assert_exact(people["admin"])
    no_team, _e = _both(people["admin"], period="2026", group_by="team")
    assert [g.label for g in no_team.groups if g.key == "None"] == ["No team"]
