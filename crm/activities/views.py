"""Thin HTML views: parse the request, call one service or selector, render (a partial for htmx)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.activities import selectors, services
from crm.activities.enums import ActivityKind
from crm.activities.forms import ActivityFilterForm, apply_domain_errors, composer_form, edit_form
from crm.activities.richtext import body_render
from crm.activities.rows import activity_rows
from crm.activities.timeline import (
    COMPOSER_OBJECT_TYPES,
    KIND_ICONS,
    SUBJECT_LINK,
    activity_timeline_entry,
    duration_text,
    timeline_days,
    timeline_page,
    timeline_subject_check,
)
from crm.activities.timeline import (
    DEFAULT_LIMIT as TIMELINE_PAGE_SIZE,
)
from crm.core.errors import DomainError, InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.ui.toasts import toast

TIMELINE_EVENT = "timelineChanged"


def _http(exc: DomainError) -> None:
    if isinstance(exc, RecordNotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, PermissionDenied):
        raise HttpPermissionDenied(exc.message) from exc


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _trigger(response: HttpResponse, event: str, detail: dict[str, Any] | None = None) -> HttpResponse:
    existing = response.headers.get("HX-Trigger")
    triggers: dict[str, Any] = json.loads(existing) if existing else {}
    triggers[event] = detail or {}
    response.headers["HX-Trigger"] = json.dumps(triggers)
    return response


# --- timeline ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def timeline(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """The record's timeline (htmx partial). `?cursor=` answers only the older entries and the next button."""
    cursor = request.GET.get("cursor") or None
    raw_limit = request.GET.get("limit") or ""
    limit = int(raw_limit) if raw_limit.isdigit() else TIMELINE_PAGE_SIZE
    try:
        page = timeline_page(
            user=request.user, object_type=object_type, object_id=object_id, cursor=cursor, limit=limit
        )
    except InvalidInput:
        return HttpResponseBadRequest(_("This cursor is not valid."))
    except DomainError as exc:
        _http(exc)
        raise
    previous_day = _date(request.GET.get("day"))
    context = {
        "object_type": object_type,
        "object_id": object_id,
        "dom_id": f"timeline-{object_type.replace('.', '-')}-{object_id}",
        "days": timeline_days(page.entries),
        "next_cursor": page.next_cursor,
        "last_day": timeline_days(page.entries)[-1].day if page.entries else previous_day,
        "previous_day": previous_day,
        "timeline_url": reverse("activities:timeline", args=[object_type, object_id]),
    }
    template = "activities/timeline.html#entries" if cursor else "activities/timeline.html"
    return render(request, template, context)


@login_required
@require_GET
def record_activity(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """A record page's activity tab: the composer (when activities can be logged there) above the timeline."""
    try:
        timeline_subject_check(user=request.user, object_type=object_type, object_id=object_id)
    except DomainError as exc:
        _http(exc)
        raise
    context = {
        "object_type": object_type,
        "object_id": object_id,
        "can_log": object_type in COMPOSER_OBJECT_TYPES
        and user_can(request.user, "activities.activity", "create"),
    }
    return render(request, "activities/record_activity.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def composer(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """Tabs Note / Task / Call / Meeting with a small form each; a save refreshes the timeline."""
    if object_type not in COMPOSER_OBJECT_TYPES:
        raise Http404()
    try:
        timeline_subject_check(user=request.user, object_type=object_type, object_id=object_id)
    except DomainError as exc:
        _http(exc)
        raise
    kind = request.GET.get("kind") or request.POST.get("kind") or ActivityKind.NOTE
    if kind not in ActivityKind.values:
        kind = ActivityKind.NOTE
    prefix = f"{kind}-{object_id}"

    def make_form(data: Any) -> Any:
        return composer_form(
            kind, data, prefix=prefix, user=request.user, object_type=object_type, object_id=object_id
        )

    try:
        form = make_form(request.POST if request.method == "POST" else None)
    except DomainError as exc:
        _http(exc)
        raise
    saved = False
    if request.method == "POST" and form.is_valid():
        field = COMPOSER_OBJECT_TYPES[object_type]
        link: dict[str, Any] = (
            {"subject_type": object_type, "subject_id": object_id}
            if field == SUBJECT_LINK
            else {field: object_id}
        )
        try:
            services.activity_create(actor=request.user, kind=kind, **link, **form.changes())
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        except DomainError as exc:
            _http(exc)
            raise
        else:
            saved = True
            form = make_form(None)
    context = {
        "form": form,
        "kind": kind,
        "kinds": [(value, label, KIND_ICONS[value]) for value, label in ActivityKind.choices],
        "object_type": object_type,
        "object_id": object_id,
        "dom_id": f"composer-{object_type.replace('.', '-')}-{object_id}",
        "composer_url": reverse("activities:composer", args=[object_type, object_id]),
    }
    response = render(request, "activities/composer.html", context)
    if saved:
        _trigger(response, TIMELINE_EVENT, {"object_type": object_type, "object_id": object_id})
        toast(response, _("%(kind)s saved.") % {"kind": ActivityKind(kind).label})
    return response


# --- one activity -----------------------------------------------------------------------------------------
@login_required
@require_POST
def activity_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick a task done (or open it again). htmx: answers the updated timeline entry or task row."""
    is_done = request.POST.get("is_done") in {"1", "true", "on"}
    try:
        activity = selectors.activity_get(user=request.user, pk=pk, action="change")
        activity = services.activity_complete(actor=request.user, activity=activity, is_done=is_done)
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message)
    except DomainError as exc:
        _http(exc)
        raise
    message = _("Task done.") if activity.is_done else _("Task reopened.")
    where = request.POST.get("from", "")
    if not _is_htmx(request):
        return redirect(activity)
    if where == "panel":
        response = render(request, "activities/my_tasks_panel.html#task", {"task": activity})
    elif where in COMPOSER_OBJECT_TYPES:
        entry = activity_timeline_entry(user=request.user, activity=activity, object_type=where)
        response = render(request, "activities/timeline.html#entry", {"entry": entry, "object_type": where})
    else:
        response = HttpResponse(status=204)
        response.headers["HX-Refresh"] = "true"
    return toast(response, message)


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity: its facts, and the edit form (POST saves)."""
    try:
        activity = selectors.activity_get(user=request.user, pk=pk)
    except DomainError as exc:
        _http(exc)
        raise
    can_change = selectors.activity_can(user=request.user, activity=activity, action="change")
    can_delete = selectors.activity_can(user=request.user, activity=activity, action="delete")
    form = edit_form(
        activity,
        request.POST if request.method == "POST" else None,
        user=request.user if can_change else None,  # attendee choices only for those who may edit
    )
    if request.method == "POST":
        if not can_change:
            raise HttpPermissionDenied()
        if form.is_valid():
            changes = form.changes()
            try:
                services.activity_update(
                    actor=request.user,
                    activity=activity,
                    expected_version=_int(request.POST.get("version")),
                    **changes,
                )
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except DomainError as exc:
                _http(exc)
                form.add_error(None, exc.message)
            else:
                response = redirect(activity)
                return response
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "form": form,
            "can_change": can_change,
            "can_delete": can_delete,
            "body": body_render(activity.body),
            "duration": duration_text(activity.duration_seconds),
        },
    )


def _record_url(activity: Any) -> str:
    """Where to go after deleting: the account (or contact) page when it exists, else the activity list."""
    for name, pk in (
        ("contacts:account_detail", activity.account_id),
        ("contacts:contact_detail", activity.contact_id),
    ):
        if pk:
            try:
                return reverse(name, args=[pk])
            except NoReverseMatch:
                break
    return reverse("activities:activity_list")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        activity = selectors.activity_get(user=request.user, pk=pk, action="delete")
        back = _record_url(activity)
        services.activity_delete(actor=request.user, activity=activity)
    except DomainError as exc:
        _http(exc)
        raise
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response.headers["HX-Redirect"] = back
        return response
    return redirect(back)


# --- lists ------------------------------------------------------------------------------------------------
@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    filters = ActivityFilterForm(request.GET or None)
    params = {**filters.params(), "q": request.GET.get("q", "")}
    sort = request.GET.get("sort") or None
    try:
        page = selectors.activity_list(
            user=request.user, params=params, sort=sort, cursor=request.GET.get("cursor") or None
        )
        count, capped = selectors.activity_count(user=request.user, params=params)
    except InvalidInput as exc:
        return render(
            request,
            "activities/activity_list.html",
            {"filters": filters, "page": None, "error": exc.field_errors or exc.message},
            status=400,
        )
    return render(
        request,
        "activities/activity_list.html",
        {
            "filters": filters,
            "page": page,
            "rows_html": activity_rows(page.items),
            "count": count,
            "capped": capped,
            "sort": page.sort,
        },
    )


@login_required
@require_GET
def my_tasks_panel(request: HttpRequest) -> HttpResponse:
    """Home panel body: the user's open tasks, overdue first."""
    tasks = selectors.task_open_list(user=request.user, limit=8)
    count, capped = selectors.task_open_count(user=request.user)
    return render(
        request, "activities/my_tasks_panel.html", {"tasks": tasks, "count": count, "capped": capped}
    )
