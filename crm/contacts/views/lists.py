"""The list page engine shared by accounts and contacts: filters, columns, saved views, keyset pages, CSV.

Each list describes itself once in a `ListConfig`; `list_page()` renders the whole page or, for htmx
requests aimed at `#list-results`, only the results (table, count, pager).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.contacts.templatetags.contacts_cells import list_rows
from crm.contacts.views.columns import Column
from crm.contacts.views.common import active_users, language
from crm.core.customfields.enums import FieldType
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_can
from crm.core.listing import RESERVED, ListSpec, Page, registered_filters
from crm.core.savedviews.selectors import saved_view_list

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
RESULTS_ID = "list-results"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ListConfig:
    object_type: str
    spec: ListSpec
    columns: Callable[..., list[Column]]
    default_columns: tuple[str, ...]
    primary_filters: tuple[str, ...]
    more_filters: tuple[str, ...]
    list_fn: Callable[..., Page]
    count_fn: Callable[..., tuple[int, bool]]
    export_fn: Callable[..., Iterator[list[Any]]]
    url_name: str
    create_url_name: str
    bulk_url_name: str
    title: Any
    noun_plural: Any
    search_placeholder: Any
    empty_title: Any
    empty_text: Any
    csv_name: str
    noun_singular: Any = ""  # "contact": the count reads "1 contact" / "2 contacts"
    new_label: Any = ""  # the create button's label ("New contact")
    tag_choices: Callable[[], list[str]] = field(default=lambda: [])
    # other apps reuse this engine and its page (contacts/list.html): without tags, with the list's own CSV
    # instead of the import/export app's CSV/XLSX menu, with extra header links (url name, icon, label)
    has_tags: bool = True
    export_menu: bool = True
    header_links: tuple[tuple[str, str, Any], ...] = ()
    empty_icon: str = "building-office-2"


LIST_TEMPLATE = "contacts/list.html"


@dataclass
class FilterControl:
    """One control of the filter bar. kind: select | range_date | range_number | text."""

    name: str
    label: Any
    kind: str
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    value_from: str = ""
    value_to: str = ""
    any_label: Any = ""

    @property
    def is_active(self) -> bool:
        return bool(self.value or self.value_from or self.value_to)

    def _options_html(self, prefix: str) -> SafeString:
        selected = self.value
        return mark_safe(  # every value and label is escaped here
            "".join(
                f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
                f"{prefix}{escape(str(label))}</option>"
                for value, label in self.options
            )
        )

    @property
    def options_html(self) -> SafeString:
        """The `<option>`s of a toolbar select ("Owner: Ana"), drawn in one pass (a template loop per option
        was a tenth of the list page: the owner filter lists every user)."""
        return self._options_html(f"{escape(str(self.label))}: ")

    @property
    def stacked_options_html(self) -> SafeString:
        """The `<option>`s of a select under "More filters" (the label is above it)."""
        return self._options_html("")

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")


# --- parameters ------------------------------------------------------------------------------------------------


def _first(params: QueryDict, key: str) -> str:
    return (params.get(key) or "").strip()


def selected_columns(
    params: QueryDict, all_columns: Sequence[Column], default: Sequence[str]
) -> list[Column]:
    by_key = {c.key: c for c in all_columns}
    wanted: list[str] = []
    for raw in params.getlist("columns"):
        wanted.extend(k.strip() for k in raw.split(",") if k.strip())
    keys = [k for k in wanted if k in by_key and k != "name"] or [k for k in default if k in by_key]
    return [by_key["name"], *[by_key[k] for k in dict.fromkeys(keys)]]


def filter_params(params: QueryDict) -> QueryDict:
    """The parameters that narrow the list (what the selectors receive): the filters and the search `q`."""
    out = QueryDict(mutable=True)
    for key in params:
        if (key in RESERVED and key != "q") or key == "csrfmiddlewaretoken":
            continue
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            out.setlist(key, values)
    return out


def clean_query(
    params: QueryDict, config: ListConfig, *, keep: tuple[str, ...] = ("cursor", "view")
) -> QueryDict:
    """The list's state without empty or default values (what the address bar and saved views show)."""
    out = QueryDict(mutable=True)
    for key in params:
        if key in {"csrfmiddlewaretoken", "format"} or (key in {"cursor", "view"} and key not in keep):
            continue
        values = [v for v in params.getlist(key) if v.strip()]
        if key == "columns":
            keys = [k for v in values for k in v.split(",") if k.strip()]
            if keys and keys != list(config.default_columns):
                out["columns"] = ",".join(keys)
            continue
        if (key == "page_size" and values == [str(DEFAULT_PAGE_SIZE)]) or (
            key == "sort" and values == [config.spec.default_sort]
        ):
            continue
        if values:
            out.setlist(key, values)
    return out


# --- filter bar ------------------------------------------------------------------------------------------------


def filter_controls(
    config: ListConfig,
    params: QueryDict,
    *,
    users: Sequence[tuple[int, str]],
    definitions: Sequence[Any],
    tags: Sequence[str],
) -> tuple[list[FilterControl], list[FilterControl]]:
    """(always visible, under "More filters")."""
    specs = config.spec.filter_map()
    user_options = [("me", str(_("Me")))] + [(str(pk), name) for pk, name in users]

    def control(name: str) -> FilterControl | None:
        spec = specs.get(name)
        if spec is None:
            return None
        if spec.kind == "choice":
            return FilterControl(
                name,
                spec.label,
                "select",
                [(str(v), str(lbl)) for v, lbl in spec.choices],
                value=_first(params, name),
                any_label=_("Any"),
            )
        if spec.kind == "user":
            return FilterControl(
                name, _("Owner"), "select", user_options, value=_first(params, name), any_label=_("Anyone")
            )
        if spec.kind == "tag":
            return FilterControl(
                name,
                spec.label,
                "select",
                [(t, t) for t in tags],
                value=_first(params, name),
                any_label=_("Any tag"),
            )
        if spec.kind == "bool":
            return FilterControl(
                name,
                spec.label,
                "select",
                [("true", str(_("Yes"))), ("false", str(_("No")))],
                value=_first(params, name),
                any_label=_("Any"),
            )
        if spec.kind in {"date", "datetime"}:
            return FilterControl(
                name,
                spec.label,
                "range_date",
                value_from=_first(params, f"{name}__gte"),
                value_to=_first(params, f"{name}__lte"),
            )
        if spec.kind == "text":
            return FilterControl(name, spec.label, "text", value=_first(params, name))
        if spec.kind == "fk" and spec.options is not None:
            return FilterControl(
                name,
                spec.label,
                "select",
                [(str(pk), label) for pk, label in spec.options()] + [("none", str(_("None")))],
                value=_first(params, name),
                any_label=_("Any"),
            )
        return None

    primary = [c for c in (control(n) for n in config.primary_filters) if c is not None]
    added = [f.name for f in registered_filters(config.spec.object_type)]  # filters of higher layers
    more = [c for c in (control(n) for n in (*config.more_filters, *added)) if c is not None]
    lang = language()
    for d in definitions:
        name = f"custom.{d.key}"
        label = d.label_for(lang)
        ft = d.field_type
        if ft in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            options = [(str(c["value"]), d.choice_label(c["value"], lang)) for c in d.choices or []]
            more.append(
                FilterControl(name, label, "select", options, value=_first(params, name), any_label=_("Any"))
            )
        elif ft == FieldType.BOOLEAN:
            more.append(
                FilterControl(
                    name,
                    label,
                    "select",
                    [("true", str(_("Yes"))), ("false", str(_("No")))],
                    value=_first(params, name),
                    any_label=_("Any"),
                )
            )
        elif ft == FieldType.USER:
            more.append(
                FilterControl(
                    name,
                    label,
                    "select",
                    [(str(pk), n) for pk, n in users],
                    value=_first(params, name),
                    any_label=_("Anyone"),
                )
            )
        elif ft in (FieldType.NUMBER, FieldType.MONEY):
            more.append(
                FilterControl(
                    name,
                    label,
                    "range_number",
                    value_from=_first(params, f"{name}__gte"),
                    value_to=_first(params, f"{name}__lte"),
                )
            )
        elif ft == FieldType.DATE:
            more.append(
                FilterControl(
                    name,
                    label,
                    "range_date",
                    value_from=_first(params, f"{name}__gte"),
                    value_to=_first(params, f"{name}__lte"),
                )
            )
        else:
            more.append(FilterControl(name, label, "text", value=_first(params, name)))
    return primary, more


# --- the page -----------------------------------------------------------------------------------------------


def _empty_page(sort: str) -> Page:
    return Page(items=[], next_cursor=None, sort=sort, limit=0)


def _error_lines(exc: InvalidInput, labels: dict[str, str]) -> list[str]:
    lines = []
    for key, messages in exc.field_errors.items():
        base = key.split("__", 1)[0]
        label = labels.get(base) or key
        for message in messages:
            lines.append(f"{label}: {message}")
    return lines or [exc.message]


def list_page(request: HttpRequest, config: ListConfig) -> HttpResponseBase:
    user = request.user
    params = request.GET
    if _first(params, "format") == "csv":
        return export_csv(request, config)
    lang = language()
    definitions = custom_field_list(object_type=config.object_type)
    users = active_users()
    all_columns = config.columns(definitions, language=lang)
    columns = selected_columns(params, all_columns, config.default_columns)
    filters = filter_params(params)
    sort = _first(params, "sort") or config.spec.default_sort
    page_size = _first(params, "page_size") or str(DEFAULT_PAGE_SIZE)
    errors: list[str] = []
    status = 200
    try:
        page = config.list_fn(
            user=user, params=filters, sort=sort, cursor=_first(params, "cursor") or None, limit=page_size
        )
        count, capped = config.count_fn(user=user, params=filters)
    except InvalidInput as exc:
        labels = {f.name: str(f.label) for f in config.spec.all_filters()}
        labels.update(
            {
                "sort": str(_("Sort")),
                "cursor": str(_("Page")),
                "limit": str(_("Page size")),
                "page_size": str(_("Page size")),
            }
        )
        labels.update({f"custom.{d.key}": d.label_for(lang) for d in definitions})
        errors = _error_lines(exc, labels)
        page, count, capped, status = _empty_page(sort), 0, False, 400
    can_bulk = user_can(user, config.object_type, "change") or user_can(user, config.object_type, "delete")
    rows = page.items
    rows_html = list_rows(rows, columns, {"user_names": dict(users)}, can_bulk=can_bulk)
    tags = config.tag_choices()
    primary, more = filter_controls(config, params, users=users, definitions=definitions, tags=tags)
    views = saved_view_list(user=user, object_type=config.object_type)
    current_view = _first(params, "view")
    has_filters = bool(filters)
    list_url = reverse(config.url_name)
    state = clean_query(params, config)
    current_url = f"{list_url}?{state.urlencode()}" if state else list_url
    export_query = clean_query(params, config, keep=())
    export_query["format"] = "csv"
    context = {
        "config": config,
        "page": page,
        "rows": rows,
        "rows_html": rows_html,
        "columns": columns,
        "all_columns": all_columns,
        "selected_keys": {c.key for c in columns},
        "count": count,
        "capped": capped,
        "errors": errors,
        "q": _first(params, "q"),
        "sort": page.sort or sort,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "primary_filters": primary,
        "more_filters": more,
        "more_active": sum(1 for c in more if c.is_active),
        "has_filters": has_filters,
        "saved_views": views,
        "current_view": next((v for v in views if str(v.pk) == current_view), None),
        "view_query": clean_query(params, config, keep=()).urlencode(),
        "current_url": current_url,
        "list_url": list_url,
        "create_url": reverse(config.create_url_name) if user_can(user, config.object_type, "create") else "",
        "bulk_url": reverse(config.bulk_url_name),
        "export_url": f"{list_url}?{export_query.urlencode()}"
        if user_can(user, config.object_type, "export")
        else "",
        "can_bulk": can_bulk,
        "bulk_actions": bulk_actions(user, config.object_type, tags=config.has_tags),
        "tag_options": tags,
        "results_id": RESULTS_ID,
    }
    # Links built from the query string (sort headers, pager) carry the tidy state, not every empty input.
    state._mutable = False
    request.GET = state  # type: ignore[assignment]
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == RESULTS_ID:
        response = render(request, f"{LIST_TEMPLATE}#results", context)
        response["HX-Push-Url"] = current_url  # a tidy address bar: no empty or default parameters
        return response
    return render(request, LIST_TEMPLATE, context, status=status)


def bulk_actions(user: Any, object_type: str, *, tags: bool = True) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    if user_can(user, object_type, "change"):
        actions.append({"value": "assign_owner", "label": _("Assign owner"), "icon": "user-circle"})
        if tags:
            actions.append({"value": "tag", "label": _("Add tag"), "icon": "tag"})
    if user_can(user, object_type, "delete"):
        actions.append(
            {
                "value": "delete",
                "label": _("Move to recycle bin"),
                "icon": "trash",
                "danger": True,
                "confirm": _("Move the selected records to the recycle bin?"),
            }
        )
    return actions


# --- CSV ------------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_csv(request: HttpRequest, config: ListConfig) -> HttpResponseBase:
    """The filtered list as CSV, streamed in keyset batches; every column, custom fields included."""
    user = request.user
    if not user_can(user, config.object_type, "export"):
        raise PermissionDenied()
    params = request.GET
    definitions = custom_field_list(object_type=config.object_type)
    columns = config.columns(definitions, language=language())
    try:
        batches = config.export_fn(
            user=user, params=filter_params(params), sort=_first(params, "sort") or None
        )
    except InvalidInput as exc:
        names = {f.name: str(f.label) for f in config.spec.all_filters()}
        return HttpResponse(
            "\n".join(_error_lines(exc, names)), status=400, content_type="text/plain; charset=utf-8"
        )
    ctx = {"user_names": dict(active_users())}
    writer = csv.writer(_Echo())
    labels = ["ID", *[str(c.label) for c in columns]]

    def stream() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(labels)
        for batch in batches:
            for obj in batch:
                yield writer.writerow([obj.pk, *[csv_safe(c.text(obj, ctx)) for c in columns]])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{config.csv_name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
