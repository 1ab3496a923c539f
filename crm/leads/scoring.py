"""What the features of a lead score mean, in the reader's language: the lead-scoring model (analytics) stores
the feature keys it learnt from lead fields ("source=web_form", "has_phone"…); the lead pages name them here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from crm.leads.enums import Authority, LeadSource, PurchaseTimeline


def score_factor_labels(features: Iterable[str]) -> dict[str, str]:
    """Readable, translated names of the features (in the language active now)."""
    sources = {str(k): str(v) for k, v in LeadSource.choices}
    authorities = {"": _("not given"), **{str(k): str(v) for k, v in Authority.choices}}
    timelines = {"": _("not given"), **{str(k): str(v) for k, v in PurchaseTimeline.choices}}
    fixed = {
        "has_email": _("Email given"),
        "has_phone": _("Phone given"),
        "has_job_title": _("Job title given"),
        "has_company": _("Company given"),
        "has_website": _("Website given"),
        "has_need": _("Need described"),
        "has_budget": _("Budget given"),
        "log_budget": _("Budget size"),
        "log_activities": _("Activities logged"),
    }
    labels: dict[str, str] = {}
    for name in features:
        key, _sep, value = name.partition("=")
        if key == "source":
            labels[name] = _("Source: %(value)s") % {"value": sources.get(value, value)}
        elif key == "authority":
            labels[name] = _("Authority: %(value)s") % {"value": authorities.get(value, value)}
        elif key == "timeline":
            labels[name] = _("Purchase timeline: %(value)s") % {"value": timelines.get(value, value)}
        elif key == "country":
            labels[name] = _("Country: %(value)s") % {"value": value}
        else:
            labels[name] = fixed.get(name, name)
    return labels


def score_factors_display(factors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored factors of a lead with their labels in the active language and the direction of each."""
    labels = score_factor_labels(str(f.get("feature", "")) for f in factors)
    return [
        {
            "feature": f.get("feature", ""),
            "label": labels.get(str(f.get("feature", "")), f.get("label", "")),
            "effect": float(f.get("effect", 0)),
            "raises": float(f.get("effect", 0)) > 0,
        }
        for f in factors
    ]
