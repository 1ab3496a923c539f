"""Lead scoring: a logistic regression trained on the leads whose outcome is known — converted into a deal that
was won (1), converted into a deal that was lost or disqualified (0) — scores every lead 0-100 (the chance it
ends in a won deal) with the three features that pushed it most. Converted leads whose deal is still open, and
leads converted without a deal, have no outcome yet and are left out of training.

The holdout is split in time: the model learns from the oldest 75 % of the decided leads (by the day they were
decided) and is measured (AUC) on the newest 25 %; the stored model is then refitted on all of them. Its
parameters are kept in the run's result, so a lead created later is scored on its own at once (handlers.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.activities.selectors import activity_subject_counts
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext
from crm.analytics.predict.lead_features import (
    lead_countries,
    lead_feature_labels,
    lead_feature_names,
    lead_matrix,
)
from crm.analytics.predict.modelling import LinearModel, auc_roc, importance, model_fit, top_factors
from crm.leads.selectors import lead_scoring_rows
from crm.leads.services.scores import lead_scores_set
from crm.sales.selectors.opportunities import opportunity_statuses

KIND = "lead_scoring"
MIN_DECIDED = 20
HOLDOUT_SHARE = 0.25


def lead_outcomes(rows: Sequence[dict[str, Any]]) -> dict[int, int]:
    """{lead id: 1 won / 0 lost or disqualified} for the leads whose outcome is known."""
    deal_ids = [r["converted_opportunity_id"] for r in rows if r["converted_opportunity_id"]]
    deals = opportunity_statuses(ids=deal_ids)
    outcomes: dict[int, int] = {}
    for r in rows:
        if r["status"] == "disqualified":
            outcomes[r["id"]] = 0
        elif r["status"] == "converted" and r["converted_opportunity_id"]:
            status = deals.get(r["converted_opportunity_id"])
            if status in ("won", "lost"):
                outcomes[r["id"]] = 1 if status == "won" else 0
    return outcomes


def _decided_at(row: dict[str, Any]) -> Any:
    return row["converted_at"] or row["disqualified_at"] or row["created_at"]


def score_of(p: float) -> int:
    return int(max(0, min(100, round(float(p) * 100))))


def lead_scoring_refresh(*, context: RunContext) -> dict[str, Any]:
    """The runner (registered as "lead_scoring")."""
    context.progress(5, _("Reading the leads…"))
    rows = list(lead_scoring_rows())
    if not rows:
        raise AnalyticsError(_("There are no leads to learn from."))
    outcomes = lead_outcomes(rows)
    decided = sorted((r for r in rows if r["id"] in outcomes), key=lambda r: (_decided_at(r), r["id"]))
    if len(decided) < MIN_DECIDED:
        raise AnalyticsError(
            ngettext(
                "Only %(n)s lead has a known outcome (a won or lost deal, or a disqualification); at least "
                "%(min)s are needed to learn from.",
                "Only %(n)s leads have a known outcome (a won or lost deal, or a disqualification); at least "
                "%(min)s are needed to learn from.",
                len(decided),
            )
            % {"n": len(decided), "min": MIN_DECIDED}
        )
    y = np.asarray([outcomes[r["id"]] for r in decided], dtype=np.int64)
    if int(y.sum()) in (0, len(y)):
        raise AnalyticsError(
            _("Every lead with a known outcome was won, so there is nothing to tell apart yet.")
            if y.sum()
            else _("No lead with a known outcome was won yet, so there is nothing to tell apart.")
        )
    context.progress(25, _("Counting the activities…"))
    activities = activity_subject_counts(subject_type="leads.lead")
    split = round(len(decided) * (1 - HOLDOUT_SHARE))
    train, test = decided[:split], decided[split:]
    countries = lead_countries(train)
    features = lead_feature_names(countries=countries)
    context.progress(40, _("Training on the older leads…"))
    held = model_fit(
        lead_matrix(train, features=features, activities=activities), y[:split], features=features
    )
    auc, roc = auc_roc(y[split:], held.predict(lead_matrix(test, features=features, activities=activities)))
    context.progress(60, _("Refitting on every decided lead…"))
    countries = lead_countries(decided)
    features = lead_feature_names(countries=countries)
    model = model_fit(lead_matrix(decided, features=features, activities=activities), y, features=features)
    context.progress(75, _("Scoring the leads…"))
    labels = lead_feature_labels(features)
    x_all = lead_matrix(rows, features=features, activities=activities)
    probabilities = model.predict(x_all)
    factors = top_factors(model.contributions(x_all), features=features, labels=labels)
    written = lead_scores_set(
        scores=((r["id"], score_of(p), f) for r, p, f in zip(rows, probabilities, factors, strict=True)),
        clear_others=True,
    )
    scores = np.asarray([score_of(p) for p in probabilities])
    histogram = np.histogram(scores, bins=10, range=(0, 100))[0]
    return {
        "auc": round(auc, 4),
        "roc": roc,
        "train": len(train),
        "test": len(test),
        "decided": len(decided),
        "won_share": round(float(y.mean()), 4),
        "train_until": _decided_at(train[-1]).isoformat(),
        "test_from": _decided_at(test[0]).isoformat(),
        "scored": written,
        "histogram": [int(v) for v in histogram],
        "importance": importance(model, labels=labels)[:12],
        "model": model.as_json(),
        "countries": countries,
    }


def lead_score_one(*, model_json: dict[str, Any], lead_id: int) -> tuple[int, list[dict[str, Any]]] | None:
    """Score one lead with a stored model (a lead just created): (score, factors), or None when it is gone."""
    rows = list(lead_scoring_rows(ids=[lead_id]))
    if not rows:
        return None
    model = LinearModel.from_json(model_json)
    activities = activity_subject_counts(subject_type="leads.lead", subject_ids=[lead_id])
    x = lead_matrix(rows, features=model.features, activities=activities)
    labels = lead_feature_labels(model.features)
    factors = top_factors(model.contributions(x), features=model.features, labels=labels)[0]
    return score_of(float(model.predict(x)[0])), factors
