"""Duplicates pages: the review queue, "not a duplicate", the side-by-side merge screen, a merge's page with
undo, and the likely-duplicate panel under the create/edit forms (htmx). Thin: parse, one call, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.contacts.duplicates import selectors
from crm.contacts.enums import DuplicateObject
from crm.contacts.errors import LikelyDuplicate
from crm.contacts.matching import AUTO_MERGE_THRESHOLD, reason_labels
from crm.contacts.services.duplicates import duplicate_dismiss, duplicate_find
from crm.contacts.services.merge import MERGE_FIELDS, merge_undo, records_merge
from crm.contacts.tasks import duplicate_scan_task
from crm.contacts.views.common import domain_view, safe_next
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_is_admin

OBJECT_LABELS = {DuplicateObject.CONTACTS: "contacts.contact", DuplicateObject.ACCOUNTS: "contacts.account"}


def _object(value: str | None) -> str:
    return value if value in DuplicateObject.values else DuplicateObject.CONTACTS


def _ids(values: list[str]) -> list[int]:
    out: list[int] = []
    for value in values:
        for part in value.split(","):
            if part.strip().isdigit():
                out.append(int(part))
    return out


def _errors_text(exc: InvalidInput) -> str:
    return " ".join(str(m) for ms in exc.field_errors.values() for m in ms) or exc.message


@login_required
@require_GET
@domain_view
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    object_type = _object(request.GET.get("object"))
    try:
        rows, next_cursor = selectors.duplicate_pair_page(
            user=request.user, object_type=object_type, cursor=request.GET.get("cursor")
        )
    except InvalidInput as exc:
        messages.error(request, _errors_text(exc))
        return redirect(f"{reverse('contacts:duplicate_queue')}?object={object_type}")
    context = {
        "object_type": object_type,
        "objects": DuplicateObject.choices,
        "rows": [
            {
                "row": row,
                "reasons": reason_labels(row.pair.reasons),
                "percent": round(row.pair.score * 100),
                "is_strong": row.pair.score >= AUTO_MERGE_THRESHOLD,
                "group_ids": ",".join(str(i) for i in row.group),
                "group_more": len(row.group) - 2,
            }
            for row in rows
        ],
        "next_cursor": next_cursor,
        "can_scan": user_is_admin(request.user),
    }
    return render(request, "contacts/duplicates/queue.html", context)


@login_required
@require_POST
@domain_view
def duplicate_scan_start(request: HttpRequest) -> HttpResponse:
    object_type = _object(request.POST.get("object"))
    if not user_is_admin(request.user):
        raise PermissionDenied()
    duplicate_scan_task.enqueue(object_type=object_type)
    messages.success(request, _("The duplicate scan has started. The queue fills when it finishes."))
    return redirect(f"{reverse('contacts:duplicate_queue')}?object={object_type}")


@login_required
@require_POST
@domain_view
def duplicate_not_duplicate(request: HttpRequest) -> HttpResponse:
    object_type = _object(request.POST.get("object"))
    back = safe_next(request, f"{reverse('contacts:duplicate_queue')}?object={object_type}")
    try:
        duplicate_dismiss(actor=request.user, object_type=object_type, ids=_ids(request.POST.getlist("ids")))
    except InvalidInput as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, _("Marked as not duplicates. They will not be proposed again."))
    return redirect(back)


def _field_rows(object_type: str, records: list[Any], chosen: QueryDict | None) -> list[dict[str, Any]]:
    """One row per field: each record's value, which one is chosen, and whether they differ."""
    model = type(records[0])
    rows = []
    for name in MERGE_FIELDS[object_type]:
        field = model._meta.get_field(name)
        values = []
        for record in records:
            raw = getattr(record, name)
            shown = getattr(record, f"get_{name}_display")() if getattr(field, "choices", None) else raw
            if isinstance(raw, bool):
                shown = _("Yes") if raw else _("No")
            values.append({"record": record, "raw": raw, "shown": "" if shown in (None, "") else str(shown)})
        filled = [v for v in values if v["shown"] and v["raw"] not in (None, "")]
        default = (
            values[0]["record"].pk
            if values[0]["shown"]
            else (filled[0]["record"].pk if filled else values[0]["record"].pk)
        )
        picked = chosen.get(f"field_{name}") if chosen is not None else None
        rows.append(
            {
                "name": name,
                "label": str(field.verbose_name).capitalize(),
                "values": values,
                "chosen": int(picked) if picked and picked.isdigit() else default,
                "differs": len({v["shown"] for v in values}) > 1,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def duplicate_merge(request: HttpRequest) -> HttpResponse:
    """The side-by-side merge screen (?object=contacts&ids=12,15): pick the survivor and each field's value."""
    data = request.POST if request.method == "POST" else request.GET
    object_type = _object(data.get("object"))
    ids = _ids(data.getlist("ids"))
    records = selectors.merge_records(user=request.user, object_type=object_type, ids=ids)
    survivor_raw = data.get("survivor", "")
    survivor_id = int(survivor_raw) if survivor_raw.isdigit() else records[0].pk
    if survivor_id not in ids:
        survivor_id = records[0].pk
    error = ""
    if request.method == "POST":
        sources = {}
        for name in MERGE_FIELDS[object_type]:
            value = request.POST.get(f"field_{name}", "")
            if value.isdigit():
                sources[name] = int(value)
        versions = {pk: int(v) for pk in ids if (v := request.POST.get(f"version_{pk}", "")).isdigit()}
        try:
            merge = records_merge(
                actor=request.user,
                object_type=object_type,
                survivor_id=survivor_id,
                merged_ids=[pk for pk in ids if pk != survivor_id],
                field_sources=sources,
                expected_versions=versions,
            )
        except (ConcurrentEdit, InvalidInput) as exc:
            error = _errors_text(exc) if isinstance(exc, InvalidInput) else exc.message
        else:
            messages.success(request, _("Records merged. You can undo the merge from this page."))
            return redirect("contacts:duplicate_merge_detail", pk=merge.pk)
    # the survivor first, so its column is the left one
    records.sort(key=lambda r: r.pk != survivor_id)
    context = {
        "object_type": object_type,
        "records": records,
        "survivor_id": survivor_id,
        "rows": _field_rows(object_type, records, request.POST if request.method == "POST" else None),
        "error": error,
        "ids_value": ",".join(str(r.pk) for r in records),
        "back": safe_next(request, f"{reverse('contacts:duplicate_queue')}?object={object_type}"),
    }
    return render(request, "contacts/duplicates/merge.html", context, status=409 if error else 200)


@login_required
@require_GET
@domain_view
def duplicate_merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get(user=request.user, pk=pk)
    survivor = selectors.merge_survivor(user=request.user, merge=merge)
    return render(
        request,
        "contacts/duplicates/merge_detail.html",
        {
            "merge": merge,
            "survivor": survivor,
            "merged": selectors.merge_merged_records(user=request.user, merge=merge),
            "object_type": merge.object_type,
        },
    )


@login_required
@require_POST
@domain_view
def duplicate_merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get(user=request.user, pk=pk)
    try:
        merge_undo(actor=request.user, merge_id=merge.pk)
    except ConcurrentEdit as exc:
        messages.error(request, exc.message)
    except InvalidInput as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, _("The merge was undone: the records are back as they were."))
    return redirect("contacts:duplicate_merge_detail", pk=merge.pk)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def duplicate_check_panel(request: HttpRequest) -> HttpResponse:
    """The panel under a create/edit form: likely duplicates of what is typed (htmx, as the user types)."""
    data = request.POST if request.method == "POST" else request.GET
    object_type = _object(data.get("object"))
    exclude = data.get("exclude", "")
    values = {
        key: data.get(key, "")
        for key in ("first_name", "last_name", "email", "phone", "mobile", "name", "tax_id", "website")
    }
    account = data.get("account", "")
    values["account_id"] = int(account) if account.isdigit() else None  # type: ignore[assignment]
    found = duplicate_find(
        user=request.user,
        object_type=object_type,
        values=values,
        exclude_id=int(exclude) if exclude.isdigit() else None,
    )
    candidates = [
        {"record": record, "percent": round(match.score * 100), "reasons": reason_labels(match.reasons)}
        for record, match in found
    ]
    return render(
        request,
        "contacts/duplicates/_warning.html",
        {
            "candidates": candidates,
            "allow_checked": data.get("allow_duplicate") == "1",
            "message": LikelyDuplicate.default_message,
        },
    )


def duplicate_panel(object_type: str, exclude: int | None = None) -> dict[str, Any]:
    """Context for the likely-duplicate panel of a create/edit form (contacts/record_form.html)."""
    vals = {"object": object_type, "exclude": str(exclude or "")}
    return {
        "duplicate_check_url": reverse("contacts:duplicate_check"),
        "duplicate_check_vals": json.dumps(vals),
    }


def duplicate_confirmed(request: HttpRequest) -> bool:
    """The user ticked "save it anyway" under the likely duplicates."""
    return request.POST.get("allow_duplicate") == "1"
