"""What the sales pages share: labels, status colours, money totals, permission checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy

from crm.core.errors import DomainError, RecordNotFound
from crm.core.ui.formats import format_money
from crm.sales import selectors
from crm.sales.enums import OpportunityStatus
from crm.sales.models import Opportunity

OBJECT_TYPE = "sales.opportunity"
STATUS_VARIANTS: dict[str, str] = {
    OpportunityStatus.OPEN: "info",
    OpportunityStatus.WON: "success",
    OpportunityStatus.LOST: "danger",
}
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "account": gettext_lazy("Account"),
    "amount": gettext_lazy("Amount"),
    "currency": gettext_lazy("Currency"),
    "close_date": gettext_lazy("Expected close date"),
    "next_step": gettext_lazy("Next step"),
    "competitors": gettext_lazy("Competitors"),
    "contacts": gettext_lazy("Contacts"),
    "lost_reason": gettext_lazy("Lost reason"),
    "probability": gettext_lazy("Probability (%)"),
    "owner": gettext_lazy("Owner"),
    "stage": gettext_lazy("Stage"),
}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field.replace("_", " ")))


def totals_text(totals: list[tuple[str, Any]]) -> str:
    """A column's amount per currency, one per line, the biggest first."""
    text = "\n".join(format_money(total, currency) for currency, total in totals)
    return text or format_money(0, getattr(settings, "DEFAULT_CURRENCY", "EUR"))


def user_may(user: Any, opportunity: Opportunity, action: str) -> bool:
    try:
        selectors.opportunity_get(user=user, pk=opportunity.pk, action=action)
    except RecordNotFound:
        return False
    return True


def errors_text(exc: DomainError) -> str:
    parts = [
        f"{field_label(field)}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.field_errors.items()
    ]
    return " ".join([exc.message, *parts]) if parts else exc.message
