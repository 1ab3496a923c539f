"""What the sales pages share: labels, status colours, money totals, permission checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.core.listing import Page
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


def list_context(request: HttpRequest, *, list_fn: Any, count_fn: Any, spec: Any) -> dict[str, Any]:
    """A document list page's context: one keyset page from `list_fn`, the capped count from `count_fn`, the
    link to the next page; a bad filter or sort shows as `error` over an empty page (nothing raised)."""
    params = request.GET
    error = ""
    filters = {k: v for k, v in params.items() if k not in {"sort", "cursor", "limit"}}
    try:
        page = list_fn(
            user=request.user,
            params=params,
            sort=params.get("sort"),
            cursor=params.get("cursor"),
            limit=params.get("limit"),
        )
        count, capped = count_fn(user=request.user, params=params)
    except InvalidInput as exc:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        page = Page(items=[], next_cursor=None, sort=spec.default_sort, limit=50)
        count, capped = 0, False
    next_params = params.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    return {
        "page": page,
        "count": count,
        "capped": capped,
        "error": error,
        "params": params,
        "sort": page.sort,
        "next_query": next_params.urlencode() if page.next_cursor else "",
        "is_filtered": any(v for v in filters.values()),
    }
