"""The pivot builder page (live result with htmx), the records behind a cell, exports, saved reports and their
email schedules. Thin: parse the form, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from crm.analytics.pivot import filtering, presenters, selectors, services
from crm.analytics.pivot.definition import dimensions_of
from crm.analytics.pivot.engine import OTHER
from crm.analytics.pivot.enums import Frequency
from crm.analytics.pivot.export import export_response
from crm.analytics.pivot.sources import AGGREGATES, BUCKETS, source_get
from crm.contacts.views.common import domain_view
from crm.core.errors import InvalidInput

BUCKET_LABELS = {
    "day": _lazy("day"),
    "week": _lazy("week"),
    "month": _lazy("month"),
    "quarter": _lazy("quarter"),
    "year": _lazy("year"),
}


def _fields(request: HttpRequest) -> dict[str, str]:
    report_id = request.GET.get("report")
    if report_id and not request.GET.get("object"):
        report = selectors.saved_report_get(user=request.user, pk=report_id)
        return presenters.query_from_definition(report.definition)
    fields = {k: request.GET.get(k, "") for k in presenters.BUILDER_KEYS}
    fields["object"] = fields["object"] or "opportunities"
    if request.GET.get("partial") == "page":  # another object: its own filters
        fields["filters"] = ""
    elif "fn" in request.GET:  # the builder's rows, then the advanced text, make the filters
        rows = filtering.rows_from_lists(*_row_lists(request), {})
        fields["filters"] = filtering.filters_text(rows, fields["filters"])
    return fields


def _row_lists(request: HttpRequest) -> tuple[list[str], list[str], list[str]]:
    return request.GET.getlist("fn"), request.GET.getlist("fo"), request.GET.getlist("fv")


def _context(request: HttpRequest, fields: dict[str, str]) -> dict[str, Any]:
    sources = selectors.pivot_sources(user=request.user)
    source = source_get(fields["object"]) or (sources[0] if sources else None)
    query = presenters.builder_query(fields)
    options = filtering.filter_options(source)
    rows, advanced = filtering.rows_split(fields["filters"], options)
    context: dict[str, Any] = {
        "filter_options": options,
        "filter_rows": rows,
        "advanced_filters": advanced,
        "oob_rows": [],
        "fields": fields,
        "sources": sources,
        "source": source,
        "dimensions": list(dimensions_of(source).values()) if source else [],
        "measures": list(source.distinct_map().values()) if source else [],
        "aggregates": AGGREGATES,
        "buckets": [(b, BUCKET_LABELS[b]) for b in BUCKETS],
        "query": query,
        "errors": {},
    }
    # an htmx update of the result: each row's error slot (by position) comes back out of band
    live = bool(request.headers.get("HX-Request")) and request.GET.get("partial") == "result"
    if live:
        context["oob_rows"] = filtering.rows_from_lists(*_row_lists(request), options)  # clears old errors
    if fields.get("row"):
        try:
            result = selectors.pivot_compute(
                user=request.user, data=presenters.definition_from_query(_as_query(fields))
            )
        except InvalidInput as exc:
            errors = exc.field_errors or {"": [exc.message]}
            # a bad value is shown next to its row, named by the field; the rest above the result
            context["filter_rows"], context["errors"] = filtering.rows_with_errors(rows, errors)
            if live:
                submitted = filtering.rows_from_lists(*_row_lists(request), options)
                context["oob_rows"], context["errors"] = filtering.rows_with_errors(submitted, errors)
        else:
            context["result"] = result
            context["table"] = presenters.table(result, query)
            context["chart"] = presenters.chart(result, query)
    return context


def _as_query(fields: dict[str, str]) -> Any:
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for k, v in fields.items():
        q[k] = v
    return q


@login_required
@require_GET
@domain_view
def builder(request: HttpRequest) -> HttpResponse:
    fields = _fields(request)
    context = _context(request, fields)
    context["reports"] = selectors.saved_report_list(user=request.user)
    context["frequencies"] = Frequency.choices
    report_id = request.GET.get("report", "")
    own = next(
        (r for r in context["reports"] if str(r.pk) == report_id and r.owner_id == request.user.pk), None
    )
    context["report"] = own  # saving again updates it; anyone else's is saved as a new report of their own
    if request.headers.get("HX-Request") and request.GET.get("partial") == "result":
        return render(request, "analytics/pivot/builder.html#result", context)
    return render(request, "analytics/pivot/builder.html", context)


@login_required
@require_GET
@domain_view
def filter_row(request: HttpRequest) -> HttpResponse:
    """One filter row of the builder (a new one, or one whose field changed: its operators and value widget)."""
    key = request.GET.get("object", "")
    source = next((s for s in selectors.pivot_sources(user=request.user) if s.key == key), None)
    options = filtering.filter_options(source)
    row = filtering.blank_row(options, request.GET.get("fn", ""))
    return render(
        request,
        "analytics/pivot/_filter_row.html",
        {"row": row, "source": source, "filter_options": options, "index": "new"},
    )


@login_required
@require_GET
@domain_view
def records(request: HttpRequest) -> HttpResponse:
    """The records behind one cell of the pivot."""
    fields = _fields(request)
    data = presenters.definition_from_query(_as_query(fields))
    keys = request.GET.getlist("k")
    back = f"{reverse('analytics_pivot:builder')}?{presenters.builder_query(fields)}"
    context = {"back": back, "limit": selectors.DRILL_LIMIT, "is_other": OTHER in keys}
    try:
        rows = selectors.pivot_cell_records(
            user=request.user, data=data, keys=keys, shown=presenters.shown_from_query(request.GET)
        )
    except InvalidInput as exc:
        errors = exc.field_errors or {"": [exc.message]}
        return render(request, "analytics/pivot/records.html", {**context, "errors": errors}, status=400)
    return render(request, "analytics/pivot/records.html", {**context, "rows": rows})


@login_required
@require_GET
@domain_view
def export(request: HttpRequest) -> Any:
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    fields = _fields(request)
    result = selectors.pivot_compute(
        user=request.user, data=presenters.definition_from_query(_as_query(fields))
    )
    return export_response(result, fmt, request.GET.get("name") or str(result.definition.source.label))


@login_required
@require_POST
@domain_view
def report_save(request: HttpRequest) -> HttpResponse:
    fields = {k: request.POST.get(k, "") for k in presenters.BUILDER_KEYS}
    data = presenters.definition_from_query(_as_query(fields))
    team_id = request.user.team_id if request.POST.get("share") else None  # type: ignore[union-attr]
    report_id = request.POST.get("report_id")
    try:
        if report_id:
            report = selectors.saved_report_get(user=request.user, pk=report_id, action="change")
            report = services.saved_report_update(
                actor=request.user,
                report=report,
                name=request.POST.get("name"),
                definition=data,
                team_id=team_id,
            )
        else:
            report = services.saved_report_create(
                actor=request.user, name=request.POST.get("name"), definition=data, team_id=team_id
            )
    except InvalidInput as exc:
        for field, errors in exc.field_errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect(f"{reverse('analytics_pivot:builder')}?{presenters.builder_query(fields)}")
    messages.success(request, _("Report saved."))
    return redirect(f"{reverse('analytics_pivot:builder')}?report={report.pk}")


@login_required
@require_POST
@domain_view
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.saved_report_get(user=request.user, pk=pk, action="change")
    services.saved_report_delete(actor=request.user, report=report)
    messages.success(request, _("Report deleted."))
    return redirect("analytics_pivot:builder")


@login_required
@require_POST
@domain_view
def report_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.saved_report_get(user=request.user, pk=pk, action="change")
    try:
        if request.POST.get("frequency") == "":
            services.report_schedule_delete(actor=request.user, report=report)
            messages.success(request, _("The report is no longer emailed."))
        else:
            services.report_schedule_set(
                actor=request.user,
                report=report,
                frequency=request.POST.get("frequency"),
                recipients=request.POST.get("recipients", ""),
            )
            messages.success(request, _("The report will be emailed."))
    except InvalidInput as exc:
        for field, errors in exc.field_errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    return redirect(f"{reverse('analytics_pivot:builder')}?report={report.pk}")
