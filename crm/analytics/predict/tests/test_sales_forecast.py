"""The seasonal forecast: small backtest error on a seasonal series, better than the naive baselines; the
runner on orders and open deals; bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.apps import apps

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.predict.seasonal import backtest, holt_winters_fit
from crm.analytics.predict.tests import data


def test_seasonal_model_backtests_well_and_beats_the_naive_forecasts() -> None:
    y = data.seasonal_series(48)
    test = backtest(y, horizon=3, origins=12)
    assert test is not None and test.origins == 12
    assert test.mape is not None and test.mape < 0.05
    assert test.mae < 0.5 * test.naive_mae
    assert test.mae < test.seasonal_naive_mae  # the trend is learnt too
    fit = holt_winters_fit(y)
    assert fit.seasonal
    ahead = fit.forecast(12)
    truth = 10_000 + 80 * np.arange(48, 60) + 3_000 * np.sin(2 * np.pi * np.arange(48, 60) / 12)
    assert np.mean(np.abs(ahead - truth) / truth) < 0.06


def test_short_history_falls_back_to_the_trend() -> None:
    fit = holt_winters_fit(np.arange(10, dtype=float) * 100 + 1000)
    assert not fit.seasonal
    assert fit.forecast(2)[1] == pytest.approx(2100, rel=0.02)


def _run(**params: object) -> object:
    return analysis_run_execute(
        run_id=analysis_run_request(kind="sales_forecast", params=params, actor=None).pk
    )


@pytest.mark.django_db
def test_runner_forecasts_orders_and_weights_the_open_pipeline() -> None:
    from crm.sales.tests.factories import make_pipeline, stage

    data.company_currency()
    owner = data.UserFactory()
    ids = data.accounts(3, owner=owner)
    y = data.seasonal_series(36)
    rows = []
    for k, total in enumerate(y):
        month = dt.date(2023 + (k + 6) // 12, (k + 6) % 12 + 1, 1)  # July 2023 … June 2026
        for j, a in enumerate(ids):  # three orders a month
            rows.append((a, month + dt.timedelta(days=5 + 7 * j), float(total) / 3))
    data.orders(rows, owner=owner)
    pipeline = make_pipeline()
    opportunity = apps.get_model("sales", "Opportunity")
    proposal = stage(pipeline, "Proposal")
    for amount, probability in ((Decimal("10000"), 50), (Decimal("4000"), 25)):
        opportunity.objects.create(
            name="Open",
            account_id=ids[0],
            owner=owner,
            pipeline=pipeline,
            stage=proposal,
            status="open",
            probability=probability,
            close_date=dt.date(2026, 8, 15),
            stage_entered_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
            amount=amount,
            currency="EUR",
        )
    run = _run(as_of="2026-07-10", horizon=6)
    assert run.status == RunStatus.DONE, run.error
    result = run.result
    assert result["months"] == 36 and result["model"]["seasonal"]
    assert result["backtest"]["mape"] < 0.08
    assert result["backtest"]["mae"] < result["backtest"]["naive_mae"]
    months = {f["month"]: f for f in result["forecast"]}
    assert next(iter(months)) == "2026-07-01" and len(months) == 6
    assert months["2026-08-01"]["weighted"] == pytest.approx(6000.0)
    assert months["2026-08-01"]["pipeline"] == pytest.approx(14000.0)
    assert result["total_weighted"] == pytest.approx(6000.0)
    assert result["warnings"] == []


@pytest.mark.django_db
def test_too_little_history_is_refused_and_a_short_one_warns() -> None:
    run = _run()
    assert run.status == RunStatus.FAILED and run.error.startswith("No company currency is set.")
    data.company_currency()
    run = _run()
    assert run.status == RunStatus.FAILED and "at least 6 complete months" in run.error
    owner = data.UserFactory()
    (a,) = data.accounts(1, owner=owner)
    data.orders([(a, dt.date(2026, m, 3), 1000.0 + 50 * m) for m in range(1, 10)], owner=owner)
    run = _run(as_of="2026-10-02")
    assert run.status == RunStatus.DONE
    assert not run.result["model"]["seasonal"]
    assert "follows the trend only" in run.result["warnings"][0]
    bad = _run(horizon=5)
    assert bad.status == RunStatus.FAILED and "Choose a horizon of" in bad.error
