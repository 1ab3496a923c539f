"""Predictive analytics at 100,000 customers: the compute of a churn refresh and of a sales forecast, and the
storing of 100,000 churn risks.

    python bench/predict.py [--customers 100000] [--seed 7]

In memory (synthetic transactions: ~10 orders a customer over two years, 2 activity channels) for the compute —
the three snapshots, two fits, the AUC, scoring and per-customer factors; the Holt-Winters fit and its rolling
backtest on the monthly series — then `customer_insights_write` of every risk into a fresh SQLite database
(migrated in a temporary directory). Reading the orders from the database (`transactions_load`) is measured by
the analytics core's own benchmark, not here. Writes bench/results/predict.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic(customers: int, seed: int) -> Any:
    import datetime as dt

    from crm.analytics.core.transactions import Transactions, day_number

    rng = np.random.default_rng(seed)
    end = day_number(dt.date(2026, 6, 30))
    rate = rng.choice([0.05, 0.01], size=customers)  # purchases a day: regulars and occasionals
    counts = rng.poisson(rate * 730) + 1
    customer = np.repeat(np.arange(1, customers + 1, dtype=np.int64), counts)
    day = (end - rng.integers(0, 730, size=customer.shape[0])).astype(np.int32)
    amount = rng.gamma(2.0, 60.0, size=customer.shape[0])
    activity = (
        np.arange(1, customers + 1, dtype=np.int64),
        np.where(rate > 0.02, "email", "phone").astype(object),
        rng.poisson(2, size=customers).astype(np.float64),
    )
    return Transactions(customer=customer, day=day, amount=amount), activity, end


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-store", action="store_true", help="compute only (no database)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="crm-bench-predict-")
    os.environ["CRM_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import sklearn.linear_model
    import sklearn.metrics  # noqa: F401
    from django.core.management import call_command

    from crm.analytics.predict import churn, churn_features, sales_forecast
    from crm.analytics.predict.seasonal import backtest, holt_winters_fit

    tx, activity, end = synthetic(args.customers, args.seed)
    figures: dict[str, Any] = {"customers": args.customers, "transactions": len(tx)}

    # churn compute: everything the runner does but reading the orders and storing the risks
    with mock.patch.object(churn_features, "channel_counts", lambda cutoff: activity):
        t0, c0 = time.perf_counter(), time.process_time()
        window, lookback = 90, 365
        train = churn_features.snapshot(tx, cutoff=end + 1 - 2 * window, window=window, lookback=lookback)
        test = churn_features.snapshot(
            tx, cutoff=end + 1 - window, window=window, lookback=lookback, channels=["email", "phone"]
        )
        held = churn.model_fit(train.x, train.churned, features=train.features)
        auc, _roc = churn.auc_roc(test.churned, held.predict(test.x))
        model = churn.model_fit(test.x, test.churned, features=test.features)
        current = churn_features.snapshot(
            tx, cutoff=end + 1, window=window, lookback=lookback, channels=["email", "phone"], labelled=False
        )
        labels = churn_features.churn_feature_labels(model.features)
        risk = model.predict(current.x)
        factors = churn.top_factors(model.contributions(current.x), features=model.features, labels=labels)
        figures["churn_compute_s"] = round(time.perf_counter() - t0, 3)
        figures["churn_compute_cpu_s"] = round(time.process_time() - c0, 3)
        figures["churn_scored"] = int(current.customers.shape[0])
        figures["churn_auc"] = round(auc, 3)

    # sales forecast compute: monthly series from every transaction, fit, rolling backtest
    t0, c0 = time.perf_counter(), time.process_time()
    with mock.patch.object(sales_forecast, "transactions", lambda until: tx):
        import datetime as dt

        months, revenue = sales_forecast.monthly_revenue(until=dt.date(2026, 7, 15))
    fit = holt_winters_fit(revenue)
    test_bt = backtest(revenue, horizon=3, origins=12)
    figures["forecast_compute_s"] = round(time.perf_counter() - t0, 3)
    figures["forecast_compute_cpu_s"] = round(time.process_time() - c0, 3)
    figures["forecast_months"] = len(months)
    figures["forecast_seasonal"] = fit.seasonal
    figures["forecast_mape"] = None if test_bt is None or test_bt.mape is None else round(test_bt.mape, 4)

    if args.no_store:
        figures["load"] = os.getloadavg()
        (ROOT / "bench" / "results" / "predict-compute.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
        return
    # storing the risks (SQLite): accounts first, then the upsert the runner does
    call_command("migrate", verbosity=0)
    from django.apps import apps

    from crm.analytics.core.services import customer_insights_write
    from crm.contacts.tests.factories import UserFactory

    account = apps.get_model("contacts", "Account")
    owner = UserFactory()
    ids = [int(c) for c in current.customers]
    for start in range(0, len(ids), 5000):
        account.objects.bulk_create(
            [account(pk=i, name=f"Customer {i}", owner=owner) for i in ids[start : start + 5000]]
        )
    t0 = time.perf_counter()
    written = customer_insights_write(
        columns=["churn_risk", "churn_factors"],
        rows=((c, round(float(r), 4), f) for c, r, f in zip(ids, risk, factors, strict=True)),
        computed_field="churn_computed_at",
    )
    figures["churn_store_s"] = round(time.perf_counter() - t0, 3)
    figures["churn_store_rows"] = written
    figures["load"] = os.getloadavg()
    out = ROOT / "bench" / "results" / "predict.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
