"""The list envelope every list endpoint answers with, and the OpenAPI description of a ListSpec's parameters.

    {"items": [...], "next_cursor": "eyJ0Ijoi…" | null, "limit": 50}

Pass `next_cursor` back as `?cursor=` (with the same filters and sort) for the next page; null means the end.
"""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.encoding import force_str
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from crm.core.listing import DEFAULT_LIMIT, MAX_LIMIT, ListSpec, Page

ItemT = TypeVar("ItemT")


class PageOut(Schema, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None
    limit: int


_KIND_HINTS = {
    "text": "contains (case-insensitive); `{name}__exact` for an exact match",
    "choice": "one of: {choices} (comma-separated for several)",
    "bool": "true or false",
    "int": "a number; `{name}__gte`, `{name}__lte` for a range",
    "fk": "an id (comma-separated for several), or `none`",
    "user": "a user id (comma-separated for several), `me`, or `none`",
    "tag": "a tag name (comma-separated for any of several)",
}


def list_openapi(spec: ListSpec, *, extra_sorts: str = "") -> dict[str, Any]:
    """`openapi_extra` for a list operation: its filters, sort keys and the paging parameters."""
    with translation.override("en"):
        sorts = ", ".join(s.name for s in spec.sorts)
        params: list[dict[str, Any]] = [
            _param("q", f"Search in {', '.join(spec.search_paths) or 'the record'}."),
            _param(
                "sort", f"One of {sorts}; prefix with `-` for descending. Default: `{spec.default_sort}`."
            ),
            _param("cursor", "The `next_cursor` of the previous page."),
            _param(
                "limit", f"Page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).", schema={"type": "integer"}
            ),
        ]
        for f in spec.all_filters():
            label = force_str(f.label) or f.name
            if f.kind in {"date", "datetime"}:
                for op, word in (("gte", "on or after"), ("lte", "on or before")):
                    params.append(
                        _param(f"{f.name}__{op}", f"{label}: {word} this date (YYYY-MM-DD or ISO 8601).")
                    )
                continue
            hint = _KIND_HINTS.get(f.kind, "").format(
                name=f.name, choices=", ".join(str(c[0]) for c in f.choices)
            )
            params.append(_param(f.name, f"{label}: {hint}." if hint else f"{label}."))
    return {"parameters": params}


def _param(name: str, description: str, *, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "in": "query",
        "name": name,
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def page_args(request: HttpRequest) -> dict[str, str | None]:
    """`sort`, `cursor` and `limit` of a list request, for the selector (which validates them)."""
    return {name: request.GET.get(name) for name in ("sort", "cursor", "limit")}


def rows_response(page: Page, schema: type[Schema]) -> HttpResponse:
    """A list page of plain dicts rendered as the `PageOut[schema]` envelope, without building a Schema per row.

    For selectors that already return exactly the schema's fields as JSON-ready values (e.g. `.values()` rows):
    the keys come out in the schema's order and are encoded by the same JSON encoder Ninja uses, so the body is
    the one Ninja would answer with — without the per-row validation that cost half the request. A row
    missing a field of the schema is a programming error and fails loudly (KeyError), never a silent omission.
    """
    names = tuple(schema.model_fields)
    items = [{name: row[name] for name in names} for row in page.items]
    body = json.dumps(
        {"items": items, "next_cursor": page.next_cursor, "limit": page.limit}, cls=NinjaJSONEncoder
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")
