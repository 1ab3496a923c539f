"""Record pages shared by accounts and contacts: key fields with inline editing, create/edit forms, tabs."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.contacts import selectors
from crm.contacts.errors import LikelyDuplicate
from crm.contacts.forms import RecordForm, apply_domain_errors
from crm.contacts.views.columns import Cell, Column
from crm.contacts.views.common import active_users, language, safe_next, url_or_none
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import owner_in_scope
from crm.core.identity.selectors import user_get
from crm.core.ui.toasts import toast


@dataclass(frozen=True)
class RecordConfig:
    object_type: str
    kwarg: str  # the service's keyword for the record: "account" / "contact"
    get_fn: Callable[..., Any]
    update_fn: Callable[..., Any]
    form_class: type[RecordForm]
    columns: Callable[..., list[Column]]
    field_keys: tuple[str, ...]  # the key fields on the left, in order (custom fields follow)
    extra_field_keys: tuple[str, ...]  # other inline-editable fields shown elsewhere on the page
    field_url_name: str
    # the page header's subtitle partial (badges, "Updated …"), re-sent out of band after an inline save
    subtitle_template: str = ""
    subtitle_context: Callable[[Any], dict[str, Any]] | None = None
    # fields whose change alters the title and summary card: the page reloads after saving them
    refresh_keys: tuple[str, ...] = ("name",)


@dataclass(frozen=True)
class FieldRow:
    column: Column
    cell: Cell
    dom_id: str
    edit_url: str
    can_edit: bool


def can(user: Any, record: Any, object_type: str, action: str) -> bool:
    return owner_in_scope(user, getattr(record, "owner_id", None), object_type, action)


def field_row(
    config: RecordConfig, record: Any, column: Column, *, can_edit: bool, ctx: dict[str, Any]
) -> FieldRow:
    return FieldRow(
        column=column,
        cell=column.cell(record, ctx),
        dom_id=f"field-{column.dom_key}",
        edit_url=reverse(config.field_url_name, args=[record.pk, column.key]),
        can_edit=can_edit and column.editable is not None,
    )


def field_rows(
    config: RecordConfig,
    record: Any,
    columns: Sequence[Column],
    keys: Sequence[str],
    *,
    can_edit: bool,
    with_custom: bool,
) -> list[FieldRow]:
    by_key = {c.key: c for c in columns}
    ctx = {"user_names": dict(active_users())} if any(c.kind == "user" and c.custom for c in columns) else {}
    chosen = [by_key[k] for k in keys if k in by_key]
    if with_custom:
        chosen += [c for c in columns if c.custom is not None]
    return [field_row(config, record, c, can_edit=can_edit, ctx=ctx) for c in chosen]


def split_empty(rows: list[FieldRow]) -> dict[str, list[FieldRow]]:
    """Filled fields first; the empty ones go under "Show empty fields" (`fields`, `empty_fields`)."""
    return {
        "fields": [r for r in rows if not r.cell.is_empty],
        "empty_fields": [r for r in rows if r.cell.is_empty],
    }


def resolve_references(user: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Ids from the form → the records the services expect; an id the user may not use is a field error."""
    errors: dict[str, list[str]] = {}
    if "owner" in changes:
        owner = user_get(pk=changes["owner"]) if changes["owner"] else None
        if owner is None or not owner.is_active:
            errors["owner"] = [_("Choose an active user.")]
        changes["owner"] = owner
    for name in ("parent", "account"):
        if changes.get(name):
            try:
                changes[name] = selectors.account_get(user=user, pk=changes[name])
            except RecordNotFound:
                errors[name] = [_("Choose an account you can see.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    return changes


def form_kwargs(
    config: RecordConfig,
    user: Any,
    record: Any = None,
    *,
    only: Sequence[str] | None = None,
    account: Any = None,
) -> dict[str, Any]:
    """The form's keyword arguments. Accounts are picked by search: only the current one's label is passed
    (the record's parent, loaded with it, or the `account` a new contact starts at) — no list of accounts."""
    labels: dict[int, str] = {}
    parent = getattr(record, "parent", None) if getattr(record, "parent_id", None) else None
    for known in (parent, account):
        if known is not None:
            labels[known.pk] = known.name
    return {
        "custom_definitions": custom_field_list(object_type=config.object_type),
        "users": active_users(),
        "instance": record,
        "only": only,
        "language": language(),
        "record_labels": labels,
    }


def record_field(request: HttpRequest, config: RecordConfig, pk: int, key: str) -> HttpResponse:
    """One key field: GET ?display=1 shows it, GET shows its edit form, POST saves it (htmx fragments)."""
    user = request.user
    record = config.get_fn(user=user, pk=pk)
    definitions = custom_field_list(object_type=config.object_type)
    columns = config.columns(definitions, language=language())
    column = next((c for c in columns if c.key == key), None)
    allowed = set(config.field_keys) | set(config.extra_field_keys)
    if column is None or column.editable is None or (column.custom is None and key not in allowed):
        raise Http404()
    can_edit = can(user, record, config.object_type, "change")
    if request.method == "GET" and (request.GET.get("display") or not can_edit):
        ctx = {"user_names": dict(active_users())} if column.kind == "user" and column.custom else {}
        row = field_row(config, record, column, can_edit=can_edit, ctx=ctx)
        return render(request, "contacts/_field.html", {"row": row})
    if not can_edit:
        raise PermissionDenied()
    form = config.form_class(
        request.POST if request.method == "POST" else None,
        **form_kwargs(config, user, record, only=[column.editable]),
    )
    version = request.POST.get("version") or str(record.version)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            changes = resolve_references(user, form.changes())
            expected = int(version) if version.isdigit() else -1
            record = config.update_fn(
                actor=user, expected_version=expected, **{config.kwarg: record}, **changes
            )
        except ConcurrentEdit as exc:
            form.add_error(None, exc.message)
            conflict = True
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            record = config.get_fn(user=user, pk=record.pk)
            ctx = {"user_names": dict(active_users())} if column.kind == "user" and column.custom else {}
            row = field_row(config, record, column, can_edit=True, ctx=ctx)
            response = render(request, "contacts/_field.html", {"row": row})
            if key in config.refresh_keys:
                response["HX-Refresh"] = "true"
            else:
                # the header badges and "Updated …" follow (out of band); the timeline reloads to show the change
                if config.subtitle_template and config.subtitle_context is not None:
                    header = {**config.subtitle_context(record), "oob": True}
                    response.content += render_to_string(
                        config.subtitle_template, header, request=request
                    ).encode()
                response["HX-Trigger"] = json.dumps({"timelineChanged": None})
            return toast(response, _("%(field)s saved.") % {"field": column.label})
    context = {
        "row": field_row(config, record, column, can_edit=True, ctx={}),
        "bound": form[column.editable],
        "form": form,
        "version": version,
        "conflict": conflict,
        "reload_url": record.get_absolute_url(),
    }
    return render(request, "contacts/_field_form.html", context)


def record_tabs(object_type: str, pk: int) -> list[dict[str, Any]]:
    """Timeline and History tabs, loaded from the URLs the activities and audit apps provide (when present)."""
    tabs = []
    timeline = url_or_none("activities:timeline", object_type, pk)
    history = url_or_none("audit:history", object_type, pk)
    if timeline:
        tabs.append({"key": "timeline", "label": _("Timeline"), "url": timeline, "count": None, "href": ""})
    if history:
        tabs.append({"key": "history", "label": _("History"), "url": history, "count": None, "href": ""})
    return tabs


def record_tab_active(request: HttpRequest, tabs: Sequence[dict[str, Any]]) -> str:
    """The tab named by `?tab=` (the tab links' full-page URLs), when it is one of `tabs`; else the first."""
    wanted = request.GET.get("tab", "")
    keys = [t["key"] for t in tabs]
    return wanted if wanted in keys else (keys[0] if keys else "")


def save_form(
    request: HttpRequest, form: RecordForm, save: Callable[[dict[str, Any]], Any], success: str
) -> HttpResponse | None:
    """Validate, call the service, map its errors back; a redirect on success, None to re-render."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        changes = resolve_references(request.user, form.changes())
        record = save(changes)
    except ConcurrentEdit as exc:
        form.add_error(None, exc.message)
        return None
    except (InvalidInput, LikelyDuplicate) as exc:  # a likely duplicate: the panel under the form lists them
        apply_domain_errors(form, exc)
        return None
    messages.success(request, success % {"name": str(record)})
    return redirect(safe_next(request, record.get_absolute_url()))
