"""The opportunity table and the account page's opportunities panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.contacts.selectors import account_get
from crm.contacts.views.common import domain_view
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.listing import Page
from crm.sales import selectors
from crm.sales.enums import OpportunityStatus
from crm.sales.listing import OPPORTUNITY_LIST
from crm.sales.views.common import (
    OBJECT_TYPE,
    STATUS_VARIANTS,
)


# --- the list -------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    params = request.GET
    error = ""
    try:
        page = selectors.opportunity_list(
            user=user,
            params=params,
            sort=params.get("sort"),
            cursor=params.get("cursor"),
            limit=params.get("limit"),
        )
        count, capped = selectors.opportunity_count(user=user, params=params)
    except InvalidInput as exc:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        page = Page(items=[], next_cursor=None, sort=OPPORTUNITY_LIST.default_sort, limit=50)
        count, capped = 0, False
    pipelines = selectors.pipeline_list(user=user)
    next_params = params.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    context = {
        "page": page,
        "rows": [{"o": o, "variant": STATUS_VARIANTS.get(o.status, "neutral")} for o in page.items],
        "count": count,
        "capped": capped,
        "error": error,
        "pipelines": pipelines,
        "stages": [s for p in pipelines for s in p.stages.all()],
        "statuses": OpportunityStatus.choices,
        "params": params,
        "sort": page.sort,
        "next_query": next_params.urlencode() if page.next_cursor else "",
        "is_filtered": any(k not in {"sort", "cursor", "limit"} and v for k, v in params.items()),
        "can_create": user_can(user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/opportunity_list.html", context)


# --- the account page's panel --------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_opportunities(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    rows = selectors.account_opportunities(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "rows": [{"o": o, "variant": STATUS_VARIANTS.get(o.status, "neutral")} for o in rows],
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/account_opportunities.html", context)
