"""Bulk actions on the rows checked in a list: assign owner (with a reason), add a tag, move to the recycle bin.

Assign and tag ask for their details on a short confirmation page (the ids travel along as hidden fields);
every action ends with "N changed, M skipped" and the list as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.contacts.forms import BulkActionForm, tag_names
from crm.contacts.views.common import active_users, safe_next
from crm.contacts.views.records import resolve_references
from crm.core.errors import InvalidInput


def _summary(changed: int, skipped: int) -> str:
    text = ngettext("%(n)s changed", "%(n)s changed", changed) % {"n": changed}
    if skipped:
        text += ", " + ngettext(
            "%(n)s skipped (not found or not allowed)", "%(n)s skipped (not found or not allowed)", skipped
        ) % {"n": skipped}
    return text + "."


def bulk_page(
    request: HttpRequest,
    *,
    config: Any,
    assign: Callable[..., tuple[int, int]],
    tag: Callable[..., tuple[int, int]],
    delete: Callable[..., tuple[int, int]],
) -> HttpResponse:
    user = request.user
    back = safe_next(request, reverse(config.url_name))
    form = BulkActionForm(request.POST, users=active_users())
    action = request.POST.get("action", "")
    confirming = request.POST.get("step") == "confirm"
    if action in {"assign_owner", "tag"} and not confirming:
        form = BulkActionForm(
            initial={"action": action, "ids": request.POST.getlist("ids")}, users=active_users()
        )
        return _confirm(request, form, action, request.POST.getlist("ids"), back, config)
    if not form.is_valid():
        if "ids" in form.errors:
            messages.error(request, _("Select at least one row first."))
            return redirect(back)
        if action in {"assign_owner", "tag"}:
            return _confirm(request, form, action, request.POST.getlist("ids"), back, config, status=422)
        messages.error(request, _("Choose an action."))
        return redirect(back)
    data = form.cleaned_data
    try:
        if action == "assign_owner":
            owner = resolve_references(user, {"owner": data["owner"]})["owner"]
            changed, skipped = assign(actor=user, ids=data["ids"], owner=owner, reason=data["reason"].strip())
        elif action == "tag":
            changed, skipped = tag(actor=user, ids=data["ids"], tags=tag_names(data["tags"]))
        else:
            changed, skipped = delete(actor=user, ids=data["ids"])
    except InvalidInput as exc:
        for name, problems in exc.field_errors.items():
            if name in form.fields:
                form.add_error(name, list(problems))
            else:
                form.add_error(None, list(problems))
        if action in {"assign_owner", "tag"}:
            return _confirm(request, form, action, request.POST.getlist("ids"), back, config, status=422)
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
        return redirect(back)
    level = messages.SUCCESS if changed else messages.WARNING
    messages.add_message(request, level, _summary(changed, skipped))
    return redirect(back)


def _confirm(
    request: HttpRequest,
    form: BulkActionForm,
    action: str,
    ids: list[str],
    back: str,
    config: Any,
    status: int = 200,
) -> HttpResponse:
    titles = {"assign_owner": _("Assign an owner"), "tag": _("Add a tag")}
    return render(
        request,
        "contacts/bulk_confirm.html",
        {
            "form": form,
            "action": action,
            "ids": [i for i in ids if i.isdigit()],
            "title": titles.get(action, ""),
            "back": back,
            "config": config,
            "bulk_url": reverse(config.bulk_url_name),
        },
        status=status,
    )
