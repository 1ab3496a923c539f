"""The holdout chart: mean predicted vs actual repeat purchases per calibration frequency (core line chart)."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from crm.analytics.core.charts import Series, line_chart
from crm.core.ui import formats


def holdout_svg(holdout: dict[str, Any]) -> SafeString:
    buckets = holdout.get("buckets", [])
    return line_chart(
        labels=[b["frequency"] for b in buckets],
        series=[
            Series(name=_("Actual"), values=[b["actual"] for b in buckets]),
            Series(name=_("Predicted (BG/NBD)"), values=[b["predicted"] for b in buckets], dashed=True),
        ],
        title=_(
            "Repeat purchases in the holdout period per customer, by purchases in the calibration period"
        ),
        value_format=lambda v: formats.format_number(v, 2),
    )
