"""A record's history (an htmx fragment any record page embeds) and the recycle bin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.core.audit import selectors, services
from crm.core.errors import DomainError, InvalidInput, RestoreConflict
from crm.core.identity.permissions import user_is_admin
from crm.core.identity.views.guards import raise_http
from crm.core.ui.toasts import toast


@login_required
@require_GET
def history(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """The record's changes, newest first; `?cursor=` answers the "Older changes" button with the next rows."""
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.record_history(
            user=request.user, object_type=object_type, object_id=object_id, cursor=cursor
        )
    except InvalidInput:
        return HttpResponse(_("This link is not valid any more. Reload the page."), status=400)
    except DomainError as exc:
        raise_http(exc)
    template = "audit/history.html#entries" if cursor else "audit/history.html"
    return render(request, template, {"page": page, "object_type": object_type, "object_id": object_id})


@login_required
@require_GET
def recycle_bin(request: HttpRequest) -> HttpResponse:
    items = selectors.recycle_bin_list(user=request.user)
    return render(
        request,
        "audit/recycle_bin.html",
        {"items": items, "can_purge": user_is_admin(request.user), "retention_days": services.RETENTION_DAYS},
    )


@login_required
@require_POST
def record_restore(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    try:
        instance = services.record_restore(object_type=object_type, object_id=object_id, actor=request.user)
    except RestoreConflict as exc:  # the row stays in the bin; say why
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(headers={"HX-Reswap": "none"})  # 200: htmx shows the toast, keeps the row
            return toast(response, exc.message, level="error")
        messages.error(request, exc.message)
        return redirect("audit:recycle_bin")
    except DomainError as exc:
        raise_http(exc)
    message = _("“%(name)s” is restored.") % {"name": instance}
    url = instance.get_absolute_url() if hasattr(instance, "get_absolute_url") else ""
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "audit/recycle_bin.html#restored_row",
            {"name": str(instance), "url": url, "type_label": str(instance._meta.verbose_name).capitalize()},
        )
        return toast(response, message)
    messages.success(request, message)
    return redirect(url or "audit:recycle_bin")


@login_required
@require_POST
def record_purge(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    try:
        services.record_purge(object_type=object_type, object_id=object_id, actor=request.user)
    except DomainError as exc:
        raise_http(exc)
    message = _("Deleted for good.")
    if request.htmx:  # type: ignore[attr-defined]
        return toast(HttpResponse(""), message)
    messages.success(request, message)
    return redirect("audit:recycle_bin")
