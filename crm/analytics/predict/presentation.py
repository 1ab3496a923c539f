"""The charts and tables of the predictive analyses' pages, built from a run's stored result (no queries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from crm.analytics.core.charts import Bar, Series, bar_chart, curve_chart, line_chart
from crm.analytics.core.ranges import account_list_url
from crm.analytics.predict.churn_features import churn_feature_labels
from crm.leads.scoring import score_factor_labels


def roc_chart(result: dict[str, Any]) -> SafeString:
    auc = float(result.get("auc", 0.0))
    return curve_chart(
        points=[(float(x), float(y)) for x, y in result.get("roc", [])],
        reference=[(0.0, 0.0), (1.0, 1.0)],
        title=_("ROC curve on the holdout (AUC %(auc)s)") % {"auc": formats.number_format(auc, 3)},
        x_label=_("False-positive rate"),
        y_label=_("True-positive rate"),
        x_format=lambda v: f"{v:.0%}",
        y_format=lambda v: f"{v:.0%}",
    )


def importance_rows(result: dict[str, Any], *, kind: str) -> list[dict[str, Any]]:
    """The model's features by weight, labelled in the active language."""
    items = result.get("importance", [])
    names = [i["feature"] for i in items]
    labels = churn_feature_labels(names) if kind == "churn" else score_factor_labels(names)
    return [
        {
            **i,
            "label": labels.get(i["feature"], i["feature"]),
            "raises": i["coef"] > 0,
            "size": abs(i["coef"]),
        }
        for i in items
    ]


def histogram_chart(
    counts: list[int], *, title: str, percent: bool, urls: list[str] | None = None
) -> SafeString:
    bars = []
    for k, n in enumerate(counts):
        low, high = k * 10, (k + 1) * 10
        label = f"{low}–{high}%" if percent else f"{low}–{high}"
        bars.append(
            Bar(
                label=label,
                value=float(n),
                url=urls[k] if urls else "",
                display=formats.number_format(n, use_l10n=True, force_grouping=True),
            )
        )
    return bar_chart(bars, title=title)


def churn_band_urls(count: int) -> list[str]:
    """The accounts list filtered to each tenth of churn risk (the last one up to and including 100 %)."""
    return [
        account_list_url(
            name="churn_risk",
            low=Decimal(k) / count,
            below=Decimal(k + 1) / count if k + 1 < count else None,
        )
        for k in range(count)
    ]


# low, medium and high risk: where a manager starts (the tenths of the histogram they add up)
RISK_BANDS = ((0, 4, "low"), (4, 7, "medium"), (7, 10, "high"))


def churn_bands(counts: list[int]) -> list[dict[str, Any]]:
    """Customers at low (< 40 %), medium (40–70 %) and high (≥ 70 %) risk, each linked to the accounts list."""
    if len(counts) != 10:
        return []
    labels = {"low": _("Low risk"), "medium": _("Medium risk"), "high": _("High risk")}
    ranges = {"low": _("under 40 %"), "medium": _("40 % to 70 %"), "high": _("70 % or more")}
    return [
        {
            "key": key,
            "label": labels[key],
            "range": ranges[key],
            "customers": sum(counts[start:end]),
            "url": account_list_url(
                name="churn_risk",
                low=Decimal(start) / 10 if start else None,
                below=Decimal(end) / 10 if end < 10 else None,
            ),
        }
        for start, end, key in RISK_BANDS
    ]


def _month_label(iso: str, *, short: bool = False) -> str:
    return formats.date_format(dt.date.fromisoformat(iso), "M y" if short else "M Y")


def forecast_chart(result: dict[str, Any]) -> SafeString:
    history = result.get("history", [])
    future = result.get("forecast", [])
    labels = [_month_label(h["month"], short=True) for h in history] + [
        _month_label(f["month"], short=True) for f in future
    ]
    gap: list[float | None] = [None] * len(history)
    actual: list[float | None] = [float(h["revenue"]) for h in history] + [None] * len(future)
    # the forecast line starts at the last actual month, so the two join
    forecast = (
        gap[:-1]
        + ([float(history[-1]["revenue"])] if history else [])
        + [float(f["revenue"]) for f in future]
    )
    weighted = gap + [float(f["weighted"]) for f in future]
    return line_chart(
        labels=labels,
        series=[
            Series(name=_("Revenue"), values=actual),
            Series(name=_("Seasonal forecast"), values=forecast, dashed=True),
            Series(name=_("Weighted pipeline"), values=weighted),
        ],
        title=_("Monthly revenue, forecast and weighted pipeline (%(currency)s)")
        % {"currency": result.get("currency", "")},
    )


def forecast_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**f, "label": _month_label(f["month"])} for f in result.get("forecast", [])]
