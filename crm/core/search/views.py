"""The search box in the top bar (a popover fragment while typing) and the full results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.core.errors import InvalidInput
from crm.core.search.selectors import SearchGroup, search_run
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
    if is_popover:
        return HttpResponse(_popover(q, groups, error))
    context = {
        "q": q,
        "types": types,
        "groups": groups,
        "error": error,
        "max_length": MAX_LENGTH,
        "quick_find_q": q,
    }
    return render(request, "search/search.html", context)


def _popover(q: str, groups: list[SearchGroup], error: str) -> SafeString:
    """The popover under the top bar's search box, built here rather than by a template: it answers every
    keystroke, and rendering a template (context processors, partial lookup, tags) cost more than building
    the few dozen elements — as one join of escaped strings (nested format_html calls cost ~0.1 ms a hit)."""
    if error or not q:
        return mark_safe("")
    if not groups:
        empty = _("No matches for “%(q)s”") % {"q": q}
        return format_html('<div class="qf-pop"><p class="qf-pop__empty">{}</p></div>', empty)
    escape = conditional_escape  # what format_html does to each argument
    parts = ['<div class="qf-pop" role="listbox" aria-label="', escape(_("Search results")), '">']
    for group in groups:
        parts += [
            '<div class="qf-pop__group"><div class="qf-pop__heading">',
            escape(str(group.label)),
            "</div>",
        ]
        for hit in group.hits:
            parts += [
                '<a class="qf-pop__item" role="option" href="',
                escape(hit.url),
                '" data-qf-item><span class="qf-pop__label">',
                escape(hit.title),
                "</span>",
            ]
            if hit.subtitle:
                parts += ['<span class="qf-pop__sub">', escape(hit.subtitle), "</span>"]
            parts.append("</a>")
        parts.append("</div>")
    see_all = _("See all results for “%(q)s”") % {"q": q}
    parts += [
        '<a class="qf-pop__all" href="',
        escape(reverse("search:search")),
        "?q=",
        escape(urlencode(q)),
        '" data-qf-item>',
        escape(see_all),
        " ↵</a></div>",
    ]
    return mark_safe("".join(parts))
