"""Churn risk: the chance that a customer who has been buying does not buy in the next `window` days (90 by
default; a parameter), from a logistic regression on their purchase and activity features (churn_features.py).

The holdout is split in time. With T the as-of day (today) and w the window: the model learns from the
snapshot at T − 2w (labels: who bought in [T − 2w, T − w)) and is measured on the snapshot at T − w (labels:
[T − w, T)) — the AUC and ROC curve shown. The stored model is then refitted on the T − w snapshot and scores
every current customer as of T. Each customer keeps its three strongest factors: coefficient × standardised
value, the exact push of that feature on the log-odds (positive raises the risk).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext
from crm.analytics.core.services import customer_insights_write
from crm.analytics.core.transactions import day_date, day_number
from crm.analytics.predict.churn_features import (
    Snapshot,
    churn_feature_labels,
    feature_groups,
    snapshot,
)
from crm.analytics.predict.history import transactions
from crm.analytics.predict.modelling import auc_roc, importance, model_fit, top_factors

KIND = "churn"
WINDOWS = (30, 60, 90, 120, 180, 365)
MIN_CUSTOMERS = 20


def churn_params(params: dict[str, Any]) -> tuple[int, int, dt.date]:
    """(window, lookback, as-of day) from the run's parameters, else InvalidInput naming the field."""
    try:
        window = int(params.get("window", 90))
    except (TypeError, ValueError):
        window = -1
    if window not in WINDOWS:
        raise AnalyticsError(
            _("Choose a window of %(choices)s days.") % {"choices": ", ".join(map(str, WINDOWS))}
        )
    lookback = max(365, 2 * window)
    as_of = params.get("as_of")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    except (TypeError, ValueError):
        raise AnalyticsError(_("Give the as-of day as YYYY-MM-DD.")) from None
    return window, lookback, day


def _enough(snap: Snapshot, *, what: str, cutoff: int) -> None:
    if snap.customers.shape[0] < MIN_CUSTOMERS:
        raise AnalyticsError(
            _(
                "Only %(n)s customers had bought before %(day)s (the %(what)s cutoff); at least %(min)s are "
                "needed. Choose a shorter window or wait for more history."
            )
            % {
                "n": snap.customers.shape[0],
                "day": day_date(cutoff).isoformat(),
                "what": what,
                "min": MIN_CUSTOMERS,
            }
        )
    assert snap.churned is not None
    churned = int(snap.churned.sum())
    if churned in (0, snap.churned.shape[0]):
        raise AnalyticsError(
            (
                _(
                    "Every customer at the %(what)s cutoff (%(day)s) stopped buying, so there is nothing to tell apart."
                )
                if churned
                else _(
                    "Every customer at the %(what)s cutoff (%(day)s) bought again, so there is no churn to learn from."
                )
            )
            % {"what": what, "day": day_date(cutoff).isoformat()}
        )


def churn_refresh(*, context: RunContext) -> dict[str, Any]:
    """The runner (registered as "churn")."""
    window, lookback, as_of = churn_params(context.params)
    context.progress(5, _("Reading the orders…"))
    tx = transactions(until=as_of)
    if len(tx) == 0:
        raise AnalyticsError(_("There are no orders to learn from."))
    if tx.customers < 2:
        raise AnalyticsError(_("Only one customer has orders; churn needs many customers to learn from."))
    now = day_number(as_of) + 1  # purchases on the as-of day count
    train_cut, test_cut = now - 2 * window, now - window
    context.progress(20, _("Building the training snapshot…"))
    train = snapshot(tx, cutoff=train_cut, window=window, lookback=lookback)
    _enough(train, what=_("training"), cutoff=train_cut)
    test = snapshot(tx, cutoff=test_cut, window=window, lookback=lookback, channels=_channels(train))
    _enough(test, what=_("holdout"), cutoff=test_cut)
    context.progress(40, _("Training and measuring on the holdout…"))
    assert train.churned is not None and test.churned is not None
    held = model_fit(train.x, train.churned, features=train.features)
    auc, roc = auc_roc(test.churned, held.predict(test.x))
    context.progress(55, _("Refitting on the latest snapshot…"))
    model = model_fit(test.x, test.churned, features=test.features)
    current = snapshot(
        tx, cutoff=now, window=window, lookback=lookback, channels=_channels(test), labelled=False
    )
    if current.customers.shape[0] == 0:
        raise AnalyticsError(
            _("No customer has bought in the last %(n)s days: nobody to score.") % {"n": lookback}
        )
    context.progress(70, _("Scoring the customers…"))
    labels = churn_feature_labels(model.features)
    risk = model.predict(current.x)
    factors = top_factors(model.contributions(current.x), features=model.features, labels=labels)
    context.progress(85, _("Storing the risks…"))
    written = customer_insights_write(
        columns=["churn_risk", "churn_factors"],
        rows=(
            (int(c), round(float(r), 4), f) for c, r, f in zip(current.customers, risk, factors, strict=True)
        ),
        computed_field="churn_computed_at",
    )
    histogram = np.histogram(risk, bins=10, range=(0.0, 1.0))[0]
    return {
        "auc": round(auc, 4),
        "roc": roc,
        "window": window,
        "lookback": lookback,
        "as_of": as_of.isoformat(),
        "train_cutoff": day_date(train_cut).isoformat(),
        "test_cutoff": day_date(test_cut).isoformat(),
        "train": int(train.customers.shape[0]),
        "test": int(test.customers.shape[0]),
        "train_churn_rate": round(float(train.churned.mean()), 4),
        "test_churn_rate": round(float(test.churned.mean()), 4),
        "scored": written,
        "mean_risk": round(float(risk.mean()), 4),
        "histogram": [int(v) for v in histogram],
        "importance": importance(model, labels=labels),
        "groups": feature_groups(model.features),
        "model": model.as_json(),
    }


def _channels(snap: Snapshot) -> list[str]:
    return [f.removeprefix("activity_") for f in snap.features if f.startswith("activity_")]
