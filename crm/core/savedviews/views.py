"""Save and delete list views. The list pages themselves render the picker (templates/savedviews/menu.html)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.savedviews import services


class SavedViewForm(forms.Form):
    object_type = forms.CharField(max_length=60)
    name = forms.CharField(max_length=120)
    query = forms.CharField(required=False, max_length=8000)
    is_shared = forms.BooleanField(required=False)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("?", 1)[0]
    return "/"


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    target = _next_url(request)
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return HttpResponseRedirect(target)
    try:
        view = services.saved_view_create(actor=request.user, **form.cleaned_data)
    except InvalidInput as exc:
        problems = [m for msgs in exc.field_errors.values() for m in msgs] or [exc.message]
        messages.error(request, " ".join(problems))
        query = services.saved_view_query_clean(form.cleaned_data.get("query") or "")
        return HttpResponseRedirect(f"{target}?{query}" if query else target)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    query = f"{view.query}&view={view.pk}" if view.query else f"view={view.pk}"
    return HttpResponseRedirect(f"{target}?{query}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.saved_view_delete(actor=request.user, pk=pk)
    except RecordNotFound:
        raise Http404() from None
    except PermissionDenied:
        raise HttpPermissionDenied() from None
    messages.success(request, _("View deleted."))
    return HttpResponseRedirect(_next_url(request))
