"""The search box in the top bar (a popover fragment while typing) and the full results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.core.errors import InvalidInput
from crm.core.search.selectors import search_run
from crm.core.search.terms import MAX_LENGTH

POPOVER_LIMIT = 5  # hits per type while typing
PAGE_LIMIT = 10  # hits per type on the results page
MORE_LIMIT = 50  # hits of the one type shown after "More …"


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    types = [t for t in request.GET.getlist("types") if t]
    is_popover = bool(request.headers.get("HX-Request") and request.GET.get("popover"))
    limit = POPOVER_LIMIT if is_popover else (MORE_LIMIT if types else PAGE_LIMIT)
    error = ""
    groups = []
    if q:
        try:
            groups = search_run(user=request.user, q=q, types=types, limit=limit)
        except InvalidInput as exc:
            error = " ".join(m for messages in exc.field_errors.values() for m in messages)
    context = {
        "q": q,
        "types": types,
        "groups": groups,
        "error": error,
        "max_length": MAX_LENGTH,
        "quick_find_q": q,
    }
    template = "search/search.html#popover" if is_popover else "search/search.html"
    return render(request, template, context)
