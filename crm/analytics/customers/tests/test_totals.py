"""The per-customer totals grouped in the database (`customer_totals_load`, what the RFM run reads) equal the
NumPy path over every order row (`transactions_load` + `customer_totals_compute`, and `rfm_scores` on the
transactions) on SQLite and PostgreSQL: mixed currencies at dated rates, cancelled, deleted and negative orders,
several orders on one day, orders after the "as of" day — with none, some or all of the orders' company
totals stored (`Order.company_total`, the rest converted in the query)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.apps import apps

from crm.analytics.core.customer_totals import customer_totals_compute, customer_totals_load
from crm.analytics.core.enums import RunStatus
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.core.transactions import day_number, transactions_load
from crm.analytics.customers.reports import rfm_cutoffs, rfm_report
from crm.sales.services.order_company_totals import order_company_totals_refresh

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 31)


def _mixed(make_orders: Any, seed: int) -> dict[str, Any]:
    """Company-currency orders from make_orders (a cancelled and a deleted one among them) plus, per account,
    dollar and pound orders at dated rates (some on the day of another order), negative orders, and orders
    after AS_OF; an account with only negative orders, one with only orders after AS_OF."""
    currency = apps.get_model("catalog", "Currency")
    rate = apps.get_model("catalog", "ExchangeRate")
    order = apps.get_model("sales", "Order")
    data = make_orders(seed, orders=300, accounts=40, start=dt.date(2025, 1, 1))
    usd = currency.objects.create(code="USD", name="Dollar")
    gbp = currency.objects.create(code="GBP", name="Pound")
    for code, valid_on, value in (
        (usd, dt.date(2024, 1, 1), "1.0831"),
        (usd, dt.date(2025, 6, 1), "1.1177"),
        (usd, dt.date(2026, 1, 1), "1.0399"),
        (gbp, dt.date(2024, 1, 1), "0.8573"),
        (gbp, dt.date(2025, 9, 15), "0.8861"),
    ):
        rate.objects.create(currency=code, valid_on=valid_on, rate=Decimal(value))
    rng = np.random.default_rng(seed + 100)
    ids = [a.pk for a in data["accounts"]]
    start = dt.date(2025, 1, 1)
    rows = []
    for i in range(160):
        day = start + dt.timedelta(days=int(rng.integers(0, 540)))
        if i % 7 == 0:  # the day of one of the company-currency orders
            day = dt.date(1970, 1, 1) + dt.timedelta(days=int(data["day"][i]))
        total = Decimal(str(round(float(rng.lognormal(4.5, 1.2)), 2)))
        rows.append(
            order(
                number=f"F-{seed}-{i:04d}",
                account_id=int(ids[int(rng.integers(0, len(ids)))]),
                owner=data["owner"],
                currency="USD" if i % 3 else "GBP",
                total=-total if i % 29 == 0 else total,
                ordered_on=day,
                status="cancelled" if i % 31 == 0 else "confirmed",
            )
        )
    account = apps.get_model("contacts", "Account")
    only_negative = account.objects.create(name="Only refunds", owner=data["owner"])
    only_later = account.objects.create(name="Only later", owner=data["owner"])
    for number, account_id, total, day in (
        ("N1", only_negative.pk, "-20.00", dt.date(2025, 4, 1)),
        ("N2", ids[1], "-5.50", dt.date(2025, 4, 1)),
        ("L1", only_later.pk, "70.00", AS_OF + dt.timedelta(days=1)),
        ("L2", ids[2], "999.99", AS_OF + dt.timedelta(days=30)),
        ("S1", ids[3], "10.00", AS_OF),
        ("S2", ids[3], "10.01", AS_OF),
    ):
        rows.append(
            order(
                number=f"X-{seed}-{number}",
                account_id=account_id,
                owner=data["owner"],
                currency="EUR",
                total=Decimal(total),
                ordered_on=day,
            )
        )
    order.objects.bulk_create(rows)
    return {**data, "only_negative": only_negative.pk, "only_later": only_later.pk}


def _store(stored: str) -> None:
    """The company totals of no order ("none", as bulk-created), every other one ("some") or all."""
    ids = list(apps.get_model("sales", "Order").all_objects.order_by("pk").values_list("pk", flat=True))
    if stored != "none":
        order_company_totals_refresh(order_ids=ids[::2] if stored == "some" else None)


@pytest.mark.parametrize("stored", ["none", "some", "all"])
def test_the_database_totals_equal_the_numpy_path_over_every_order(make_orders: Any, stored: str) -> None:
    data = _mixed(make_orders, 41)
    _store(stored)
    cutoffs = rfm_cutoffs(as_of=AS_OF, compare_months=6)
    days = [day_number(c) for c in cutoffs]
    got = customer_totals_load(cutoffs=cutoffs)
    expected = customer_totals_compute(transactions_load(until=AS_OF), cutoffs=days)
    assert got.cutoffs == expected.cutoffs == tuple(days)
    assert got.ids.tolist() == expected.ids.tolist()
    assert data["only_negative"] not in got.ids.tolist() and data["only_later"] not in got.ids.tolist()
    assert got.first_day.tolist() == expected.first_day.tolist()
    assert got.last_day.tolist() == expected.last_day.tolist()
    assert got.purchases.tolist() == expected.purchases.tolist()
    assert got.revenue.tolist() == expected.revenue.tolist()  # exactly: the same floats
    assert got.negatives == expected.negatives and got.negatives[0] >= 2


@pytest.mark.parametrize("stored", ["none", "some", "all"])
def test_the_rfm_report_from_the_database_totals_equals_the_one_from_transactions(
    make_orders: Any, stored: str
) -> None:
    _mixed(make_orders, 42)
    _store(stored)
    for months in (3, 6):
        cutoffs = rfm_cutoffs(as_of=AS_OF, compare_months=months)
        from_totals, scores = rfm_report(
            customer_totals_load(cutoffs=cutoffs), as_of=AS_OF, compare_months=months
        )
        from_tx, reference = rfm_report(transactions_load(until=AS_OF), as_of=AS_OF, compare_months=months)
        assert from_totals == from_tx
        assert from_totals["transitions"] is not None and from_totals["warnings"]
        for name in ("recency", "r", "f", "m", "segment"):
            assert getattr(scores, name).tolist() == getattr(reference, name).tolist()
        for name in ("ids", "first_day", "last_day", "purchases", "revenue"):
            assert getattr(scores.summary, name).tolist() == getattr(reference.summary, name).tolist()


def test_an_order_in_a_currency_the_catalog_lacks_fails_the_run_and_stores_nothing(make_orders: Any) -> None:
    data = make_orders(43, orders=20, accounts=5)
    CustomerInsight.objects.create(account=data["accounts"][0], rfm_segment="loyal")
    apps.get_model("sales", "Order").objects.create(
        number="Z1",
        account_id=data["accounts"][1].pk,
        owner=data["owner"],
        currency="XYZ",
        total=Decimal("10"),
        ordered_on=dt.date(2025, 2, 1),
    )
    with pytest.raises(AnalyticsError, match="currency the catalog does not have"):
        customer_totals_load(cutoffs=[AS_OF])
    run = analysis_run_request(kind="rfm", params={"as_of": AS_OF.isoformat()}, actor=None)
    result = analysis_run_execute(run_id=run.pk)
    assert result.status == RunStatus.FAILED and "currency the catalog does not have" in result.error
    insight = CustomerInsight.objects.get()
    assert (insight.account_id, insight.rfm_segment, insight.r_score) == (
        data["accounts"][0].pk,
        "loyal",
        None,
    )


def test_an_order_without_a_stored_total_and_no_rate_on_its_day_is_named(make_orders: Any) -> None:
    data = _mixed(make_orders, 44)
    _store("all")
    order = apps.get_model("sales", "Order")
    order.objects.create(
        number="EARLY",
        account_id=data["accounts"][0].pk,
        owner=data["owner"],
        currency="USD",
        total=Decimal("10"),
        ordered_on=dt.date(2023, 12, 31),
    )
    order_company_totals_refresh()
    assert order.objects.get(number="EARLY").company_total is None
    with pytest.raises(AnalyticsError, match="no exchange rate for USD on or before 2023-12-31"):
        customer_totals_load(cutoffs=[AS_OF])
