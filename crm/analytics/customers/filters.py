"""The accounts list's filters by the stored customer figures (RFM segment, ABC class, lifetime value, churn
risk): registered on the contacts list from this (higher) layer, so contacts never imports analytics."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.analytics.core.enums import AbcClass, RfmSegment
from crm.core.listing import FilterField, list_filter_register

ACCOUNT = "contacts.account"


def _accounts_with(condition: Q) -> Q:
    from crm.analytics.core.selectors import customer_insight_account_ids

    return Q(pk__in=customer_insight_account_ids(condition=condition))


def account_filters_register() -> None:
    for field in (
        FilterField(
            "rfm_segment",
            "rfm_segment",
            "choice",
            _("RFM segment"),
            tuple(RfmSegment.choices),
            wrap=_accounts_with,
        ),
        FilterField(
            "abc_class", "abc_class", "choice", _("ABC class"), tuple(AbcClass.choices), wrap=_accounts_with
        ),
        FilterField(
            "cohort", "cohort_month", "date", _("Cohort (first purchase month)"), wrap=_accounts_with
        ),
        FilterField("clv", "clv", "number", _("Lifetime value"), wrap=_accounts_with),
        FilterField("churn_risk", "churn_risk", "number", _("Churn risk"), wrap=_accounts_with),
    ):
        list_filter_register(object_type=ACCOUNT, field=field)
