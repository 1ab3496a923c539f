"""What the lead-scoring model reads of a lead: one-hot source, authority, purchase timeline and country, which
contact details were given, the budget and the activities logged on it. The feature list (with the countries
seen in training) is part of the stored model, so a new lead is encoded exactly like the training leads."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from crm.leads.enums import Authority, LeadSource, PurchaseTimeline
from crm.leads.scoring import score_factor_labels as lead_feature_labels

__all__ = ["lead_countries", "lead_feature_labels", "lead_feature_names", "lead_matrix"]

TOP_COUNTRIES = 8
_GIVEN = ("email", "phone", "job_title", "company", "website", "need")


def lead_feature_names(*, countries: Sequence[str]) -> list[str]:
    names = [f"source={v}" for v in LeadSource.values]
    names += [f"authority={v}" for v in ("", *Authority.values)]
    names += [f"timeline={v}" for v in ("", *PurchaseTimeline.values)]
    names += [f"country={c}" for c in countries]
    names += [f"has_{f}" for f in _GIVEN]
    names += ["has_budget", "log_budget", "log_activities"]
    return names


def lead_countries(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The most frequent countries of the training leads (each gets its own feature; the rest share none)."""
    counts = Counter(r["country"] for r in rows if r["country"])
    return [c for c, _n in counts.most_common(TOP_COUNTRIES)]


def lead_matrix(
    rows: Sequence[dict[str, Any]], *, features: Sequence[str], activities: dict[int, int]
) -> np.ndarray:
    index = {name: j for j, name in enumerate(features)}
    x = np.zeros((len(rows), len(features)), dtype=np.float64)
    for i, r in enumerate(rows):
        for key in (
            f"source={r['source']}",
            f"authority={r['authority'] or ''}",
            f"timeline={r['timeline'] or ''}",
            f"country={r['country']}",
        ):
            j = index.get(key)
            if j is not None:
                x[i, j] = 1.0
        for f in _GIVEN:
            j = index.get(f"has_{f}")
            if j is not None and str(r.get(f) or "").strip():
                x[i, j] = 1.0
        budget = r.get("budget_amount")
        if budget is not None and "has_budget" in index:
            x[i, index["has_budget"]] = 1.0
            x[i, index["log_budget"]] = math.log1p(max(float(budget), 0.0))
        if "log_activities" in index:
            x[i, index["log_activities"]] = math.log1p(activities.get(int(r["id"]), 0))
    return x
