"""The churn model's features of each customer as of a cutoff day, and its label.

Who is in: customers with a purchase in the `lookback` days before the cutoff (a customer gone for years is
not "at risk", and would make the model look better than it is). The label: 1 when the customer does not buy
in the `window` days from the cutoff on.

Feature groups:
- purchases (from the orders that stand): days since the last purchase, log number of purchases, log average
  order value, days since the first purchase (tenure), and the trend — log purchases in the last 180 days
  minus log purchases in the 180 before;
- activities: log number of interactions logged on the account in the 90 days before the cutoff, per channel
  (read through `crm.activities.selectors.activity_channel_counts`); a channel nobody used is left out;
- service: there is no customer-service app yet, so no service features (the page says so).
P(alive) from the lifetime-value analysis is not a feature: it is stored computed on today's data, so using it
for the past cutoffs the model learns from would leak the answer; the page shows it next to the churn risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.activities.enums import Channel
from crm.activities.selectors import activity_channel_counts
from crm.analytics.core.transactions import Transactions, day_date

PURCHASE_FEATURES = ("recency", "frequency", "monetary", "tenure", "trend")
ACTIVITY_DAYS = 90
TREND_DAYS = 180


@dataclass(frozen=True)
class Snapshot:
    customers: np.ndarray  # account ids
    x: np.ndarray  # rows: customers, columns: features
    features: list[str]
    churned: np.ndarray | None  # the label (None for the cutoff of today: the future is unknown)


def _moment(day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day_date(day), dt.time.min))


def channel_counts(cutoff: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(account ids, channels, counts) of the interactions in the ACTIVITY_DAYS before `cutoff`."""
    rows = activity_channel_counts(start=_moment(cutoff - ACTIVITY_DAYS), end=_moment(cutoff))
    return (
        np.asarray([r[0] for r in rows], dtype=np.int64),
        np.asarray([r[1] for r in rows], dtype=object),
        np.asarray([r[2] for r in rows], dtype=np.float64),
    )


def snapshot(
    tx: Transactions,
    *,
    cutoff: int,
    window: int,
    lookback: int,
    channels: list[str] | None = None,
    labelled: bool = True,
) -> Snapshot:
    """Features as of `cutoff` (a day number; purchases before it), and with `labelled` the churn label over
    [cutoff, cutoff + window). `channels` fixes the activity columns (those of the training snapshot)."""
    before = tx.day < cutoff
    customers, inverse = np.unique(tx.customer[before], return_inverse=True)
    days = tx.day[before].astype(np.int64)
    amounts = tx.amount[before]
    n = customers.shape[0]
    last = np.full(n, np.iinfo(np.int64).min)
    first = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(last, inverse, days)
    np.minimum.at(first, inverse, days)
    count = np.bincount(inverse, minlength=n).astype(np.float64)
    total = np.bincount(inverse, weights=amounts, minlength=n)
    recent = np.bincount(inverse, weights=(days >= cutoff - TREND_DAYS).astype(np.float64), minlength=n)
    prior = np.bincount(
        inverse,
        weights=((days >= cutoff - 2 * TREND_DAYS) & (days < cutoff - TREND_DAYS)).astype(np.float64),
        minlength=n,
    )
    keep = last >= cutoff - lookback
    customers, last, first = customers[keep], last[keep], first[keep]
    count, total, recent, prior = count[keep], total[keep], recent[keep], prior[keep]
    columns = [
        (cutoff - last).astype(np.float64),
        np.log1p(count),
        np.log1p(np.maximum(total / np.maximum(count, 1), 0)),
        (cutoff - first).astype(np.float64),
        np.log1p(recent) - np.log1p(prior),
    ]
    features = list(PURCHASE_FEATURES)
    accounts, account_channels, counts = channel_counts(cutoff)
    if channels is None:
        channels = sorted({str(c) for c in account_channels})
    # customers is sorted (np.unique): find each activity row's customer by binary search
    slot = np.searchsorted(customers, accounts)
    found = np.zeros(accounts.shape[0], dtype=bool)
    if customers.shape[0]:
        found = (slot < customers.shape[0]) & (
            customers[np.minimum(slot, customers.shape[0] - 1)] == accounts
        )
    for channel in channels:
        column = np.zeros(customers.shape[0])
        mask = found & (account_channels == channel)
        column[slot[mask]] = np.log1p(counts[mask])
        columns.append(column)
        features.append(f"activity_{channel}")
    churned = None
    if labelled:
        after = (tx.day >= cutoff) & (tx.day < cutoff + window)
        churned = (~np.isin(customers, tx.customer[after])).astype(np.int64)
    x = np.column_stack(columns) if customers.shape[0] else np.zeros((0, len(features)))
    return Snapshot(customers=customers, x=x, features=features, churned=churned)


def churn_feature_labels(features: list[str]) -> dict[str, str]:
    """Readable, translated names of the features (in the language active now)."""
    channels = {str(k): str(v) for k, v in Channel.choices}
    fixed = {
        "recency": _("Days since the last purchase"),
        "frequency": _("Number of purchases"),
        "monetary": _("Average order value"),
        "tenure": _("Customer for (days)"),
        "trend": _("Purchase trend (last 6 months vs the 6 before)"),
    }
    labels = {}
    for name in features:
        if name.startswith("activity_"):
            channel = name.removeprefix("activity_")
            labels[name] = _("Interactions in 90 days: %(channel)s") % {
                "channel": channels.get(channel, channel)
            }
        else:
            labels[name] = fixed.get(name, name)
    return labels


def feature_groups(features: list[str]) -> list[dict[str, object]]:
    """Which feature groups the model used (for the page)."""
    activity = [f for f in features if f.startswith("activity_")]
    return [
        {"key": "purchases", "used": True, "count": len(PURCHASE_FEATURES)},
        {"key": "activities", "used": bool(activity), "count": len(activity)},
        {"key": "service", "used": False, "count": 0},
        {"key": "p_alive", "used": False, "count": 0},
    ]
